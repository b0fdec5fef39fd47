/**
 * The embedded local warehouse: PGlite (PostgreSQL compiled to WebAssembly) in this process,
 * served on a loopback socket so the runner reaches it through the same `pg` code path as a
 * real cluster. Its data lives under `<project>/.rsrun/` between runs.
 *
 * PGlite is one backend: the socket server runs one transaction at a time. Never hold a transaction
 * on one session while waiting for another session (that waits for the 60 s queue timeout).
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors';

export interface EmbeddedServer {
  host: string;
  port: number;
  user: string;
  database: string;
  dataDir: string | undefined;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory for persistent data; undefined keeps everything in memory. */
  dataDir: string | undefined;
  /** Delete the data directory first. */
  fresh: boolean;
  maxConnections?: number;
}

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const lockfile = await import('proper-lockfile');

  let releaseLock: (() => Promise<void>) | undefined;
  if (options.dataDir !== undefined) {
    const parent = path.dirname(options.dataDir);
    await mkdir(parent, { recursive: true });
    try {
      // One process at a time may own the data directory: two PGlite instances on one
      // directory would corrupt it, and a deploy lock inside the database cannot see them apart.
      // A process killed while holding the lock stops refreshing it; after `stale` ms it is taken
      // over, so a re-run right after a crash waits a few seconds instead of failing.
      releaseLock = await lockfile.lock(parent, {
        lockfilePath: `${options.dataDir}.lock`,
        stale: 10_000,
        update: 2_000,
        retries: { retries: 12, minTimeout: 500, maxTimeout: 2_000, factor: 1.5 },
        // The default throws from a timer, killing the process mid-deploy; losing the refresh
        // only matters to a second process, which the deploy lock in the database still stops.
        onCompromised: () => undefined,
      });
    } catch (err) {
      throw new ConfigError(`the embedded warehouse in ${options.dataDir} is in use by another rsrun process`, {
        cause: err,
        hint: 'wait for the other run to finish, or use --fresh-dir/another project directory',
      });
    }
    if (options.fresh) await rm(options.dataDir, { recursive: true, force: true });
  }

  const db = options.dataDir === undefined ? new PGlite() : new PGlite(options.dataDir);
  await db.waitReady;
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: options.maxConnections ?? 16 });
  await server.start();
  const conn = server.getServerConn();
  const port = Number(conn.slice(conn.lastIndexOf(':') + 1));
  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    dataDir: options.dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      if (releaseLock) await releaseLock();
    },
  };
}
