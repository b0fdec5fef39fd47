/**
 * Where a command finds the embedded warehouse: the project's resident local server when one runs
 * (or is started for it), otherwise an engine inside this process (the fallback, always possible).
 *
 * Either way one process owns the data directory (the lock in warehouse/embedded.ts) and every
 * command reaches the engine over the PostgreSQL protocol, so concurrent commands are safe: on a
 * server they share one engine, whose deploy lock lets one writer in at a time while the others
 * wait (lock_timeout); in-process, a second command waits for the directory lock and is then
 * refused with a message naming the other process.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { EnvironmentConfig } from '../config/types';
import { isRsrunError } from '../errors';
import { ensureStateDir } from '../run/state-dir';
import { startEmbedded } from '../warehouse/embedded';
import { VERSION } from '../version';
import { startInBackground, stopServer } from './control';
import { envStateDir, findServer, type ServerInfo } from './server-file';

/** The environment variable that turns starting a server on the way on or off. */
export const LOCAL_SERVER_ENV = 'RSRUN_LOCAL_SERVER';

/** How long an automatically started server waits for a client before it stops itself. */
export const DEFAULT_IDLE_TIMEOUT_MS = 15 * 60_000;

/**
 * Whether a command may start a resident server when none runs: `RSRUN_LOCAL_SERVER=auto|off`;
 * unset, only for a person at a terminal (stdout a TTY, not CI), never for scripts, CI and tests,
 * which must not leave processes behind.
 */
// Node types `isTTY` as boolean, but it is undefined when stdout is not a terminal.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-boolean-literal-compare
export function mayStartServer(env: NodeJS.ProcessEnv = process.env, interactive = process.stdout.isTTY === true): boolean {
  const setting = env[LOCAL_SERVER_ENV]?.trim().toLowerCase();
  if (setting === 'auto' || setting === 'on') return true;
  if (setting === 'off') return false;
  return interactive && !env.CI;
}

/** The environment's embedded data directory (the resident server uses the same one). */
export function embeddedDataDir(stateDir: string, envName: string): string {
  return path.join(envStateDir(stateDir, envName), 'pgdata');
}

/**
 * Whether the environment's embedded warehouse was ever created. Before its first use it holds no
 * history, so a read-only command can answer "nothing applied" without starting the engine.
 */
export function embeddedWarehouseExists(stateDir: string, envName: string): boolean {
  return existsSync(embeddedDataDir(stateDir, envName));
}

export interface EmbeddedEndpoint {
  host: string;
  port: number;
  user: string;
  database: string;
  /** Stops the in-process engine; nothing for a server, which stays up for the next command. */
  release(): Promise<void>;
}

function viaServer(info: ServerInfo): EmbeddedEndpoint {
  return { ...info, release: async () => undefined };
}

export async function openEmbedded(
  env: Pick<EnvironmentConfig, 'name' | 'fresh'>,
  stateDir: string,
  maxConnections: number,
): Promise<EmbeddedEndpoint> {
  await ensureStateDir(stateDir);
  let running = await findServer(stateDir, env.name);
  // `--fresh` discards the data a server holds; a server of another rsrun version is replaced.
  if (running !== undefined && (env.fresh || running.version !== VERSION)) {
    await stopServer(stateDir, env.name);
    running = undefined;
  }
  if (running !== undefined) return viaServer(running);
  if (mayStartServer()) {
    return viaServer(await startInBackground({ stateDir, envName: env.name, fresh: env.fresh, idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS }));
  }
  try {
    const server = await startEmbedded({ dataDir: embeddedDataDir(stateDir, env.name), fresh: env.fresh, maxConnections });
    return { ...server, release: () => server.stop() };
  } catch (err) {
    // The directory was locked: a server may have started meanwhile (`rsrun local start` in
    // another terminal); if so, use it rather than refuse.
    const started = isRsrunError(err) ? await findServer(stateDir, env.name) : undefined;
    if (started !== undefined && !env.fresh) return viaServer(started);
    throw err;
  }
}
