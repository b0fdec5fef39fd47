/**
 * Several migrations in one round trip, each in its own transaction with its history row:
 *   BEGIN; <open>; <m1>; <record m1>; COMMIT; BEGIN; <open>; <m2>; ...; <close>
 * The server runs them in order and stops at the first error, so the migrations before a failing
 * one are committed and the failing one is rolled back whole, as if sent one by one. Their history
 * rows were staged beforehand with bind parameters, so the batch carries no values.
 */
import { isSerializationFailure } from '../warehouse/retry';
import type { Session } from '../warehouse/warehouse';
import { withRetry } from '../retry';
import { groupText, type BatchText } from './batch-text';
import type { EngineContext } from './engine-context';
import { historyChanged, locateFailure, positionOf } from './error-location';
import type { PreparedMigration } from './steps';

export type GroupUnit = PreparedMigration;

export interface GroupResult {
  /** Migrations committed, in order, with their measured durations. */
  applied: { unit: GroupUnit; executionMs: number }[];
  failure?: { unit: GroupUnit; error: unknown };
}

/** Redshift's advice for error 1023 is to run the cancelled transaction again (c_serial_isolation). */
const SERIALIZATION_ATTEMPTS = 4;

/**
 * Sends `units` and reports what committed. A serializable isolation violation is retried from
 * the migration it cancelled: everything before it committed, and it rolled back whole with its
 * staged history row, so repeating it is safe.
 */
export async function applyGroup(ctx: EngineContext, session: Session, units: readonly GroupUnit[]): Promise<GroupResult> {
  const applied: GroupResult['applied'] = [];
  let remaining = units;
  let failure: GroupResult['failure'];
  const retried = withRetry(
    async () => {
      const r = await sendGroup(ctx, session, remaining);
      applied.push(...r.applied);
      remaining = remaining.slice(r.applied.length);
      failure = r.failure;
      if (failure && isSerializationFailure(failure.error)) throw failure.error;
    },
    {
      safeToRetry: true,
      retryOn: isSerializationFailure,
      attempts: SERIALIZATION_ATTEMPTS,
      maxDelayMs: 5_000,
      onRetry: ({ attempt, delayMs }) =>
        ctx.logger.warn(
          `${remaining[0]?.item.migration.script}: serializable isolation violation, retrying from it (attempt ${attempt + 1}) in ${delayMs} ms`,
        ),
    },
  );
  try {
    await retried;
  } catch (err) {
    // The last serialization failure is reported as the migration's failure; anything else
    // (the connection dropped while reading what committed) is not a migration's fault.
    if (err !== failure?.error) throw err;
  }
  return { applied, ...(failure ? { failure } : {}) };
}

async function sendGroup(ctx: EngineContext, session: Session, units: readonly GroupUnit[]): Promise<GroupResult> {
  const batch = groupText(ctx.history.inTransaction, units);
  const { firstRank, total } = await ctx.history.staged(session);
  if (total < units.length) throw new Error('internal: the staged history rows do not match the migrations to apply');
  try {
    await session.batch(batch.pieces);
    return { applied: await appliedUnits(ctx, session, units, firstRank, units.length) };
  } catch (err) {
    return recover(ctx, session, units, batch, { firstRank, total }, err);
  }
}

/** After a failed round trip: what committed, which migration failed, and where. */
async function recover(
  ctx: EngineContext,
  session: Session,
  units: readonly GroupUnit[],
  batch: BatchText,
  before: { firstRank: number; total: number },
  err: unknown,
): Promise<GroupResult> {
  // Unconditionally: the failed transaction is still open (outside one, ROLLBACK only warns). When
  // even that fails the session is gone, and the original error says why.
  await session.batch('ROLLBACK').catch(() => {
    throw err;
  });
  // The staged rows of committed migrations moved to the history: what is left tells how far it got.
  const committed = before.total - (await ctx.history.staged(session)).total;
  await ctx.history.closeTimings(session);
  const applied = await appliedUnits(ctx, session, units, before.firstRank, committed);
  if (isSerializationFailure(err)) return { applied, failure: { unit: units[committed] as GroupUnit, error: err } };
  const at = batch.spanAt(positionOf(err));
  // PostgreSQL parses a whole multi-statement message before it runs any of it, so a syntax error
  // in a later migration stops the round trip with nothing committed and a position that points
  // into that migration. The migrations before it are then sent again by themselves, and commit
  // as they would have one by one; the failure is blamed where the position points.
  const failedAt = at && at.span.unit > committed ? at.span.unit : committed;
  if (failedAt > committed) {
    const earlier = await sendGroup(ctx, session, units.slice(committed, failedAt));
    applied.push(...earlier.applied);
    if (earlier.failure) return { applied, failure: earlier.failure };
  }
  const failed = units[failedAt] as GroupUnit;
  const foreign = await ctx.history.foreignRowAtStage(session, ctx.runId);
  const error = foreign
    ? historyChanged(failed.item, foreign, err)
    : await locateFailure(session, failed.item.migration, failed.steps, err, at?.span.unit === failedAt ? at : undefined);
  return { applied, failure: { unit: failed, error } };
}

/** The first `count` units with their durations, read back from the history. */
async function appliedUnits(
  ctx: EngineContext,
  session: Session,
  units: readonly GroupUnit[],
  firstRank: number,
  count: number,
): Promise<GroupResult['applied']> {
  const times = await ctx.history.executionTimes(session, firstRank, count);
  return units.slice(0, count).map((unit, k) => ({ unit, executionMs: times[k] ?? 0 }));
}
