/**
 * The Docker engine connection. dockerode is loaded lazily (only container commands need it) and
 * every engine failure becomes a ContainerError that says how to get an engine.
 */
import type Docker from 'dockerode';
import { ContainerError, messageOf } from '../errors';

/** Engine events from build/push/pull streams (one JSON object per line). */
export interface ProgressEvent {
  stream?: string;
  status?: string;
  progress?: string;
  id?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string; Tag?: string; Digest?: string; Size?: number };
}

/** Connects to the engine named by DOCKER_HOST (default: the local socket) and checks it answers. */
export async function connectDocker(options: Docker.DockerOptions = {}): Promise<Docker> {
  const { default: Dockerode } = await import('dockerode');
  const docker = new Dockerode(options);
  try {
    await docker.ping();
  } catch (err) {
    throw new ContainerError(`the Docker engine does not answer (${messageOf(err)})`, {
      cause: err,
      hint: 'start it (bash scripts/docker-engine.sh) or point DOCKER_HOST at a running engine',
    });
  }
  return docker;
}

/**
 * Follows a build/push/pull stream to its end. An `error` event inside the stream (how the engine
 * reports a failed RUN step or a refused push) rejects with that message.
 */
export function followProgress(
  docker: Docker,
  stream: NodeJS.ReadableStream,
  onEvent: (event: ProgressEvent) => void,
): Promise<ProgressEvent[]> {
  return new Promise((resolve, reject) => {
    let failure: string | undefined;
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: ProgressEvent[]) => {
        if (err) reject(err);
        else if (failure !== undefined) reject(new Error(failure));
        else resolve(output);
      },
      (event: ProgressEvent) => {
        if (event.error !== undefined || event.errorDetail?.message !== undefined) {
          failure ??= (event.errorDetail?.message ?? event.error ?? 'unknown error').trim();
        }
        onEvent(event);
      },
    );
  });
}

/** True when the engine answered 404 (no such container/image). */
export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: number }).statusCode === 404;
}
