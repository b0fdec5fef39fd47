/**
 * The migration engine: plan, apply, undo, baseline, repair — against any Warehouse.
 *
 * Speed on slow links: a transactional migration travels as ONE round trip,
 *   BEGIN; LOCK <history>; <its statements>; <record its staged history row>; COMMIT
 * so a deploy costs a constant number of round trips plus one per migration, whatever the number
 * of statements. The history row's values were staged beforehand with bind parameters, so the
 * batch itself carries no values. Atomicity is unchanged: the row commits with the statements.
 *
 * Statements Redshift refuses inside a transaction block, and statements that commit implicitly,
 * make their migration non-transactional: statements run one group at a time with progress in the
 * history row, so a re-run after a crash resumes where it stopped.
 */
import type { EnvironmentConfig, ProjectConfig } from '../config/types';
import type { StatementRewriter } from '../dialects/rewriter';
import { InputError, MigrationError, ValidationError, messageOf } from '../errors';
import type { MigrationOutcome, RunEventBus } from '../events';
import { SqlLedger, type HistoryRow, type StagedRow } from '../ledger/ledger';
import type { Logger } from '../logging/logger';
import { discoverMigrations, type MigrationSet } from '../migrations/discover';
import { migrationRef, type Migration } from '../migrations/migration';
import { positionToLine, type SqlStatement } from '../migrations/split-sql';
import { statementHead } from '../dialects/statement-shape';
import { compareVersions, normalizeVersion, parseVersion } from '../migrations/version';
import type { Session, Warehouse } from '../warehouse/warehouse';
import { backoffDelay, isSerializationFailure, withRetry } from '../warehouse/retry';
import { DeployLock } from './deploy-lock';
import { computeState, type AppliedState, type PendingMigration } from './plan';

export interface MigratorOptions {
  warehouse: Warehouse;
  project: Pick<ProjectConfig, 'migrationsDir' | 'historySchema' | 'historyTable' | 'lockTable'>;
  env: Pick<EnvironmentConfig, 'lockTimeoutMs' | 'name'>;
  runId: string;
  logger: Logger;
  events?: RunEventBus;
  rewriter?: StatementRewriter;
  /** Pre-discovered migrations (tests, benchmarks); discovered from `project.migrationsDir` otherwise. */
  migrations?: MigrationSet;
  /** Largest batch sent in one round trip; bigger migrations go in several (Redshift caps a statement at 16 MB). */
  maxBatchBytes?: number;
}

export interface ExecutionPlanItem {
  migration: Migration;
  reason: PendingMigration['reason'];
  transactional: boolean;
  /** Why a migration runs outside a transaction. */
  nonTransactionalBecause: string | undefined;
  resumeFrom: number;
}

export interface MigrateResult {
  outcomes: MigrationOutcome[];
  applied: number;
  /** The state after the run (history re-read). */
  history: HistoryRow[];
}

/** A migration ready to go as part of a multi-migration round trip. */
interface BatchUnit {
  item: ExecutionPlanItem;
  steps: Prepared[];
}

/** A statement ready to send: rewritten for the target when emulating Redshift. */
interface Prepared {
  source: SqlStatement;
  parts: { kind: 'sql'; sql: string }[] | undefined;
  action: ((session: Session) => Promise<void>) | undefined;
}

// Commands a migration must not issue itself: the engine owns transaction control.
const TRANSACTION_CONTROL = /^(BEGIN|START TRANSACTION|COMMIT|END|ROLLBACK|ABORT)( TRANSACTION| WORK)?$/;
const DEFAULT_MAX_BATCH = 8 * 1024 * 1024;
// Bounds what one failure or retry can involve, and keeps progress visible in the logs.
const MAX_MIGRATIONS_PER_ROUND_TRIP = 100;
// SQLSTATEs worth replaying statement by statement to find which one failed (deterministic errors).
const REPLAYABLE_CLASSES = ['22', '23', '42', 'P0', 'XX', '2B', '0A', '21', '25'];

export class Migrator {
  readonly ledger: SqlLedger;
  private set: MigrationSet | undefined;

  constructor(private readonly options: MigratorOptions) {
    const { warehouse, project, runId } = options;
    this.ledger = new SqlLedger(
      warehouse.dialect,
      project.historySchema,
      project.historyTable,
      project.lockTable,
      runId
        .replace(/[^A-Za-z0-9]/g, '')
        .slice(-12)
        .toLowerCase(),
    );
    this.set = options.migrations;
  }

  async migrations(): Promise<MigrationSet> {
    this.set ??= await discoverMigrations(this.options.project.migrationsDir);
    return this.set;
  }

  /** Applied and pending, without taking the lock or creating anything. */
  async state(session?: Session): Promise<AppliedState & { history: HistoryRow[] }> {
    const set = await this.migrations();
    return this.withSession(session, async (s) => {
      const history = (await this.ledger.exists(s)) ? await this.ledger.list(s) : [];
      return { ...computeState(set, history), history };
    });
  }

  /** What `migrate` would do, in order. */
  async plan(session?: Session): Promise<{ items: ExecutionPlanItem[]; state: AppliedState & { history: HistoryRow[] } }> {
    const state = await this.state(session);
    return { items: state.pending.map((p) => this.planItem(p)), state };
  }

  async validate(session?: Session): Promise<void> {
    const state = await this.state(session);
    if (state.problems.length > 0) {
      throw new ValidationError(`${state.problems.length} applied migration(s) disagree with the files`, state.problems, {
        hint: 'nothing was changed; fix the files, or run `rsrun repair` if the warehouse already matches them',
      });
    }
  }

  /** Applies everything pending under the deployment lock. */
  async migrate(): Promise<MigrateResult> {
    const set = await this.migrations();
    const { warehouse, logger, events } = this.options;
    const session = await warehouse.acquire();
    let broken = false;
    const outcomes: MigrationOutcome[] = [];
    const lock = new DeployLock(session, this.ledger, {
      runId: this.options.runId,
      dbUser: warehouse.user,
      timeoutMs: this.options.env.lockTimeoutMs,
      logger,
    });
    try {
      await this.ledger.ensure(session);
      await lock.acquire();
      // Read the history only once we hold the lock: a runner that waited sees what the other applied.
      const history = await this.ledger.list(session);
      const state = computeState(set, history);
      if (state.problems.length > 0) {
        throw new ValidationError(`${state.problems.length} applied migration(s) disagree with the files`, state.problems, {
          hint: 'nothing was applied; fix the files, or run `rsrun repair` if the warehouse already matches them',
        });
      }
      const items = state.pending.map((p) => this.planItem(p));
      if (items.length === 0) {
        logger.info('the warehouse is up to date: nothing to apply');
      }
      if (this.options.rewriter && items.length > 0) await this.options.rewriter.prepare(session);

      let nextRank = history.reduce((max, r) => Math.max(max, r.installedRank), 0) + 1;
      const ranks = new Map<ExecutionPlanItem, number>();
      for (const item of items) ranks.set(item, item.resumeFrom > 0 || item.reason === 'resume' ? -1 : nextRank++);

      // Stage the history rows of migrations that go as one batch, in apply order.
      const prepared = new Map<ExecutionPlanItem, Prepared[]>();
      const staged: StagedRow[] = [];
      for (const item of items) {
        const p = this.prepare(item.migration);
        prepared.set(item, p);
        if (batchable(item, p)) staged.push(this.stagedRow(item, ranks.get(item) as number));
      }
      if (staged.length > 0) {
        await session.batch(`${this.ledger.dropStageSql()};\n${this.ledger.createStageSql()}`);
        await this.ledger.stageRows(session, staged);
      }

      const record = (item: ExecutionPlanItem, status: MigrationOutcome['status'], durationMs: number, err?: unknown): void => {
        const ref = migrationRef(item.migration, item.transactional);
        const e = err as MigrationError | undefined;
        const outcome: MigrationOutcome = {
          migration: ref,
          status,
          durationMs,
          ...(err !== undefined
            ? {
                error: {
                  message: messageOf(err),
                  ...(e?.statementIndex !== undefined ? { statementIndex: e.statementIndex } : {}),
                  ...(e?.line !== undefined ? { line: e.line } : {}),
                  ...(e?.sqlState !== undefined ? { sqlState: e.sqlState } : {}),
                  ...(e?.statementIndex !== undefined ? { sql: item.migration.statements[e.statementIndex]?.sql ?? '' } : {}),
                },
              }
            : {}),
        };
        outcomes.push(outcome);
        if (status !== 'not-run') events?.emit('migration:finish', outcome);
        if (status === 'applied') logger.info(`applied ${item.migration.script} in ${durationMs} ms`);
      };
      const fail = (item: ExecutionPlanItem, started: number, err: unknown): never => {
        record(item, 'failed', Date.now() - started, err);
        for (const rest of items.slice(items.indexOf(item) + 1)) record(rest, 'not-run', 0);
        if (!(err instanceof MigrationError)) broken = true;
        (err as { outcomes?: MigrationOutcome[] }).outcomes = outcomes;
        throw err;
      };

      const maxBatch = this.options.maxBatchBytes ?? DEFAULT_MAX_BATCH;
      // Consecutive migrations that can travel as batches share round trips (each still in its
      // own transaction with its own history row); the others run one by one.
      for (let i = 0; i < items.length;) {
        await lock.renewIfDue();
        const item = items[i] as ExecutionPlanItem;
        const steps = prepared.get(item) as Prepared[];
        if (batchable(item, steps) && batchTextLength(steps) <= maxBatch) {
          const group: BatchUnit[] = [];
          let bytes = 0;
          for (let j = i; j < items.length && group.length < MAX_MIGRATIONS_PER_ROUND_TRIP; j++) {
            const candidate = items[j] as ExecutionPlanItem;
            const candidateSteps = prepared.get(candidate) as Prepared[];
            const size = batchTextLength(candidateSteps);
            if (!batchable(candidate, candidateSteps) || (group.length > 0 && bytes + size > maxBatch)) break;
            group.push({ item: candidate, steps: candidateSteps });
            bytes += size;
          }
          for (const u of group) {
            events?.emit('migration:start', { migration: migrationRef(u.item.migration, true) });
            logger.info(`applying ${u.item.migration.script}`);
          }
          const started = Date.now();
          const result = await this.applyGroup(session, group);
          for (const done of result.applied) record(done.unit.item, 'applied', done.executionMs);
          if (result.failure) fail(result.failure.unit.item, started, result.failure.error);
          i += group.length;
          continue;
        }
        events?.emit('migration:start', { migration: migrationRef(item.migration, item.transactional) });
        const started = Date.now();
        logger.info(
          `applying ${item.migration.script}${item.transactional ? '' : ` (outside a transaction: ${item.nonTransactionalBecause})`}`,
        );
        try {
          if (batchable(item, steps)) await this.applyBatched(session, item, steps);
          else if (item.transactional && item.reason !== 'resume')
            await this.applyStepwise(session, item, steps, ranks.get(item) as number);
          else await this.applyNonTransactional(session, item, steps, ranks.get(item) as number);
        } catch (err) {
          fail(item, started, err);
        }
        record(item, 'applied', Date.now() - started);
        i++;
      }
      if (staged.length > 0) await session.batch(this.ledger.dropStageSql()).catch(() => undefined);
      const after = await this.ledger.list(session);
      return { outcomes, applied: outcomes.filter((o) => o.status === 'applied').length, history: after };
    } catch (err) {
      if (session.inTransaction()) await session.batch('ROLLBACK').catch(() => (broken = true));
      throw err;
    } finally {
      await lock.release().catch((err: unknown) => {
        broken = true;
        logger.warn(`could not release the deployment lock: ${messageOf(err)}; it will be taken over when found stale`);
      });
      await session.release(broken);
    }
  }

  /** Runs U scripts, newest first, for every applied version above `target`. */
  async undo(target: string): Promise<MigrateResult> {
    const set = await this.migrations();
    const { warehouse, logger, events } = this.options;
    if (!parseVersion(target)) throw new InputError(`--to "${target}" is not a version`, { hint: 'e.g. rsrun undo --to 1.2' });
    const session = await warehouse.acquire();
    const lock = new DeployLock(session, this.ledger, {
      runId: this.options.runId,
      dbUser: warehouse.user,
      timeoutMs: this.options.env.lockTimeoutMs,
      logger,
    });
    const outcomes: MigrationOutcome[] = [];
    let broken = false;
    try {
      await this.ledger.ensure(session);
      await lock.acquire();
      const history = await this.ledger.list(session);
      const state = computeState(set, history);
      const toUndo = state.applied
        .filter(
          (r) =>
            r.type === 'versioned' && r.success && r.version !== null && parseVersion(r.version) && compareVersions(r.version, target) > 0,
        )
        .sort((a, b) => compareVersions(b.version as string, a.version as string));
      const missing = toUndo.filter((r) => !set.undo.has(normalizeVersion(r.version as string)));
      if (missing.length > 0) {
        throw new InputError(`cannot undo to ${target}: no undo script for ${missing.map((r) => r.version).join(', ')}`, {
          hint: `add U<version>__<description>.sql for each, or choose a later --to version; nothing was changed`,
        });
      }
      let nextRank = history.reduce((max, r) => Math.max(max, r.installedRank), 0) + 1;
      if (this.options.rewriter && toUndo.length > 0) await this.options.rewriter.prepare(session);
      for (const row of toUndo) {
        const u = set.undo.get(normalizeVersion(row.version as string)) as Migration;
        const item: ExecutionPlanItem = {
          migration: u,
          reason: 'new',
          transactional: true,
          nonTransactionalBecause: undefined,
          resumeFrom: 0,
        };
        Object.assign(item, this.transactionality(u));
        const ref = migrationRef(u, item.transactional);
        events?.emit('migration:start', { migration: ref });
        const started = Date.now();
        logger.info(`undoing ${row.version} with ${u.script}`);
        const steps = this.prepare(u);
        const rank = nextRank++;
        try {
          if (item.transactional) await this.applyStepwise(session, item, steps, rank);
          else await this.applyNonTransactional(session, item, steps, rank);
        } catch (err) {
          outcomes.push({ migration: ref, status: 'failed', durationMs: Date.now() - started, error: { message: messageOf(err) } });
          throw err;
        }
        const outcome: MigrationOutcome = { migration: ref, status: 'applied', durationMs: Date.now() - started };
        outcomes.push(outcome);
        events?.emit('migration:finish', outcome);
      }
      return { outcomes, applied: outcomes.length, history: await this.ledger.list(session) };
    } catch (err) {
      if (session.inTransaction()) await session.batch('ROLLBACK').catch(() => (broken = true));
      throw err;
    } finally {
      await lock.release().catch(() => (broken = true));
      await session.release(broken);
    }
  }

  /** Marks an existing warehouse as being at `version`: older migrations will not run. */
  async baseline(version: string, description: string): Promise<HistoryRow> {
    if (!parseVersion(version))
      throw new InputError(`--version "${version}" is not a version`, { hint: 'e.g. rsrun baseline --version 3' });
    const { warehouse, logger } = this.options;
    const session = await warehouse.acquire();
    const lock = new DeployLock(session, this.ledger, {
      runId: this.options.runId,
      dbUser: warehouse.user,
      timeoutMs: this.options.env.lockTimeoutMs,
      logger,
    });
    try {
      await this.ledger.ensure(session);
      await lock.acquire();
      const history = await this.ledger.list(session);
      if (history.some((r) => r.type !== 'repeatable')) {
        throw new InputError('cannot baseline: the history already has migrations', {
          hint: 'baseline only a warehouse that rsrun has not migrated yet (see `rsrun info`)',
        });
      }
      const row: StagedRow = {
        installedRank: history.reduce((m, r) => Math.max(m, r.installedRank), 0) + 1,
        version: normalizeVersion(version),
        description,
        type: 'baseline',
        script: description,
        checksum: null,
        installedBy: warehouse.user,
        statementsDone: 0,
        runId: this.options.runId,
      };
      await this.ledger.insert(session, row, true, 0);
      return (await this.ledger.list(session)).at(-1) as HistoryRow;
    } finally {
      await lock.release().catch(() => undefined);
      await session.release();
    }
  }

  /** Removes failed rows, realigns checksums of edited applied migrations, and clears a stale lock. */
  async repair(): Promise<{ removedFailed: number; realigned: string[]; releasedLock: string | undefined }> {
    const set = await this.migrations();
    const session = await this.options.warehouse.acquire();
    try {
      await this.ledger.ensure(session);
      const holder = await DeployLock.forceRelease(session, this.ledger);
      const removedFailed = await this.ledger.deleteFailed(session);
      const history = await this.ledger.list(session);
      const realigned: string[] = [];
      const byKey = new Map(set.versioned.map((m) => [m.version, m]));
      for (const row of history) {
        if (row.type !== 'versioned' || !row.success || row.version === null) continue;
        const m =
          byKey.get(row.version) ??
          set.versioned.find(
            (v) =>
              v.version !== null &&
              parseVersion(v.version) &&
              parseVersion(row.version as string) &&
              compareVersions(v.version, row.version as string) === 0,
          );
        if (m && row.checksum !== m.checksum) {
          await this.ledger.setChecksum(session, row.installedRank, m.checksum);
          realigned.push(m.script);
        }
      }
      return { removedFailed, realigned, releasedLock: holder ? holder.owner : undefined };
    } finally {
      await session.release();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private planItem(p: PendingMigration): ExecutionPlanItem {
    return {
      migration: p.migration,
      reason: p.reason,
      resumeFrom: p.resumeFrom?.statementsDone ?? 0,
      ...this.transactionality(p.migration),
    };
  }

  private transactionality(m: Migration): { transactional: boolean; nonTransactionalBecause: string | undefined } {
    for (const s of m.statements) {
      const head = statementHead(s.sql, 40).replace(/;$/, '');
      if (TRANSACTION_CONTROL.test(head)) {
        throw new InputError(`${m.script} issues ${head} itself`, {
          file: m.file,
          line: s.line,
          hint: 'remove it: rsrun runs each migration in its own transaction; for statements that must run outside one, add -- rsrun:no-transaction',
        });
      }
    }
    if (m.directives.has('no-transaction'))
      return { transactional: false, nonTransactionalBecause: 'declared with -- rsrun:no-transaction' };
    const dialect = this.options.warehouse.dialect;
    for (const s of m.statements) {
      const nt = dialect.nonTransactional(s.sql);
      if (nt)
        return {
          transactional: false,
          nonTransactionalBecause: `statement ${s.index + 1} (line ${s.line}) is ${nt.command}, which cannot run inside a transaction block (${nt.source})`,
        };
      const ic = dialect.commitsImplicitly(s.sql);
      if (ic)
        return {
          transactional: false,
          nonTransactionalBecause: `statement ${s.index + 1} (line ${s.line}) is ${ic.command}, which commits the transaction it runs in (${ic.source})`,
        };
    }
    return { transactional: true, nonTransactionalBecause: undefined };
  }

  private prepare(m: Migration): Prepared[] {
    const rewriter = this.options.rewriter;
    return m.statements.map((s) => {
      if (!rewriter) return { source: s, parts: [{ kind: 'sql' as const, sql: s.sql }], action: undefined };
      const rewritten = rewriter.rewrite(s.sql, { file: m.file, line: s.line });
      if (rewritten.every((r) => r.kind === 'sql'))
        return { source: s, parts: rewritten as { kind: 'sql'; sql: string }[], action: undefined };
      return {
        source: s,
        parts: undefined,
        action: async (session: Session) => {
          for (const r of rewritten) {
            if (r.kind === 'sql') await session.query(r.sql);
            else await r.run(session);
          }
        },
      };
    });
  }

  private stagedRow(item: ExecutionPlanItem, rank: number): StagedRow {
    const m = item.migration;
    return {
      installedRank: rank,
      version: m.version,
      description: m.description,
      type: m.kind,
      script: m.script,
      checksum: m.checksum,
      installedBy: this.options.warehouse.user,
      statementsDone: m.statements.length,
      runId: this.options.runId,
    };
  }

  /**
   * Several migrations in one round trip, each in its own transaction with its history row:
   *   BEGIN; LOCK <history>; <m1>; <record m1>; COMMIT; BEGIN; LOCK <history>; <m2>; ...
   * The server runs them in order and stops at the first error, so the migrations before a
   * failing one are committed and the failing one is rolled back whole, as if sent one by one.
   */
  private async applyGroup(
    session: Session,
    units: BatchUnit[],
    attempt = 1,
  ): Promise<{ applied: { unit: BatchUnit; executionMs: number }[]; failure?: { unit: BatchUnit; error: unknown } }> {
    const spans: { unit: number; step: number; start: number; end: number }[] = [];
    let text = '';
    const guard = this.ledger.guardNextStagedSql();
    units.forEach((u, ui) => {
      text += `BEGIN;\nLOCK TABLE ${this.ledger.history};\n${guard};\n`;
      u.steps.forEach((p, si) => {
        const sql = (p.parts as { sql: string }[]).map((x) => x.sql).join(';\n');
        spans.push({ unit: ui, step: si, start: text.length, end: text.length + sql.length });
        text += `${sql};\n`;
      });
      text += `${this.ledger.recordNextStagedSql()};\nCOMMIT;\n`;
    });
    const { firstRank, total } = await this.stagedState(session, units.length);
    try {
      await session.batch(text);
      return { applied: await this.appliedSince(session, units, firstRank, units.length) };
    } catch (err) {
      // Unconditionally: the failed transaction is still open (outside one, ROLLBACK only warns).
      await session.batch('ROLLBACK').catch(() => undefined);
      // The staged rows of committed migrations moved to the history: what is left tells how far it got.
      const committed = total - (await this.stagedState(session, 0)).total;
      const applied = await this.appliedSince(session, units, firstRank, committed);
      const failed = units[committed] as BatchUnit;
      if (isSerializationFailure(err) && attempt < 4) {
        const delayMs = backoffDelay(attempt, 200, 5_000);
        this.options.logger.warn(
          `${failed.item.migration.script}: serializable isolation violation, retrying from it (attempt ${attempt + 1}) in ${delayMs} ms`,
        );
        await new Promise((r) => setTimeout(r, delayMs));
        const rest = await this.applyGroup(session, units.slice(committed), attempt + 1);
        return { applied: [...applied, ...rest.applied], ...(rest.failure ? { failure: rest.failure } : {}) };
      }
      const position = Number((err as { position?: string }).position);
      const span =
        Number.isFinite(position) && position > 0
          ? spans.find((x) => x.unit === committed && position - 1 >= x.start && position - 1 <= x.end)
          : undefined;
      let error: unknown;
      const foreign = await this.ledger.foreignRowAtStage(session, this.options.runId);
      if (foreign) {
        error = this.historyChanged(failed.item, foreign, err);
      } else if (span) {
        error = this.statementError(failed.item.migration, failed.steps[span.step]?.source as SqlStatement, err, position - span.start);
      } else {
        const code = (err as { code?: string }).code ?? '';
        const located = REPLAYABLE_CLASSES.some((c) => code.startsWith(c)) ? await this.locateFailure(session, failed.steps) : undefined;
        error = located
          ? this.statementError(
              failed.item.migration,
              located.step.source,
              located.error,
              Number((located.error as { position?: string }).position) || undefined,
            )
          : this.statementError(failed.item.migration, undefined, err, undefined);
      }
      return { applied, failure: { unit: failed, error } };
    }
  }

  private historyChanged(item: ExecutionPlanItem, foreign: { script: string; runId: string | null }, cause: unknown): MigrationError {
    return new MigrationError(
      `the history changed under this run: ${foreign.script} was recorded by another session (run ${foreign.runId ?? 'unknown'}) while this run was deploying; nothing of ${item.migration.script} ran`,
      {
        file: item.migration.file,
        ...(item.migration.version ? { version: item.migration.version } : {}),
        cause,
        hint: 'another runner, or a session that outlived its runner, deployed meanwhile; run again to continue from where the history now stands',
      },
    );
  }

  /** Rank of the next staged row and how many are staged (the stage holds batchable migrations in apply order). */
  private async stagedState(session: Session, expected: number): Promise<{ firstRank: number; total: number }> {
    const r = await session.query<{ rank: number | null; n: string | number }>(
      `SELECT MIN(installed_rank) AS rank, COUNT(*) AS n FROM ${this.ledger.stage}`,
    );
    const total = Number(r.rows[0]?.n ?? 0);
    if (total < expected) throw new Error('internal: the staged history rows do not match the migrations to apply');
    return { firstRank: Number(r.rows[0]?.rank ?? 0), total };
  }

  /** Server-measured durations of the first `count` units, read back from the history. */
  private async appliedSince(
    session: Session,
    units: BatchUnit[],
    firstRank: number,
    count: number,
  ): Promise<{ unit: BatchUnit; executionMs: number }[]> {
    if (count === 0) return [];
    const r = await session.query<{ installed_rank: number; execution_ms: number }>(
      `SELECT installed_rank, execution_ms FROM ${this.ledger.history} WHERE installed_rank >= $1 AND installed_rank < $2 ORDER BY installed_rank`,
      [firstRank, firstRank + count],
    );
    return units.slice(0, count).map((unit, k) => ({ unit, executionMs: Number(r.rows[k]?.execution_ms ?? 0) }));
  }

  /** One round trip (or a few for very large migrations) per migration. */
  private async applyBatched(session: Session, item: ExecutionPlanItem, steps: Prepared[]): Promise<void> {
    const head = `BEGIN;\nLOCK TABLE ${this.ledger.history};\n${this.ledger.guardNextStagedSql()};\n`;
    const tail = `;\n${this.ledger.recordNextStagedSql()};\nCOMMIT`;
    const max = this.options.maxBatchBytes ?? DEFAULT_MAX_BATCH;
    // Offsets of each statement in the batch text, to map a server error position back to it.
    const chunks: { text: string; spans: { step: number; start: number; end: number }[] }[] = [];
    let text = head;
    let spans: { step: number; start: number; end: number }[] = [];
    steps.forEach((p, idx) => {
      const sql = (p.parts as { sql: string }[]).map((x) => x.sql).join(';\n');
      if (text.length + sql.length > max && spans.length > 0) {
        chunks.push({ text, spans });
        text = '';
        spans = [];
      }
      const start = text.length;
      text += sql + ';\n';
      spans.push({ step: idx, start, end: start + sql.length });
    });
    text = text.replace(/;\n$/, '') + tail;
    chunks.push({ text, spans });

    // Redshift cancels one of two conflicting transactions with "1023 Serializable isolation
    // violation" and advises retrying it (c_serial_isolation). The whole batch rolled back, its
    // staged history row included, so repeating it from the first chunk is safe. Nothing else is
    // retried here: a dropped connection may have lost the answer to a COMMIT that succeeded.
    await withRetry(() => this.sendChunks(session, item, steps, chunks), {
      safeToRetry: true,
      retryOn: isSerializationFailure,
      attempts: 4,
      onRetry: ({ attempt, delayMs }) =>
        this.options.logger.warn(
          `${item.migration.script}: serializable isolation violation, retrying the migration (attempt ${attempt + 1}) in ${delayMs} ms`,
        ),
    });
  }

  private async sendChunks(
    session: Session,
    item: ExecutionPlanItem,
    steps: Prepared[],
    chunks: { text: string; spans: { step: number; start: number; end: number }[] }[],
  ): Promise<void> {
    for (const chunk of chunks) {
      try {
        await session.batch(chunk.text);
      } catch (err) {
        await session.batch('ROLLBACK').catch(() => undefined);
        if (isSerializationFailure(err)) throw err;
        const foreign = await this.ledger.foreignRowAtStage(session, this.options.runId);
        if (foreign) throw this.historyChanged(item, foreign, err);
        const position = Number((err as { position?: string }).position);
        const span =
          Number.isFinite(position) && position > 0 ? chunk.spans.find((s) => position - 1 >= s.start && position - 1 <= s.end) : undefined;
        if (span) {
          throw this.statementError(item.migration, steps[span.step]?.source as SqlStatement, err, position - span.start);
        }
        const code = (err as { code?: string }).code ?? '';
        if (REPLAYABLE_CLASSES.some((c) => code.startsWith(c))) {
          // The batch told us what failed but not where: replay it statement by statement inside
          // a transaction that is rolled back, to name the statement.
          const located = await this.locateFailure(session, steps);
          if (located)
            throw this.statementError(
              item.migration,
              located.step.source,
              located.error,
              Number((located.error as { position?: string }).position) || undefined,
            );
        }
        throw this.statementError(item.migration, undefined, err, undefined);
      }
    }
  }

  private async locateFailure(session: Session, steps: Prepared[]): Promise<{ step: Prepared; error: unknown } | undefined> {
    await session.batch(`BEGIN;\nLOCK TABLE ${this.ledger.history}`);
    try {
      for (const step of steps) {
        try {
          for (const part of step.parts ?? []) await session.query(part.sql);
        } catch (error) {
          return { step, error };
        }
      }
      return undefined;
    } finally {
      await session.batch('ROLLBACK').catch(() => undefined);
    }
  }

  /** A transaction with one round trip per statement: for statements that need client work (COPY from S3 locally). */
  private async applyStepwise(session: Session, item: ExecutionPlanItem, steps: Prepared[], rank: number): Promise<void> {
    const started = Date.now();
    await session.batch(`BEGIN;\nLOCK TABLE ${this.ledger.history}`);
    try {
      for (const step of steps) await this.runStep(session, item.migration, step);
      await this.ledger.insert(session, { ...this.stagedRow(item, rank) }, true, Date.now() - started);
      await session.batch('COMMIT');
    } catch (err) {
      await session.batch('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /**
   * Outside a transaction: groups of consecutive transaction-safe statements commit together with
   * the progress counter; each refusing statement runs alone and then records progress.
   */
  private async applyNonTransactional(session: Session, item: ExecutionPlanItem, steps: Prepared[], rankIfNew: number): Promise<void> {
    const m = item.migration;
    const dialect = this.options.warehouse.dialect;
    const started = Date.now();
    let rank = rankIfNew;
    let done = item.resumeFrom;
    if (item.reason === 'resume') {
      const state = await this.state(session);
      const row = state.pending.find((p) => p.migration === m)?.resumeFrom;
      rank = row?.installedRank ?? rankIfNew;
      done = row?.statementsDone ?? 0;
      this.options.logger.warn(`resuming ${m.script} after statement ${done} of ${m.statements.length} (a previous run stopped there)`);
    } else {
      await this.ledger.insert(session, { ...this.stagedRow(item, rank), statementsDone: 0 }, false, 0);
    }
    const refuses = (step: Prepared) => dialect.nonTransactional(step.source.sql) ?? dialect.commitsImplicitly(step.source.sql);
    let i = done;
    while (i < steps.length) {
      try {
        if (refuses(steps[i] as Prepared)) {
          await this.runStep(session, m, steps[i] as Prepared);
          await this.ledger.updateProgress(session, rank, i + 1);
          i++;
          continue;
        }
        let j = i;
        await session.batch('BEGIN');
        while (j < steps.length && !refuses(steps[j] as Prepared)) {
          await this.runStep(session, m, steps[j] as Prepared);
          j++;
        }
        await this.ledger.updateProgress(session, rank, j);
        await session.batch('COMMIT');
        i = j;
      } catch (err) {
        if (session.inTransaction()) await session.batch('ROLLBACK').catch(() => undefined);
        if (!(err instanceof MigrationError)) throw err;
        const kept = i === 0 ? 'no statement of it was applied' : `statements 1-${i} stay applied`;
        throw new MigrationError(
          `${err.message}
${kept}; the next run resumes at statement ${i + 1}`,
          {
            ...(err.file ? { file: err.file } : {}),
            ...(err.line ? { line: err.line } : {}),
            ...(err.column ? { column: err.column } : {}),
            ...(err.version ? { version: err.version } : {}),
            ...(err.statementIndex !== undefined ? { statementIndex: err.statementIndex } : {}),
            ...(err.sqlState ? { sqlState: err.sqlState } : {}),
            cause: err.cause,
            hint: 'this migration runs outside a transaction, so completed statements are not rolled back; fix the failing statement and run again',
          },
        );
      }
    }
    await this.ledger.markSucceeded(session, rank, steps.length, Date.now() - started, m.checksum);
  }

  private async runStep(session: Session, m: Migration, step: Prepared): Promise<void> {
    try {
      if (step.action) await step.action(session);
      else for (const part of step.parts ?? []) await session.query(part.sql);
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw this.statementError(m, step.source, err, Number((err as { position?: string }).position) || undefined);
    }
  }

  private statementError(
    m: Migration,
    stmt: SqlStatement | undefined,
    err: unknown,
    positionInStatement: number | undefined,
  ): MigrationError {
    const server = err as { code?: string; message?: string; detail?: string; hint?: string };
    const where = stmt && positionInStatement ? positionToLine(stmt.sql, positionInStatement, stmt.line) : undefined;
    const line = where?.line ?? stmt?.line;
    const which = stmt ? `statement ${stmt.index + 1} of ${m.statements.length}` : 'a statement';
    const excerpt = stmt ? `\n${codeFrame(stmt, where)}` : '';
    return new MigrationError(
      `${m.script}: ${which} failed: ${server.message ?? messageOf(err)}${server.detail ? ` (${server.detail})` : ''}${excerpt}`,
      {
        file: m.file,
        ...(line !== undefined ? { line } : {}),
        ...(where ? { column: where.column } : {}),
        ...(m.version !== null ? { version: m.version } : {}),
        ...(stmt ? { statementIndex: stmt.index } : {}),
        ...(server.code ? { sqlState: server.code } : {}),
        cause: err,
        hint: server.hint ?? 'fix the statement and run again; the migration was rolled back, nothing of it was applied',
      },
    );
  }

  private async withSession<T>(session: Session | undefined, fn: (s: Session) => Promise<T>): Promise<T> {
    if (session) return fn(session);
    const s = await this.options.warehouse.acquire();
    try {
      return await fn(s);
    } finally {
      await s.release();
    }
  }
}

/** Characters a migration adds to a batch (statements plus separators). */
function batchTextLength(steps: Prepared[]): number {
  return steps.reduce((n, p) => n + (p.parts ?? []).reduce((m, x) => m + x.sql.length + 2, 0), 200);
}

/** A migration goes as one batch when it is transactional, new, and needs no client-side work. */
function batchable(item: ExecutionPlanItem, steps: Prepared[]): boolean {
  return item.transactional && item.reason !== 'resume' && steps.every((x) => x.parts !== undefined);
}

/** The failing statement with a marker under the server's error position (at most 7 lines). */
function codeFrame(stmt: SqlStatement, where: { line: number; column: number } | undefined): string {
  const lines = stmt.sql.split('\n');
  const focus = where ? where.line - stmt.line : 0;
  const from = Math.max(0, focus - 3);
  const to = Math.min(lines.length, focus + 4);
  const out: string[] = [];
  for (let k = from; k < to; k++) {
    const n = stmt.line + k;
    out.push(`  ${String(n).padStart(5)} | ${(lines[k] ?? '').replace(/\r$/, '')}`);
    if (where && k === focus) out.push(`  ${' '.repeat(5)} | ${' '.repeat(Math.max(0, where.column - 1))}^`);
  }
  if (to < lines.length) out.push('        | …');
  return out.join('\n');
}
