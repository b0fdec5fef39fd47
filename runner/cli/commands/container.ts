/**
 * `rsrun container run --env NAME --image REF`: runs the runner image against one environment
 * and exits with the container's own exit code.
 */
import { ConfigError } from '../../errors';
import type { CommandInput } from '../program';

export async function run(input: CommandInput): Promise<number> {
  const [action, ...runnerArgs] = input.operands;
  if (action !== 'run') throw new ConfigError(`unknown container action "${String(action)}"`, { hint: 'use rsrun container run' });
  const o = input.options;
  if (typeof o.image !== 'string')
    throw new ConfigError('--image is required', { hint: 'pass the NAME@sha256:... that rsrun image push printed' });
  const { loadConfig } = await import('../../config/load-config.js');
  const { connectDocker } = await import('../../container/docker-client.js');
  const { parseTimeout, progress } = await import('../../container/cli-options.js');
  const { registryOf } = await import('../../container/image-ref.js');
  const { resolveRegistryAuth } = await import('../../container/registry-auth.js');
  const { runEnvironment } = await import('../../container/run-environment.js');
  const env = typeof o.env === 'string' ? o.env : input.global.env;
  const config = await loadConfig({ ...input.global, ...(env ? { env } : {}) });
  const { auth } = await resolveRegistryAuth(registryOf(o.image));
  const docker = await connectDocker();
  const result = await runEnvironment(docker, {
    config,
    image: o.image,
    auth,
    ...(typeof o.name === 'string' ? { name: o.name } : {}),
    timeoutMs: parseTimeout(o.timeout, 'timeout', 30 * 60_000),
    ...(typeof o.projectMount === 'string' ? { projectDir: o.projectMount } : {}),
    passEnv: (o.passEnv as string[] | undefined) ?? [],
    passSecrets: (o.passSecret as string[] | undefined) ?? [],
    args: runnerArgs,
    ...(typeof o.requirePassed === 'string' ? { requirePassed: o.requirePassed } : {}),
    hostEnv: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
  });
  progress('container')(
    `${config.env.name}: exit code ${result.exitCode} after ${(result.durationMs / 1000).toFixed(1)} s${result.recordFile ? `; recorded in ${result.recordFile}` : ''}`,
  );
  return result.exitCode;
}
