/**
 * The PostgreSQL server every scenario runs against (never the embedded engine: latency and
 * parallelism are only meaningful on a real server). Each tool gets a fresh database.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { quoteIdent } from '../../runner/dialects/dialect';

export const BENCH_PG_URL =
  process.env.RSRUN_BENCH_PG_URL ?? process.env.RSRUN_TEST_PG_URL ?? 'postgres://rsrun:rsrun@127.0.0.1:5432/postgres';

export interface ServerInfo {
  host: string;
  port: number;
  user: string;
  password: string;
}

export function serverInfo(url = BENCH_PG_URL): ServerInfo {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

/** Resolves when the server answers, else rejects with the driver's reason. */
export async function probeServer(url = BENCH_PG_URL): Promise<string> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    const r = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return r.rows[0]!.v ?? '';
  } finally {
    await c.end();
  }
}

/** Creates `rsrun_bench_<label>_<random>`; returns its name. */
export async function createDatabase(label: string, url = BENCH_PG_URL): Promise<string> {
  const name = `rsrun_bench_${label.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  await withClient(url, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
  return name;
}

export async function dropDatabase(name: string, url = BENCH_PG_URL): Promise<void> {
  await withClient(url, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
}

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>, database?: string): Promise<T> {
  // pg lets a connection string override explicit fields, so build the config from its parts.
  const { host, port, user, password } = serverInfo(url);
  const c = new pg.Client({ host, port, user, password, database: database ?? (new URL(url).pathname.slice(1) || 'postgres') });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}
