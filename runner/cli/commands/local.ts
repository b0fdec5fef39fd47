/**
 * `rsrun local start|stop|status`: the project's resident local server (runner/local/). `serve` is
 * what `start` runs in the background; it reads no config, only the paths `start` passes it.
 */
import { ConfigError } from '../../errors';
import { startInBackground, stopServer } from '../../local/control';
import { DEFAULT_IDLE_TIMEOUT_MS } from '../../local/open-embedded';
import { serveResident } from '../../local/resident-server';
import { findServer } from '../../local/server-file';
import { localOptions } from '../options';
import { printJson, printLine } from '../output';
import type { CommandInput } from '../command-input';
import { withConfig } from '../runtime';

export async function run(input: CommandInput): Promise<number> {
  const { action, json, idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS, serve: paths } = localOptions(input);
  if (action === 'serve') return serve(paths, idleTimeoutMs);
  return withConfig(input, async ({ config }) => {
    const env = config.env;
    if (env.engine !== 'embedded') {
      throw new ConfigError(`environment ${env.name} is engine = ${env.engine}: a local server serves an embedded warehouse only`, {
        hint: 'use the local environment (the default) or one with engine = embedded',
      });
    }
    const stateDir = config.project.stateDir;
    if (action === 'start') {
      const info = await startInBackground({ stateDir, envName: env.name, fresh: env.fresh, idleTimeoutMs });
      if (json) printJson({ running: true, ...info });
      else printLine(`local server for ${env.name} running: pid ${info.pid}, data in ${info.dataDir}; stop it with rsrun local stop`);
    } else if (action === 'stop') {
      const stopped = await stopServer(stateDir, env.name);
      if (json) printJson({ stopped: stopped !== undefined, pid: stopped?.pid ?? null });
      else printLine(stopped ? `local server for ${env.name} (pid ${stopped.pid}) stopped` : `no local server runs for ${env.name}`);
    } else {
      const info = await findServer(stateDir, env.name);
      if (json) printJson(info ? { running: true, ...info } : { running: false });
      else printLine(info ? `running: pid ${info.pid} since ${info.startedAt}, data in ${info.dataDir}` : `not running (${env.name})`);
    }
    return 0;
  });
}

/** The server process itself (started by `start`): runs until stopped or idle. */
async function serve(
  { stateDir, envName, fresh }: { stateDir: string | undefined; envName: string | undefined; fresh: boolean },
  idleTimeoutMs: number,
): Promise<number> {
  if (stateDir === undefined || envName === undefined) {
    throw new ConfigError('rsrun local serve needs --state-dir and --env-name', { hint: 'run rsrun local start instead' });
  }
  await serveResident({ stateDir, envName, fresh, idleTimeoutMs }, (info) => {
    printLine(`serving ${info.dataDir} on ${info.host}:${info.port} (pid ${info.pid})`);
  });
  printLine('stopped');
  return 0;
}
