/** Helpers of the branch environment tests: a client on one database of the test PostgreSQL server. */
import pg from 'pg';
import { PG_URL } from '../support/engines';

export function urlOf(database: string): string {
  const u = new URL(PG_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function onDb<T>(database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: urlOf(database) });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Drops the databases whose names start with `prefix` (the base and its branch environments). */
export async function dropDatabases(admin: pg.Client, prefix: string): Promise<void> {
  const left = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${prefix}%`]);
  for (const r of left.rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
}

/** rsrun.ini with `[env.test]` on the test server's database `baseDb`, plus `extra` lines of that section. */
export function testEnvIni(baseDb: string, extra: string): string {
  const url = new URL(PG_URL);
  return [
    '[env.test]',
    'engine = postgres',
    `host = ${url.hostname}`,
    `port = ${url.port || '5432'}`,
    `user = ${decodeURIComponent(url.username)}`,
    `password = ${decodeURIComponent(url.password)}`,
    `database = ${baseDb}`,
    extra,
  ].join('\n');
}
