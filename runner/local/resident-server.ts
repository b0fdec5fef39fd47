/**
 * The resident local server: one process per project and environment that keeps the embedded
 * engine running, so a command connects in milliseconds instead of starting PGlite (~1 s, and
 * ~130 MiB) each time. It owns the data directory through the same lock as an in-process engine,
 * so the two never open it together. It stops on SIGTERM/SIGINT (`rsrun local stop`) or after
 * `idleTimeoutMs` with no client connected.
 */
import path from 'node:path';
import { startEmbedded } from '../warehouse/embedded';
import { VERSION } from '../version';
import { envStateDir, removeServerFile, writeServerFile, type ServerInfo } from './server-file';

export interface ResidentOptions {
  stateDir: string;
  envName: string;
  /** Discard the warehouse's data first (`--fresh`). */
  fresh: boolean;
  idleTimeoutMs: number;
}

/** How often the idle timer looks at the connection count. */
const IDLE_CHECK_MS = 1000;

/** Serves until stopped; resolves once the engine is closed and the data directory released. */
export async function serveResident(options: ResidentOptions, onReady: (info: ServerInfo) => void): Promise<void> {
  const dir = envStateDir(options.stateDir, options.envName);
  const server = await startEmbedded({
    dataDir: path.join(dir, 'pgdata'),
    fresh: options.fresh,
    // Several commands at once, each with its pool (tests: concurrency + 1).
    maxConnections: 64,
    socketDir: dir,
  });
  const info: ServerInfo = {
    pid: process.pid,
    host: server.host,
    port: server.port,
    user: server.user,
    database: server.database,
    dataDir: server.dataDir as string,
    startedAt: new Date().toISOString(),
    version: VERSION,
  };
  try {
    await writeServerFile(options.stateDir, options.envName, info);
    onReady(info);
    await untilStopped(() => server.connections(), options.idleTimeoutMs);
  } finally {
    await removeServerFile(options.stateDir, options.envName, process.pid);
    await server.stop();
  }
}

function untilStopped(connections: () => number, idleTimeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    let lastBusy = Date.now();
    const timer = setInterval(() => {
      if (connections() > 0) lastBusy = Date.now();
      else if (Date.now() - lastBusy >= idleTimeoutMs) finish('idle');
    }, IDLE_CHECK_MS);
    const onSignal = (signal: NodeJS.Signals) => finish(signal);
    const finish = (why: string) => {
      clearInterval(timer);
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(why);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
