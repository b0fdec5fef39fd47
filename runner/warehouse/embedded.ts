/**
 * The embedded local warehouse: PGlite (PostgreSQL compiled to WebAssembly) in this process,
 * served on a loopback socket so the runner reaches it through the same `pg` code path as a
 * real cluster. Its data lives under `<project>/.rsrun/` between runs.
 *
 * PGlite is one backend: the socket server runs one transaction at a time. Never hold a transaction
 * on one session while waiting for another session (that waits for the 60 s queue timeout).
 */
import { chmod, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { ConfigError } from '../errors';
import { ensureTemplate, hasCluster, templateBlob, unpackTemplate } from '../local/pgdata-template';

export interface EmbeddedServer {
  host: string;
  port: number;
  user: string;
  database: string;
  dataDir: string | undefined;
  /** Client connections open right now (the resident server's idle timer reads it). */
  connections(): number;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory for persistent data; undefined keeps everything in memory. */
  dataDir: string | undefined;
  /** Delete the data directory first. */
  fresh: boolean;
  maxConnections?: number;
  /**
   * Listen on a Unix socket in this directory instead of a loopback TCP port: only the owner of
   * the project's files can connect (the engine trusts every client). Ignored where unsupported.
   */
  socketDir?: string;
}

/** The "port" of the Unix socket, as `pg` finds it: `<dir>/.s.PGSQL.<port>`. */
const SOCKET_PORT = 5439;

/** A Unix socket path, or undefined where one cannot be used (Windows, or a path too long for sun_path). */
export function unixSocketPath(dir: string | undefined): string | undefined {
  if (dir === undefined || process.platform === 'win32') return undefined;
  const file = path.join(dir, `.s.PGSQL.${SOCKET_PORT}`);
  return Buffer.byteLength(file) < 100 ? file : undefined;
}

/**
 * Starts PGlite on a pre-initialised cluster (pgdata-template.ts) instead of letting it run initdb.
 *
 * Two settings keep a command's peak RSS in budget (measured on the example project: 290 -> 135 MiB
 * for the engine alone): `shared_buffers` of 16 MB instead of initdb's 128 MB (PostgreSQL
 * initialises the whole pool, so every page of it is resident; a local warehouse's tables fit
 * in far less), and WebAssembly compiled by Liftoff only, without the background TurboFan tier
 * (its compiled code and compile threads cost ~45 MiB and most of a core during the first second;
 * the SQL a command runs is short, and Liftoff code ran the same workload within 10 %).
 */
async function openEngine(dataDir: string | undefined) {
  // V8 reads its WebAssembly flags when a module is compiled, so setting it before PGlite compiles
  // its engine takes effect (Node 20 has no other way: NODE_OPTIONS refuses V8 flags).
  setFlagsFromString('--liftoff-only');
  const { PGlite } = await import('@electric-sql/pglite');
  const template = dataDir === undefined || !hasCluster(dataDir) ? await ensureTemplate() : undefined;
  // PGlite starts with search_path=public; PostgreSQL's default and Redshift's is '$user, public'
  // (r_search_path): a schema named as the user comes first. A later -c wins.
  const startParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', '-c', 'search_path="$user", public'];
  let db;
  if (dataDir === undefined) {
    db = new PGlite({ startParams, ...(template ? { loadDataDir: await templateBlob(template) } : {}) });
  } else {
    if (template !== undefined && !hasCluster(dataDir)) await unpackTemplate(template, dataDir);
    db = new PGlite({ dataDir, startParams });
  }
  await db.waitReady;
  return db;
}

/**
 * PGlite is one backend shared by every client connection, so what a session leaves behind (temp
 * tables, settings, prepared statements, advisory locks) would be seen by the next client: on a
 * resident server (runner/local), the next command. When a client connects while no other is
 * connected, that state belongs to sessions that have ended, as PostgreSQL would have dropped it
 * with them: DISCARD ALL resets it. It is queued before the client's first message: the listener
 * runs before the socket's data callbacks, and PGlite runs exclusive sections in order.
 */
function resetEndedSessions(
  server: { addEventListener(type: 'connection', listener: () => void): void; getStats(): { activeConnections: number } },
  db: { isInTransaction(): boolean; exec(sql: string): Promise<unknown> },
): void {
  server.addEventListener('connection', () => {
    // DISCARD ALL cannot run in a transaction block; one left open by a client that died is rolled
    // back by the socket server when it detaches that client.
    if (server.getStats().activeConnections !== 1 || db.isInTransaction()) return;
    void db.exec('DISCARD ALL').catch(() => undefined);
  });
}

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedServer> {
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

  let db: Awaited<ReturnType<typeof openEngine>>;
  try {
    db = await openEngine(options.dataDir);
  } catch (err) {
    if (releaseLock) await releaseLock();
    throw err;
  }
  const socketPath = unixSocketPath(options.socketDir);
  // A socket file left by a process that died would make listen() fail; the data-directory lock
  // held here says no live server owns it.
  if (socketPath !== undefined) await rm(socketPath, { force: true });
  const listen = socketPath !== undefined ? { path: socketPath } : { host: '127.0.0.1', port: 0 };
  const server = new PGLiteSocketServer({ db, ...listen, maxConnections: options.maxConnections ?? 16 });
  resetEndedSessions(server, db);
  await server.start();
  // Connecting to a Unix socket needs write permission on it: the owner only, whatever the umask.
  if (socketPath !== undefined) await chmod(socketPath, 0o600);
  const conn = server.getServerConn();
  const host = socketPath !== undefined ? path.dirname(socketPath) : '127.0.0.1';
  const port = socketPath !== undefined ? SOCKET_PORT : Number(conn.slice(conn.lastIndexOf(':') + 1));
  let stopped = false;
  return {
    host,
    port,
    user: 'postgres',
    database: 'postgres',
    dataDir: options.dataDir,
    connections: () => server.getStats().activeConnections,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await db.close();
      if (releaseLock) await releaseLock();
    },
  };
}
