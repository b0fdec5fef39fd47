/**
 * `rsrun image build` / `rsrun image push`: the runner image, built and pushed through the
 * Docker engine API (dockerode). stdout gets the result (image refs, the pushed digest); progress
 * goes to stderr.
 */
import path from 'node:path';
import { ConfigError } from '../../errors';
import { VERSION } from '../../version';
import { imageOptions } from '../options';
import type { CommandInput } from '../command-input';

export async function run(input: CommandInput): Promise<number> {
  const o = imageOptions(input);
  const { connectDocker } = await import('../../container/docker-client.js');
  const { resolveImageOptions, progress } = await import('../../container/cli-options.js');
  const { buildTags, imageName } = await import('../../container/image-ref.js');
  const contextDir = path.resolve(o.build.context);
  const image = await resolveImageOptions({ ...o.image }, process.env, contextDir);
  const docker = await connectDocker();

  if (o.action === 'build') {
    if (o.build.offlineDeps) {
      const { stageNpmCache } = await import('../../container/npm-staging.js');
      await stageNpmCache(contextDir, progress('deps'));
    }
    const { buildImage } = await import('../../container/image-build.js');
    const built = await buildImage(docker, {
      ...image,
      contextDir,
      dockerfile: o.build.dockerfile,
      version: VERSION,
      cache: o.build.cache,
      onProgress: progress('build'),
    });
    process.stdout.write(o.json ? `${JSON.stringify(built, null, 2)}\n` : `${built.refs.join('\n')}\n`);
    return 0;
  }
  if (o.action === 'push') {
    const { resolveRegistryAuth } = await import('../../container/registry-auth.js');
    const { pushImage } = await import('../../container/image-push.js');
    const { auth, source } = await resolveRegistryAuth(image.registry);
    progress('push')(`credentials: ${source}`);
    const pushed = await pushImage(docker, { name: imageName(image), tags: buildTags(image), auth, onProgress: progress('push') });
    process.stdout.write(
      o.json ? `${JSON.stringify({ ...pushed, ref: `${pushed.name}@${pushed.digest}` }, null, 2)}\n` : `${pushed.name}@${pushed.digest}\n`,
    );
    return 0;
  }
  throw new ConfigError(`unknown image action "${String(o.action)}"`, { hint: 'use rsrun image build or rsrun image push' });
}
