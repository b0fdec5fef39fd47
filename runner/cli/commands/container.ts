/**
 * `rsrun container run --env NAME --image REF`: runs the runner image against one environment
 * and exits with the container's own exit code.
 */
import { ConfigError } from '../../errors';
import { containerOptions } from '../options';
import type { CommandInput } from '../command-input';

export async function run(input: CommandInput): Promise<number> {
  const o = containerOptions(input);
  if (o.action !== 'run') throw new ConfigError(`unknown container action "${String(o.action)}"`, { hint: 'use rsrun container run' });
  const { loadConfig } = await import('../../config/load-config.js');
  const { connectDocker } = await import('../../container/docker-client.js');
  const { progress } = await import('../../container/cli-options.js');
  const { registryOf } = await import('../../container/image-ref.js');
  const { resolveRegistryAuth } = await import('../../container/registry-auth.js');
  const { runEnvironment } = await import('../../container/run-environment.js');
  const config = await loadConfig({ ...input.global, ...(o.env ? { env: o.env } : {}) });
  const { auth } = await resolveRegistryAuth(registryOf(o.image));
  const docker = await connectDocker();
  const result = await runEnvironment(docker, {
    config,
    image: o.image,
    auth,
    ...(o.name ? { name: o.name } : {}),
    timeoutMs: o.run.timeoutMs,
    ...(o.run.projectMount ? { projectDir: o.run.projectMount } : {}),
    passEnv: o.run.passEnv,
    passSecrets: o.run.passSecrets,
    args: o.runnerArgs,
    ...(o.requirePassed ? { requirePassed: o.requirePassed } : {}),
    hostEnv: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
  });
  progress('container')(
    `${config.env.name}: exit code ${result.exitCode} after ${(result.durationMs / 1000).toFixed(1)} s${result.recordFile ? `; recorded in ${result.recordFile}` : ''}`,
  );
  return result.exitCode;
}
