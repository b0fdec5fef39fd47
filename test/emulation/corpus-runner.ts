/**
 * Runs one project of the shared Redshift corpus on one local engine, file by file, through the
 * migration engine with the emulation, and says what became of each file:
 *
 * - applied: every statement ran;
 * - skipped: it ran, and at least one statement was accepted without local effect (a notice);
 * - refused: rsrun stopped it with its own message (an InputError naming file and line) before the
 *   server saw it;
 * - fails: the server refused it as Redshift would (a broken source file, an object another file
 *   failed to create, a division by zero on empty tables), with the server's SQLSTATE.
 *
 * Each file is applied as the next migration of its project (the history keeps the ones that
 * applied), so later files see what earlier ones created; a file that fails is left out of the
 * set, as an operator would fix or remove it, and the next file is judged on its own.
 */
import path from 'node:path';
import pg from 'pg';
import { Migrator } from '../../runner/engine/migrator';
import { InputError, MigrationError, messageOf } from '../../runner/errors';
import { silentLogger } from '../../runner/logging/logger';
import { discoverMigrations } from '../../runner/migrations/discover';
import type { Migration } from '../../runner/migrations/migration';
import { createRedshiftEmulation, LocalDirectoryStore } from '../../runner/dialects/redshift/emulation';
import { dialectFor } from '../../runner/warehouse/open-warehouse';
import { PgWarehouse } from '../../runner/warehouse/pg-warehouse';
import { PG_URL, type EngineName } from '../support/engines';

export type Outcome = 'applied' | 'skipped' | 'refused' | 'fails';

export interface FileResult {
  /** Relative to the corpus root. */
  file: string;
  outcome: Outcome;
  /** The notice or error text (first line), with the file's own name only. */
  message: string;
  sqlState?: string;
  /** Anything else than an InputError or a located MigrationError: never expected. */
  crash?: boolean;
}

/** Projects whose files assume a schema `admin` exists (the source repository creates it first). */
const NEEDS_ADMIN_SCHEMA = new Set(['utils/AdminViews', 'utils/misc_systables']);

interface Database {
  conn: { host: string; port: number; user: string; password: string | undefined; database: string };
  dispose(): Promise<void>;
}

let template: Promise<Blob> | undefined;

/**
 * A data directory with the compat schema installed, made once: starting PGlite from it takes
 * seconds, where initdb plus the compat schema takes tens of seconds on a busy machine.
 */
function embeddedTemplate(): Promise<Blob> {
  template ??= (async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = new PGlite();
    await db.waitReady;
    const served = await serve(db);
    const warehouse = warehouseOn(served.conn, 'embedded');
    const session = await warehouse.acquire();
    await createRedshiftEmulation({ s3Store: new LocalDirectoryStore(path.sep) })
      .prepare(session)
      .finally(() => session.release());
    await warehouse.close();
    await served.dispose();
    const dump = (await db.dumpDataDir('none')) as Blob;
    await db.close();
    return dump;
  })();
  return template;
}

/** Serves a PGlite instance over the wire protocol (`db` as the socket server takes it). */
async function serve(db: object): Promise<Database> {
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const server = new PGLiteSocketServer({ db: db as never, host: '127.0.0.1', port: 0, maxConnections: 8 });
  await server.start();
  const conn = server.getServerConn();
  return {
    conn: {
      host: '127.0.0.1',
      port: Number(conn.slice(conn.lastIndexOf(':') + 1)),
      user: 'postgres',
      password: undefined,
      database: 'postgres',
    },
    dispose: () => server.stop(),
  };
}

async function openDatabase(engine: EngineName, project: string): Promise<Database> {
  if (engine === 'embedded') {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = new PGlite({ loadDataDir: await embeddedTemplate() });
    await db.waitReady;
    const served = await serve(db);
    return { conn: served.conn, dispose: async () => (await served.dispose(), await db.close()) };
  }
  const url = new URL(PG_URL);
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  const database = `rsrun_corpus_${project.replace(/\W/g, '_').toLowerCase()}_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
  return {
    conn: {
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database,
    },
    async dispose() {
      // An autovacuum worker (another role's backend) may hold the database: retry until it is gone.
      for (let attempt = 1; ; attempt++) {
        try {
          await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
          break;
        } catch (err) {
          if (attempt >= 50) throw err;
          await admin.query('SELECT pg_sleep(0.2)');
        }
      }
      await admin.end();
    },
  };
}

export async function runCorpusProject(root: string, project: string, engine: EngineName, files: string[]): Promise<FileResult[]> {
  const db = await openDatabase(engine, project);
  const warehouse = warehouseOn(db.conn, engine);
  const notices: string[] = [];
  const rewriter = createRedshiftEmulation({
    s3Store: new LocalDirectoryStore(path.join(root, project, 's3')),
    loadWith: engine === 'embedded' ? 'insert' : 'copy',
    onNotice: (m) => notices.push(m),
  });
  try {
    if (NEEDS_ADMIN_SCHEMA.has(project)) {
      const s = await warehouse.acquire();
      await s.query('CREATE SCHEMA admin').finally(() => s.release());
    }
    const set = await discoverMigrations(path.join(root, project, 'migrations'));
    const byFile = new Map(set.versioned.map((m) => [path.relative(root, m.file).split(path.sep).join('/'), m]));
    const applied: Migration[] = [];
    const results: FileResult[] = [];
    for (const [k, file] of files.entries()) {
      const migration = byFile.get(file);
      if (!migration) throw new Error(`${file} is in the manifest but not discovered`);
      notices.length = 0;
      const migrator = new Migrator({
        warehouse,
        project: {
          migrationsDir: path.join(root, project, 'migrations'),
          historySchema: 'rsrun',
          historyTable: 'rsrun_history',
          lockTable: 'rsrun_lock',
        },
        env: { lockTimeoutMs: 30_000, name: engine },
        runId: `corpus-${process.pid}-${k}`,
        logger: silentLogger,
        rewriter,
        migrations: { versioned: [...applied, migration], repeatable: [], undo: new Map() },
      });
      try {
        await migrator.migrate();
        applied.push(migration);
        results.push(
          notices.length > 0
            ? { file, outcome: 'skipped', message: notices.map((n) => n.replace(/^[^:]*:\d+: /, '')).join(' | ') }
            : { file, outcome: 'applied', message: '' },
        );
      } catch (err) {
        results.push(judge(file, err));
      }
    }
    return results;
  } finally {
    await warehouse.close();
    await db.dispose();
  }
}

function warehouseOn(conn: Database['conn'], engine: EngineName): PgWarehouse {
  return new PgWarehouse(
    {
      ...conn,
      ssl: false,
      connectTimeoutMs: 10_000,
      statementTimeoutMs: 0,
      maxConnections: 2,
      applicationName: 'rsrun-corpus',
      queryGroup: undefined,
    },
    dialectFor({ engine: engine === 'embedded' ? 'embedded' : 'postgres', emulateRedshift: true }),
  );
}

function judge(file: string, err: unknown): FileResult {
  const message =
    messageOf(err)
      .split('\n')[0]
      ?.replace(/^.*?\.sql: (statement \d+ of \d+(?: failed)?: |a statement failed: )?/, '') ?? '';
  const sqlState = (err as { sqlState?: string }).sqlState;
  if (err instanceof InputError && sqlState === undefined) return { file, outcome: 'refused', message };
  if (err instanceof MigrationError && sqlState !== undefined) return { file, outcome: 'fails', message, sqlState };
  return { file, outcome: 'fails', message, ...(sqlState ? { sqlState } : {}), crash: true };
}
