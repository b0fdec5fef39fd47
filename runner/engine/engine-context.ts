/**
 * What every engine command works with: the warehouse, the schema history port, the migrations
 * and the run's identity, plus the two ways the commands hold a session (plain, or under the
 * deployment lock). Commands are functions of this context (migrate.ts, undo.ts, ...).
 */
import type { EnvironmentConfig, ProjectConfig } from '../config/types';
import type { DialectAdapter } from '../dialects/dialect';
import type { StatementRewriter } from '../dialects/rewriter';
import { isRsrunError, messageOf } from '../errors';
import type { RunEventBus } from '../events';
import type { SchemaHistory, StagedRow } from '../ledger/schema-history';
import { SqlSchemaHistory } from '../ledger/sql-schema-history';
import type { Logger } from '../logging/logger';
import { discoverMigrations, type MigrationSet } from '../migrations/discover';
import type { Migration } from '../migrations/migration';
import type { Session, Warehouse } from '../warehouse/warehouse';
import { connectionLost } from './connection-lost';
import { DeployLock } from './deploy-lock';
import { LeaseKeeper } from './lease-keeper';
import { carryPartialResult } from './outcomes';

/** How long a lease lasts without renewal when the configuration does not say. */
export const DEFAULT_LEASE_TTL_SECONDS = 60;

export interface EngineOptions {
  warehouse: Warehouse;
  project: Pick<ProjectConfig, 'migrationsDir' | 'historySchema' | 'historyTable' | 'lockTable'>;
  env: Pick<EnvironmentConfig, 'lockTimeoutMs' | 'name'>;
  runId: string;
  logger: Logger;
  events?: RunEventBus;
  rewriter?: StatementRewriter;
  /** Pre-discovered migrations (tests, benchmarks); discovered from `project.migrationsDir` otherwise. */
  migrations?: MigrationSet;
  /** Largest batch sent in one round trip, in bytes (Redshift caps a statement at 16 MB). */
  maxBatchBytes?: number;
  /** The schema history; the SQL tables in the warehouse unless a test passes the in-memory one. */
  history?: SchemaHistory;
  /** Deployment lease duration (`lock_ttl`); renewed every third of it while the run holds it. */
  leaseTtlSeconds?: number;
  /** The warehouse does not exist yet (embedded, before its first use): no history to read. */
  historyAbsent?: boolean;
}

export interface EngineContext {
  readonly options: EngineOptions;
  readonly warehouse: Warehouse;
  readonly dialect: DialectAdapter;
  readonly history: SchemaHistory;
  readonly logger: Logger;
  readonly events: RunEventBus | undefined;
  readonly runId: string;
  migrations(): Promise<MigrationSet>;
}

export function createEngineContext(options: EngineOptions): EngineContext {
  const { warehouse, project, runId } = options;
  let set = options.migrations;
  return {
    options,
    warehouse,
    dialect: warehouse.dialect,
    history:
      options.history ??
      new SqlSchemaHistory(warehouse.dialect, {
        schema: project.historySchema,
        historyTable: project.historyTable,
        lockTable: project.lockTable,
        stageSuffix: runId
          .replace(/[^A-Za-z0-9]/g, '')
          .slice(-12)
          .toLowerCase(),
      }),
    logger: options.logger,
    events: options.events,
    runId,
    async migrations() {
      set ??= await discoverMigrations(project.migrationsDir);
      return set;
    },
  };
}

/** Runs `fn` on `session`, or on a session of its own that is given back afterwards. */
export async function withSession<T>(ctx: EngineContext, session: Session | undefined, fn: (s: Session) => Promise<T>): Promise<T> {
  if (session) return fn(session);
  const s = await ctx.warehouse.acquire();
  let broken = false;
  try {
    return await fn(s);
  } catch (err) {
    broken = !isRsrunError(err);
    throw connectionLost(err, ctx.warehouse.label) ?? err;
  } finally {
    await s.release(broken);
  }
}

/**
 * Runs `work` on one session that holds the deployment lock, with the history tables ensured and
 * the lease renewed in the background; whatever happens, the lease is released and the session
 * given back (discarded when it may be unusable).
 */
export async function underDeployLock<T>(ctx: EngineContext, work: (session: Session, keeper: LeaseKeeper) => Promise<T>): Promise<T> {
  const { warehouse, history, logger, runId } = ctx;
  const ttlSeconds = ctx.options.leaseTtlSeconds ?? DEFAULT_LEASE_TTL_SECONDS;
  const session = await warehouse.acquire();
  const keeper = new LeaseKeeper({ warehouse, lease: history.lease, runId, ttlSeconds, logger });
  let held = false;
  let broken = false;
  try {
    await history.ensure(session);
    await new DeployLock(history.lease, {
      runId,
      dbUser: warehouse.user,
      timeoutMs: ctx.options.env.lockTimeoutMs,
      ttlSeconds,
      logger,
      probe: ctx.dialect.sessionProbe,
    }).acquire(session);
    held = true;
    keeper.start();
    return await work(session, keeper);
  } catch (err) {
    broken = !isRsrunError(err);
    if (session.inTransaction()) await session.batch('ROLLBACK').catch(() => (broken = true));
    const lost = connectionLost(err, warehouse.label);
    if (lost) carryPartialResult(err, lost);
    throw lost ?? err;
  } finally {
    await keeper.stop();
    if (held) broken = !(await releaseLease(ctx, session, broken)) || broken;
    await session.release(broken);
  }
}

/** Releases the lease on the run's session, or on a fresh one when that session is unusable. */
async function releaseLease(ctx: EngineContext, session: Session, broken: boolean): Promise<boolean> {
  try {
    if (!broken) {
      await ctx.history.lease.release(session, ctx.runId);
      return true;
    }
  } catch {
    // The run's session failed: try a fresh one below.
  }
  try {
    await withSession(ctx, undefined, (s) => ctx.history.lease.release(s, ctx.runId));
  } catch (err) {
    ctx.logger.warn(
      `could not release the deployment lock: ${messageOf(err)}; it will be taken over once it expires and its session is gone`,
    );
  }
  return false;
}

/** The history row of `migration` at `rank`, as this run will record it. */
export function stagedRowFor(ctx: EngineContext, migration: Migration, rank: number): StagedRow {
  return {
    installedRank: rank,
    version: migration.version,
    description: migration.description,
    type: migration.kind,
    script: migration.script,
    checksum: migration.checksum,
    installedBy: ctx.warehouse.user,
    statementsDone: migration.statements.length,
    runId: ctx.runId,
  };
}
