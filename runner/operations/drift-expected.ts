/**
 * The expected side of a drift check: the migrations the environment's history says were applied
 * (plus the current repeatables) replayed into a scratch embedded warehouse, in memory, through the
 * Redshift emulation, and read with the same catalog queries as the environment.
 */
import type { ResolvedConfig } from '../config/types';
import { readLocalSnapshot } from '../drift/local-catalog';
import type { SchemaScope, Snapshot } from '../drift/snapshot';
import { Migrator } from '../engine/migrator';
import type { HistoryRow } from '../ledger/schema-history';
import { silentLogger, type Logger } from '../logging/logger';
import { leadingKeyword } from '../dialects/leading-keyword';
import type { MigrationSet } from '../migrations/discover';
import type { Migration } from '../migrations/migration';
import { sqlAt, type SqlStatement } from '../migrations/split-sql';
import { dialectFor } from '../warehouse/open-warehouse';
import { expectedSnapshotKey, readCachedSnapshot, writeCachedSnapshot } from './drift-expected-cache';
import { PgWarehouse } from '../warehouse/pg-warehouse';

export interface ExpectedMigrations {
  /** In apply order: applied versioned migrations, then the current repeatables. */
  migrations: Migration[];
  /** Versions applied in the environment that no file in the project holds (cannot be replayed). */
  missing: string[];
}

/** The migrations that built the environment, per its history: successful versioned rows plus current repeatables. */
export function expectedMigrations(set: MigrationSet, history: readonly HistoryRow[]): ExpectedMigrations {
  const applied = new Set(history.filter((h) => h.success && h.version !== null && h.type !== 'baseline').map((h) => h.version));
  const versioned = set.versioned.filter((m) => m.version !== null && applied.has(m.version));
  const known = new Set(versioned.map((m) => m.version));
  const missing = [...applied].filter((v): v is string => v !== null && !known.has(v));
  const repeatables = history.some((h) => h.success) ? set.repeatable : [];
  return { migrations: [...versioned, ...repeatables], missing };
}

/**
 * Statements that change rows, not objects, by their first keyword. The expected side is a schema,
 * so they are not replayed: a migration loading 2 million rows would otherwise be run again, in an
 * in-memory engine, by every drift check (minutes, and memory that grows with the rows), and a
 * data fix that depends on rows no migration wrote (an ETL's) fails in an empty replica. WITH ...
 * INSERT and SELECT ... INTO are replayed (SELECT INTO creates a table).
 */
const ROW_STATEMENTS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY', 'TRUNCATE', 'UNLOAD', 'VACUUM', 'ANALYZE']);

/** `m` with only the statements that can create, change or drop objects (numbered anew). */
export function schemaStatementsOf(m: Migration): Migration {
  const kept: SqlStatement[] = [];
  // By text first: a large migration's list reads statements back from its file (file-statements.ts),
  // and only the kept ones need an object.
  for (let i = 0; i < m.statements.length; i++) {
    if (ROW_STATEMENTS.has(leadingKeyword(sqlAt(m.statements, i)))) continue;
    const s = m.statements.at(i) as SqlStatement;
    kept.push({ ...s, index: kept.length });
  }
  return kept.length === m.statements.length ? m : { ...m, statements: kept };
}

/**
 * The schema `migrations` build: from the project's cache when the same migrations were replayed
 * by the same code before (drift-expected-cache.ts), else replayed.
 */
export async function expectedSnapshot(
  config: ResolvedConfig,
  migrations: readonly Migration[],
  scope: SchemaScope,
  logger: Logger,
): Promise<Snapshot> {
  // Redshift SQL needs the emulation; a PostgreSQL environment without it has PostgreSQL SQL.
  const emulate = config.env.emulateRedshift || config.env.engine === 'redshift';
  const key = expectedSnapshotKey(config, migrations, scope, emulate);
  const cached = await readCachedSnapshot(config.project.stateDir, key);
  if (cached) {
    logger.debug(`drift: the expected schema of ${migrations.length} migration(s) read from ${config.project.stateDir}`);
    return cached;
  }
  const snapshot = await replaySnapshot(config, migrations, scope, emulate, logger);
  await writeCachedSnapshot(config.project.stateDir, key, snapshot);
  return snapshot;
}

/** Replays the schema statements of `migrations` into a new in-memory embedded warehouse and reads its snapshot. */
async function replaySnapshot(
  config: ResolvedConfig,
  migrations: readonly Migration[],
  scope: SchemaScope,
  emulate: boolean,
  logger: Logger,
): Promise<Snapshot> {
  const { startEmbedded } = await import('../warehouse/embedded.js');
  const server = await startEmbedded({ dataDir: undefined, fresh: true, maxConnections: 4 });
  const env = { ...config.env, name: 'drift-expected', engine: 'embedded' as const, emulateRedshift: emulate };
  const warehouse = new PgWarehouse(
    {
      host: server.host,
      port: server.port,
      database: server.database,
      user: server.user,
      password: undefined,
      ssl: false,
      connectTimeoutMs: config.env.connectTimeoutMs,
      statementTimeoutMs: 0,
      maxConnections: 2,
      applicationName: 'rsrun-drift',
      queryGroup: undefined,
      redshiftSemantics: emulate,
      label: 'drift: expected schema',
    },
    dialectFor(env),
  );
  try {
    const { createRewriterForConfig } = await import('../dialects/redshift/emulation/index.js');
    // Skipped GRANTs and the like are expected here: the notices would only repeat the deploy's.
    const rewriter = await createRewriterForConfig({ ...config, env }, (message) => logger.debug(message));
    const replayed = migrations.map(schemaStatementsOf);
    const versioned = replayed.filter((m) => m.kind !== 'repeatable');
    const repeatable = replayed.filter((m) => m.kind === 'repeatable');
    await new Migrator({
      warehouse,
      project: config.project,
      env,
      runId: `drift-${Date.now().toString(36)}`,
      logger: silentLogger,
      ...(rewriter ? { rewriter } : {}),
      migrations: { versioned, repeatable, undo: new Map() },
    }).migrate();
    const session = await warehouse.acquire();
    try {
      return await readLocalSnapshot(session, scope);
    } finally {
      await session.release();
    }
  } finally {
    await warehouse.close();
    await server.stop();
  }
}
