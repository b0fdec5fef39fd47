/**
 * `rsrun image push`: pushes every tag of the image and reports the digest the registry stored,
 * which is what the test and prod runs then pull (`name@sha256:...`).
 */
import type Docker from 'dockerode';
import { ContainerError, messageOf } from '../errors';
import { followProgress } from './docker-client';
import type { RegistryAuth } from './registry-auth';

export interface PushOptions {
  /** Image name without tag, as `imageName()` made it. */
  name: string;
  tags: string[];
  auth: RegistryAuth | undefined;
  onProgress?: (line: string) => void;
}

export interface PushedImage {
  name: string;
  digest: string;
  tags: string[];
}

export async function pushImage(docker: Docker, o: PushOptions): Promise<PushedImage> {
  let digest: string | undefined;
  for (const tag of o.tags) {
    try {
      const stream = await docker.getImage(o.name).push({ tag, ...(o.auth ? { authconfig: o.auth } : {}) });
      await followProgress(docker, stream, (e) => {
        if (e.aux?.Digest) digest = e.aux.Digest;
        // Per-layer byte counters are noise in a CI log; keep the step lines.
        if (e.status && !e.progress) o.onProgress?.(`${e.id ? `${e.id}: ` : ''}${e.status}`);
      });
    } catch (err) {
      throw new ContainerError(`pushing ${o.name}:${tag} failed: ${messageOf(err)}`, {
        cause: err,
        hint: 'check the registry address and the credentials (RSRUN_REGISTRY_USER/RSRUN_REGISTRY_PASSWORD or docker login)',
      });
    }
  }
  if (!digest) throw new ContainerError(`the registry did not report a digest for ${o.name}`);
  return { name: o.name, digest, tags: o.tags };
}
