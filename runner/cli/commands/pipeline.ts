/**
 * `rsrun pipeline`: build, push, run on test, promote to prod, summary. What the Jenkinsfile does,
 * on one machine. Exit code: 0, or the first failed stage's (the container's own code, 7 for an
 * image/container failure, 8 for a refused promotion).
 */
import path from 'node:path';
import type { CommandInput } from '../program';
import { VERSION } from '../../version';

export async function run(input: CommandInput): Promise<number> {
  const o = input.options;
  const { loadConfig } = await import('../../config/load-config.js');
  const { connectDocker } = await import('../../container/docker-client.js');
  const { parseTimeout, progress, resolveImageOptions } = await import('../../container/cli-options.js');
  const { resolveRegistryAuth } = await import('../../container/registry-auth.js');
  const { formatSummary, runPipeline } = await import('../../container/pipeline.js');
  const contextDir = path.resolve(typeof o.context === 'string' ? o.context : '.');
  const image = await resolveImageOptions(o, process.env, contextDir);
  const testEnv = typeof o.testEnv === 'string' ? o.testEnv : 'test';
  const prodEnv = typeof o.prodEnv === 'string' ? o.prodEnv : 'prod';
  const testConfig = await loadConfig({ ...input.global, env: testEnv });
  const prodConfig = await loadConfig({ ...input.global, env: prodEnv });
  const { auth } = await resolveRegistryAuth(image.registry);
  const docker = await connectDocker();
  const result = await runPipeline(docker, {
    build: {
      ...image,
      contextDir,
      dockerfile: typeof o.dockerfile === 'string' ? o.dockerfile : 'docker/Dockerfile',
      version: VERSION,
      cache: o.cache !== false,
    },
    prepare: async () => {
      if (o.offlineDeps === false) return;
      const { stageNpmCache } = await import('../../container/npm-staging.js');
      await stageNpmCache(contextDir, progress('deps'));
    },
    auth,
    testConfig,
    prodConfig,
    run: {
      timeoutMs: parseTimeout(o.timeout, 'timeout', 30 * 60_000),
      ...(typeof o.projectMount === 'string' ? { projectDir: o.projectMount } : {}),
      passEnv: (o.passEnv as string[] | undefined) ?? [],
      passSecrets: (o.passSecret as string[] | undefined) ?? [],
      hostEnv: process.env,
    },
    stdout: process.stdout,
    stderr: process.stderr,
    progress,
  });
  process.stdout.write(o.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatSummary(result)}\n`);
  return result.exitCode;
}
