/**
 * rsrun.ini text for a CLI test project on each engine of the matrix: the embedded default, or a
 * fresh PostgreSQL database with the emulation (its password comes from CLI_PG_PASSWORD, so the
 * file holds no secret). Databases made here are dropped by `dropCliDatabases`.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PG_URL, requirePostgres, type EngineName } from './engines';

export const cliPgEnv = (): NodeJS.ProcessEnv => ({ CLI_PG_PASSWORD: decodeURIComponent(new URL(PG_URL).password) });

export async function cliProjectIni(engine: EngineName, ctx: Mocha.Context, databases: string[]): Promise<string> {
  if (engine === 'embedded') return '[env.local]\nengine = embedded\n';
  await requirePostgres(ctx);
  const url = new URL(PG_URL);
  const database = `rsrun_cli_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  databases.push(database);
  return [
    '[env.local]',
    'engine = postgres',
    `host = ${url.hostname}`,
    `port = ${url.port || '5432'}`,
    `database = ${database}`,
    `user = ${decodeURIComponent(url.username)}`,
    'password = ${CLI_PG_PASSWORD}',
    'ssl = disable',
    'emulate_redshift = true',
    '',
  ].join('\n');
}

export async function dropCliDatabases(databases: string[]): Promise<void> {
  if (databases.length === 0) return;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  for (const db of databases.splice(0)) await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
  await admin.end();
}
