/**
 * `rsrun container run`: one run of the runner image as a container, the way Jenkins runs it.
 * Removes a stale container of the same name, pulls the image by digest, passes settings as
 * environment variables and secrets through a mounted file (see secrets-file.ts), mounts the
 * reports directory, streams the logs live (stdout and stderr kept apart), waits, and removes the
 * container. A run that exceeds its timeout is stopped and removed.
 */
import { chown, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Writable } from 'node:stream';
import type Docker from 'dockerode';
import { ContainerError, messageOf } from '../errors';
import { followProgress, isNotFound } from './docker-client';
import type { RegistryAuth } from './registry-auth';
import { SECRETS_MOUNT, writeSecretsFile } from './secrets-file';

/** Where the image's runner writes run directories (docker/Dockerfile's CMD). */
export const REPORTS_MOUNT = '/reports';

export interface Mount {
  host: string;
  container: string;
  readOnly?: boolean;
}

export interface ContainerRunOptions {
  /** `name@sha256:...` (pulled first) or a local `name:tag`. */
  image: string;
  /** Container name; a stale container with it is removed first. */
  name: string;
  /** Pull before running (default: when the reference is a digest). */
  pull?: boolean;
  auth?: RegistryAuth | undefined;
  /** Non-secret settings, visible in `docker inspect`. */
  env: Record<string, string>;
  /** Secret settings: delivered through the mounted env file, never in Env, Cmd or logs. */
  secrets: Record<string, string>;
  /** Arguments for the runner; default the image's CMD. */
  args?: string[];
  /** Host directory mounted at /reports. Created if missing. */
  reportsDir: string;
  mounts?: Mount[];
  /** `host:ip` entries; default lets the container reach the host as host.docker.internal. */
  extraHosts?: string[];
  network?: string;
  timeoutMs: number;
  /** Seconds `docker stop` waits before killing, on timeout. */
  stopGraceSeconds?: number;
  stdout: Writable;
  stderr: Writable;
  labels?: Record<string, string>;
}

export interface ContainerRunResult {
  containerId: string;
  exitCode: number;
  durationMs: number;
}

export const HOST_GATEWAY = 'host.docker.internal:host-gateway';

/** Removes a container by name if one exists (running or not). Returns whether one was removed. */
export async function removeStale(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getContainer(name).remove({ force: true, v: true });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw new ContainerError(`could not remove the stale container ${name}: ${messageOf(err)}`, { cause: err });
  }
}

export async function pullImage(docker: Docker, ref: string, auth: RegistryAuth | undefined, log: (line: string) => void): Promise<void> {
  const at = ref.lastIndexOf('@');
  const colon = ref.lastIndexOf(':');
  const [fromImage, tag] =
    at > 0
      ? [ref.slice(0, at), ref.slice(at + 1)]
      : colon > ref.lastIndexOf('/')
        ? [ref.slice(0, colon), ref.slice(colon + 1)]
        : [ref, 'latest'];
  try {
    const stream = await docker.createImage(auth, { fromImage, tag });
    await followProgress(docker, stream, (e) => {
      if (e.status && !e.progress && !e.id) log(e.status);
    });
  } catch (err) {
    throw new ContainerError(`pulling ${ref} failed: ${messageOf(err)}`, {
      cause: err,
      hint: 'check that the digest was pushed to this registry and that the credentials can read it',
    });
  }
}

/** Replaces every secret value in a text stream by `***`, line by line (values never span lines). */
export function maskingStream(secrets: string[], target: Writable): Transform {
  const values = secrets.filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  let pending = '';
  const mask = (text: string) => values.reduce((t, v) => t.split(v).join('***'), text);
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      pending += chunk.toString('utf8');
      const cut = pending.lastIndexOf('\n');
      if (cut >= 0) {
        this.push(mask(pending.slice(0, cut + 1)));
        pending = pending.slice(cut + 1);
      }
      done();
    },
    flush(done) {
      if (pending) this.push(mask(pending));
      done();
    },
  });
  t.pipe(target, { end: false });
  return t;
}

function uidOf(user: string | undefined): number | undefined {
  const m = /^(\d+)(?::\d+)?$/.exec(user ?? '');
  return m ? Number(m[1]) : undefined;
}

export async function runContainer(docker: Docker, o: ContainerRunOptions): Promise<ContainerRunResult> {
  const started = Date.now();
  await removeStale(docker, o.name);
  if (o.pull ?? o.image.includes('@sha256:')) await pullImage(docker, o.image, o.auth, (l) => o.stderr.write(`${l}\n`));

  let imageUser: string | undefined;
  try {
    imageUser = (await docker.getImage(o.image).inspect()).Config.User;
  } catch (err) {
    throw new ContainerError(`the image ${o.image} is not available: ${messageOf(err)}`, {
      cause: err,
      hint: 'build it (rsrun image build) or pull it',
    });
  }
  const uid = uidOf(imageUser);
  const reportsDir = path.resolve(o.reportsDir);
  await mkdir(reportsDir, { recursive: true });
  // The image runs as a non-root user; a root host (CI) hands it the reports directory.
  if (uid !== undefined && process.getuid?.() === 0) await chown(reportsDir, uid, uid);

  const secretsFile = await writeSecretsFile(o.secrets, uid);
  const secretValues = Object.values(o.secrets);
  let container: Docker.Container | undefined;
  try {
    container = await docker.createContainer({
      name: o.name,
      Image: o.image,
      ...(o.args ? { Cmd: o.args } : {}),
      Env: Object.entries(o.env).map(([k, v]) => `${k}=${v}`),
      Labels: { 'io.rsrun.role': 'run', ...o.labels },
      Tty: false,
      AttachStdout: true,
      AttachStderr: true,
      HostConfig: {
        Binds: [
          `${reportsDir}:${REPORTS_MOUNT}`,
          `${secretsFile.path}:${SECRETS_MOUNT}:ro`,
          ...(o.mounts ?? []).map((m) => `${path.resolve(m.host)}:${m.container}${m.readOnly ? ':ro' : ''}`),
        ],
        ExtraHosts: o.extraHosts ?? [HOST_GATEWAY],
        ...(o.network ? { NetworkMode: o.network } : {}),
        AutoRemove: false,
      },
    });
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const out = maskingStream(secretValues, o.stdout);
    const err = maskingStream(secretValues, o.stderr);
    docker.modem.demuxStream(stream, out, err);
    const logsDone = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    await container.start();

    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), o.timeoutMs);
    });
    const outcome = await Promise.race([container.wait() as Promise<{ StatusCode: number }>, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      await container.stop({ t: o.stopGraceSeconds ?? 10 }).catch(() => undefined);
      throw new ContainerError(
        `the container ${o.name} did not finish within ${Math.round(o.timeoutMs / 1000)} s; it was stopped and removed`,
        {
          hint: 'raise --timeout, or look at the streamed log above for the step that hung',
        },
      );
    }
    // Drain what the engine still has buffered, but never hang on a stream that does not end.
    await Promise.race([logsDone, new Promise((r) => setTimeout(r, 5000).unref())]);
    out.end();
    err.end();
    return { containerId: container.id, exitCode: outcome.StatusCode, durationMs: Date.now() - started };
  } catch (err) {
    if (err instanceof ContainerError) throw err;
    throw new ContainerError(`running ${o.image} as ${o.name} failed: ${messageOf(err)}`, { cause: err });
  } finally {
    if (container) await container.remove({ force: true, v: true }).catch(() => undefined);
    await secretsFile.remove();
  }
}
