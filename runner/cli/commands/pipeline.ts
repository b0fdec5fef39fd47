/**
 * `rsrun pipeline`: build, push, run on test, promote to prod, summary. What the Jenkinsfile does,
 * on one machine. Exit code: 0, or the first failed stage's (the container's own code, 7 for an
 * image/container failure, 8 for a refused promotion).
 */
import path from 'node:path';
import { VERSION } from '../../version';
import { pipelineOptions } from '../options';
import type { CommandInput } from '../command-input';

export async function run(input: CommandInput): Promise<number> {
  const o = pipelineOptions(input);
  const { loadConfig } = await import('../../config/load-config.js');
  const { connectDocker } = await import('../../container/docker-client.js');
  const { progress, resolveImageOptions } = await import('../../container/cli-options.js');
  const { resolveRegistryAuth } = await import('../../container/registry-auth.js');
  const { formatSummary, runPipeline } = await import('../../container/pipeline.js');
  const contextDir = path.resolve(o.build.context);
  const image = await resolveImageOptions({ ...o.image }, process.env, contextDir);
  const testConfig = await loadConfig({ ...input.global, env: o.testEnv });
  const prodConfig = await loadConfig({ ...input.global, env: o.prodEnv });
  const { auth } = await resolveRegistryAuth(image.registry);
  const docker = await connectDocker();
  const result = await runPipeline(docker, {
    build: { ...image, contextDir, dockerfile: o.build.dockerfile, version: VERSION, cache: o.build.cache },
    prepare: async () => {
      if (!o.build.offlineDeps) return;
      const { stageNpmCache } = await import('../../container/npm-staging.js');
      await stageNpmCache(contextDir, progress('deps'));
    },
    auth,
    testConfig,
    prodConfig,
    run: {
      timeoutMs: o.run.timeoutMs,
      ...(o.run.projectMount ? { projectDir: o.run.projectMount } : {}),
      passEnv: o.run.passEnv,
      passSecrets: o.run.passSecrets,
      hostEnv: process.env,
    },
    stdout: process.stdout,
    stderr: process.stderr,
    progress,
  });
  process.stdout.write(o.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatSummary(result)}\n`);
  return result.exitCode;
}
