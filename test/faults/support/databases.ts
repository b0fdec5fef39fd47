/**
 * Databases for the fault campaign on the shared PostgreSQL server: one per case, copied from a
 * template (CREATE DATABASE ... TEMPLATE is a file copy: much faster than deploying again), and a
 * snapshot of everything a run could change — schemas, relations, columns, routines, the history
 * and the lock table — to prove a refused run left the database exactly as it was.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PG_URL } from '../../support/engines';

export const PG = (() => {
  const url = new URL(PG_URL);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
})();

const SNAPSHOT = [
  `SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1`,
  `SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' ORDER BY 1, 2`,
  `SELECT table_schema, table_name, column_name, data_type, ordinal_position FROM information_schema.columns
     WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 5`,
  `SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) AS args FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname NOT LIKE 'pg\\_%' AND n.nspname <> 'information_schema' ORDER BY 1, 2, 3`,
];

export class CampaignDatabases {
  private readonly created: string[] = [];
  // One admin connection: its statements queue here rather than inside pg (which warns about that).
  private last: Promise<unknown> = Promise.resolve();
  private constructor(private readonly admin: pg.Client) {}

  private query(sql: string): Promise<unknown> {
    const next = this.last.then(() => this.admin.query(sql));
    this.last = next.catch(() => undefined);
    return next;
  }

  static async open(): Promise<CampaignDatabases> {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    return new CampaignDatabases(admin);
  }

  /** A new empty database, or a copy of `template`; dropped by `close()`. */
  async create(prefix: string, template?: string): Promise<string> {
    const name = `${prefix}_${randomBytes(4).toString('hex')}`;
    await this.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
    this.created.push(name);
    return name;
  }

  async drop(name: string): Promise<void> {
    await this.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }

  async close(): Promise<void> {
    for (const d of this.created) await this.drop(d).catch(() => undefined);
    await this.admin.end();
  }
}

/** Where a database lives when it is not on the shared server (a private instance, the embedded engine). */
export interface Server {
  host?: string;
  port?: number;
  user?: string;
  password?: string | undefined;
}

export async function withClient<T>(database: string, fn: (c: pg.Client) => Promise<T>, server: Server = {}): Promise<T> {
  const c = new pg.Client({ ...PG, ...server, database });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Catalog, history and lock rows: equal before and after means the run changed nothing. */
export async function snapshot(database: string): Promise<unknown[]> {
  return withClient(database, async (c) => {
    const out: unknown[] = [];
    for (const sql of SNAPSHOT) out.push((await c.query(sql)).rows);
    for (const table of ['rsrun.rsrun_history', 'rsrun.rsrun_lock']) {
      const exists = await c.query('SELECT to_regclass($1) AS t', [table]);
      out.push(exists.rows[0]?.t ? (await c.query(`SELECT * FROM ${table} ORDER BY 1`)).rows : null);
    }
    return out;
  });
}

/** The schema and data a deploy leaves, for comparing a crashed-and-resumed run with a clean one. */
export async function deployedState(database: string, tables: string[], server: Server = {}): Promise<unknown[]> {
  return withClient(
    database,
    async (c) => {
      // Temporary tables are left out: on the embedded engine every client shares PGlite's one
      // session, so a killed runner's staging table outlives it until the server restarts (a leak
      // reported to the engine's owner; on PostgreSQL they go with the killed session).
      const columns = (await c.query<{ table_schema: string }>(SNAPSHOT[2] as string)).rows;
      const out: unknown[] = [columns.filter((r) => !r.table_schema.startsWith('pg_temp'))];
      for (const t of tables) out.push((await c.query(`SELECT * FROM ${t} ORDER BY 1, 2`)).rows);
      const history = await c.query(
        'SELECT version, description, type, script, checksum, success, statements_done FROM rsrun.rsrun_history ORDER BY installed_rank',
      );
      out.push(history.rows);
      return out;
    },
    server,
  );
}
