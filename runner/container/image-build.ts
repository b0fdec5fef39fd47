/**
 * `rsrun image build`: the repository's docker/Dockerfile built through the engine API, the
 * context streamed as a tar honouring .dockerignore, progress streamed line by line, and the image
 * tagged with the commit, the build number and a moving tag.
 */
import type Docker from 'dockerode';
import { ContainerError, messageOf } from '../errors';
import { packContext } from './build-context';
import { followProgress } from './docker-client';
import { buildTags, imageName, type ImageLocation, type TagInputs } from './image-ref';

export interface BuildOptions extends ImageLocation, TagInputs {
  contextDir: string;
  /** Relative to the context. */
  dockerfile: string;
  version: string;
  /** Build metadata only: these become labels. Never pass secrets here. */
  buildArgs?: Record<string, string>;
  /** Use the layer cache (default true). */
  cache?: boolean;
  /** Each line of build output, as `docker build` prints it. */
  onProgress?: (line: string) => void;
}

export interface BuiltImage {
  id: string;
  name: string;
  /** `name:tag` for every tag applied. */
  refs: string[];
}

export async function buildImage(docker: Docker, o: BuildOptions): Promise<BuiltImage> {
  const name = imageName(o);
  const tags = buildTags(o);
  const [first, ...rest] = tags.map((t) => `${name}:${t}`);
  const context = await packContext(o.contextDir, o.dockerfile);
  let id: string | undefined;
  // The last lines of output name the failing step's error; kept for the error message.
  const tail: string[] = [];
  try {
    const stream = await docker.buildImage(context, {
      t: first,
      dockerfile: o.dockerfile,
      rm: true,
      forcerm: true,
      nocache: o.cache === false,
      buildargs: {
        GIT_COMMIT: o.commit ?? 'unknown',
        BUILD_NUMBER: o.buildNumber ?? 'unknown',
        RSRUN_VERSION: o.version,
        ...o.buildArgs,
      },
    });
    await followProgress(docker, stream, (e) => {
      if (e.aux?.ID) id = e.aux.ID;
      const text = e.stream ?? e.status;
      if (!text) return;
      for (const line of text.replace(/\n$/, '').split('\n')) {
        if (line.trim() === '') continue;
        tail.push(line);
        if (tail.length > 15) tail.shift();
        o.onProgress?.(line);
      }
    });
  } catch (err) {
    throw new ContainerError(`image build failed: ${messageOf(err)}${tail.length ? `\n  last output:\n    ${tail.join('\n    ')}` : ''}`, {
      cause: err,
      file: o.dockerfile,
      hint: 'the build output above shows the failing step; fix it and run rsrun image build again',
    });
  }
  const image = docker.getImage(first ?? name);
  const inspected = await image.inspect();
  id ??= inspected.Id;
  for (const ref of rest) {
    const colon = ref.lastIndexOf(':');
    await image.tag({ repo: ref.slice(0, colon), tag: ref.slice(colon + 1) });
  }
  return { id, name, refs: [first, ...rest].filter((r): r is string => r !== undefined) };
}
