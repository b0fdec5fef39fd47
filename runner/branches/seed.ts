/**
 * Data for a new branch environment, loaded once after its first migrate (so the tables exist):
 * `branch_clone` copies the tables of the named schemas from the base database, then `branch_seed`
 * runs a folder's `*.sql` scripts and loads its `<schema>.<table>.csv` files, in name order.
 *
 * Cloning: Redshift reads another database of the cluster with three-part names on RA3 and
 * Serverless (https://docs.aws.amazon.com/redshift/latest/dg/cross-database_usage.html), so a table
 * the migrations did not create becomes `CREATE TABLE s.t AS SELECT * FROM base.s.t`, and one they
 * did is filled with `INSERT ... SELECT`. PostgreSQL cannot read across databases: rows travel
 * through rsrun into tables the migrations created (a table they did not create is skipped, with a
 * warning); the embedded warehouse likewise, between its two data directories.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedConfig } from '../config/types';
import { InputError, messageOf } from '../errors';
import type { ClosableLogger } from '../logging/create-logger';
import { splitSql } from '../migrations/split-sql';
import { quoteIdent } from '../dialects/dialect';
import type { StatementRewriter } from '../dialects/rewriter';
import { loadFixture } from '../testing/fixtures';
import type { OpenedWarehouse } from '../warehouse/open-warehouse';
import { insertBatches } from '../warehouse/statement-batches';
import { REDSHIFT_MAX_STATEMENT_BYTES, type Session } from '../warehouse/warehouse';
import { baseEnvironmentOf, onBase } from './environments';

export interface SeedRuntime {
  config: ResolvedConfig;
  logger: ClosableLogger;
  opened: OpenedWarehouse;
  rewriter: StatementRewriter | undefined;
}

/** Seeds a branch environment the first time it is migrated; a no-op for base environments and later runs. */
export async function seedBranchOnce(rt: SeedRuntime): Promise<void> {
  const env = rt.config.env;
  const target = env.branch;
  if (!target || (env.branches.seed === undefined && env.branches.clone.length === 0)) return;
  const seeded = await onBase(rt.config, baseEnvironmentOf(env), (baseSession, registry, base) =>
    registry.seedOnce(baseSession, target.branch, async () => {
      const session = await rt.opened.warehouse.acquire();
      try {
        if (rt.rewriter) await rt.rewriter.prepare(session);
        for (const schema of env.branches.clone) await cloneSchema(rt, session, base, schema);
        if (env.branches.seed !== undefined) await runSeedFolder(rt, session, env.branches.seed);
      } finally {
        await session.release(session.inTransaction());
      }
    }),
  );
  if (seeded)
    rt.logger.info(
      `${env.name}: seeded (branch_clone: ${env.branches.clone.join(', ') || 'none'}; branch_seed: ${env.branches.seed ?? 'none'})`,
    );
}

async function tablesOf(session: Session, sql: string, database: string, schema: string): Promise<string[]> {
  return (await session.query<{ table_name: string }>(sql, [database, schema])).rows.map((r) => r.table_name);
}

async function cloneSchema(rt: SeedRuntime, session: Session, base: OpenedWarehouse, schema: string): Promise<void> {
  const dialect = rt.opened.warehouse.dialect;
  const q = (name: string) => dialect.quoteIdent(name);
  const baseDb = baseEnvironmentOf(rt.config.env).database;
  const sql = dialect.databases.tablesOfSchemaSql;
  const own = new Set(await tablesOf(session, sql, rt.config.env.database, schema));
  if (dialect.databases.crossDatabaseSelect) {
    for (const table of await tablesOf(session, sql, baseDb, schema)) {
      const source = `${q(baseDb)}.${q(schema)}.${q(table)}`;
      if (own.has(table)) await session.query(`INSERT INTO ${q(schema)}.${q(table)} SELECT * FROM ${source}`);
      else {
        await session.query(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`);
        await session.query(`CREATE TABLE ${q(schema)}.${q(table)} AS SELECT * FROM ${source}`);
      }
    }
    return;
  }
  const from = await base.warehouse.acquire();
  try {
    for (const table of await tablesOf(from, sql, baseDb, schema)) {
      if (!own.has(table)) {
        rt.logger.warn(
          `branch_clone: ${schema}.${table} skipped: ${rt.config.env.engine} cannot CREATE TABLE AS across databases, and the migrations did not create it in ${rt.config.env.name}`,
        );
        continue;
      }
      await copyRows(from, session, `${q(schema)}.${q(table)}`, rt.opened.warehouse.maxStatementBytes ?? REDSHIFT_MAX_STATEMENT_BYTES);
    }
  } finally {
    await from.release();
  }
}

/** Rows of `table` from one database into the same table of another, as parameterised multi-row INSERTs. */
async function copyRows(from: Session, to: Session, table: string, maxBytes: number): Promise<void> {
  let columns: string[] = [];
  const rows: unknown[][] = [];
  await from.stream<Record<string, unknown>>(`SELECT * FROM ${table}`, [], (chunk, fields) => {
    columns = fields;
    for (const r of chunk) rows.push(fields.map((f) => r[f]));
  });
  if (rows.length === 0) return;
  const prefix = `INSERT INTO ${table} (${columns.map(quoteIdent).join(', ')}) VALUES `;
  for (const batch of insertBatches(rows, columns.length, Buffer.byteLength(prefix), maxBytes)) {
    let n = 0;
    await to.query(prefix + batch.map((row) => `(${row.map(() => `$${++n}`).join(', ')})`).join(', '), batch.flat());
  }
}

const CSV_NAME = /^([A-Za-z_][A-Za-z0-9_$]*)\.([A-Za-z_][A-Za-z0-9_$]*)\.csv$/i;

async function runSeedFolder(rt: SeedRuntime, session: Session, dir: string): Promise<void> {
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch (err) {
    throw new InputError(`branch_seed folder ${dir} cannot be read: ${messageOf(err)}`, {
      cause: err,
      hint: `create it, or fix branch_seed in [env.${baseEnvironmentOf(rt.config.env).name}]`,
    });
  }
  const dialect = rt.opened.warehouse.dialect;
  for (const name of names) {
    const file = path.join(dir, name);
    if (name.endsWith('.sql')) await runSqlFile(rt, session, file);
    else if (name.toLowerCase().endsWith('.csv')) {
      const m = CSV_NAME.exec(name);
      if (!m) {
        throw new InputError(`${file}: a seed CSV is named <schema>.<table>.csv`, { file, hint: 'rename it, e.g. public.countries.csv' });
      }
      const table = `${m[1] as string}.${m[2] as string}`;
      await loadFixture(
        session,
        { table, file, declaredAt: { file, line: 1 } },
        {
          dialect,
          copyFromStdin: dialect.supportsCopyFromStdin,
          maxStatementBytes: rt.opened.warehouse.maxStatementBytes ?? REDSHIFT_MAX_STATEMENT_BYTES,
        },
      ).catch((err: unknown) => {
        throw new InputError(`${file}: loading it into ${table} failed: ${messageOf(err)}`, {
          cause: err,
          file,
          hint: 'the file name is <schema>.<table>.csv and its header names the columns; the branch environment is seeded again on the next migrate',
        });
      });
    }
  }
}

async function runSqlFile(rt: SeedRuntime, session: Session, file: string): Promise<void> {
  for (const statement of splitSql(await readFile(file, 'utf8'), file)) {
    const where = { file, line: statement.line };
    const steps = rt.rewriter ? rt.rewriter.rewrite(statement.sql, where) : [{ kind: 'sql' as const, sql: statement.sql }];
    try {
      for (const step of steps) {
        if (step.kind === 'sql') await session.query(step.sql);
        else await step.run(session);
      }
    } catch (err) {
      throw new InputError(`${file}:${statement.line}: seed statement failed: ${messageOf(err)}`, {
        cause: err,
        file,
        line: statement.line,
        hint: 'fix the seed script; the branch environment is seeded again on the next migrate',
      });
    }
  }
}
