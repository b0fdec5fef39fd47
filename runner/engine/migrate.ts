/**
 * `migrate`: applies everything pending under the deployment lock.
 *
 * Speed on slow links: consecutive transactional migrations travel together, each still in its own
 * transaction with its own history row (apply-group.ts), so a deploy costs a constant number of
 * round trips plus one per hundred migrations, whatever the number of statements. Atomicity is
 * unchanged: each row commits with its migration's statements.
 *
 * Statements Redshift refuses inside a transaction block, and statements that commit implicitly,
 * make their migration non-transactional: statements run one group at a time with progress in the
 * history row, so a re-run after a crash resumes where it stopped (apply-single.ts).
 */
import { LockTimeoutError } from '../errors';
import type { HistoryRow } from '../ledger/schema-history';
import type { Session } from '../warehouse/warehouse';
import { applyGroup } from './apply-group';
import { applyChunked, applyNonTransactional, applyStepwise } from './apply-single';
import { stagedRowFor, underDeployLock, type EngineContext } from './engine-context';
import type { LeaseKeeper } from './lease-keeper';
import { OutcomeRecorder, type MigrateResult } from './outcomes';
import { computeState, disagreement, planItem, type ExecutionPlanItem } from './planning';
import { batchable, prepareSteps, type PreparedMigration } from './steps';

export const DEFAULT_MAX_BATCH_BYTES = 8 * 1024 * 1024;
/**
 * Round trips to an engine inside this process (the embedded warehouse, `singleBackend`): it parses
 * a whole round trip's statements at once, in WebAssembly memory that never shrinks, and a round
 * trip costs no network time there. Measured with `rsrun migrate` of a 27 MB migration of 300,000
 * one-row INSERTs: peak RSS 395 MiB with 8 MB round trips, 238 MiB with 1 MB (and 20 % faster).
 */
export const IN_PROCESS_MAX_BATCH_BYTES = 1024 * 1024;
// Bounds what one failure or retry can involve, and keeps progress visible in the logs.
const MAX_MIGRATIONS_PER_ROUND_TRIP = 100;

interface Work extends PreparedMigration {
  /** Bytes it adds to a round trip, the history's own statements included. */
  bytes: number;
}

export async function migrate(ctx: EngineContext): Promise<MigrateResult> {
  const set = await ctx.migrations();
  return underDeployLock(ctx, async (session, keeper) => {
    // Read the history only once the lock is held: a runner that waited sees what the other applied.
    const history = await ctx.history.list(session);
    const state = computeState(set, history);
    if (state.problems.length > 0) throw disagreement(state.problems, 'applied');
    const items = state.pending.map((p) => planItem(p, ctx.dialect));
    if (items.length === 0) ctx.logger.info('the warehouse is up to date: nothing to apply');
    else if (ctx.options.rewriter) await ctx.options.rewriter.prepare(session);
    const work = prepareWork(ctx, items, history);
    const staged = work.filter((w) => batchable(w.item, w.steps)).map((w) => w.row);
    if (staged.length > 0) await ctx.history.stage(session, staged);
    const recorder = new OutcomeRecorder(ctx.events, ctx.logger);
    await applyAll(ctx, session, keeper, work, recorder);
    if (staged.length > 0) await ctx.history.unstage(session).catch(() => undefined);
    return recorder.result(await ctx.history.list(session));
  });
}

function prepareWork(ctx: EngineContext, items: ExecutionPlanItem[], history: HistoryRow[]): Work[] {
  const overhead = Buffer.byteLength(Object.values(ctx.history.inTransaction).flat().join(';\n')) + 32;
  let nextRank = history.reduce((max, r) => Math.max(max, r.installedRank), 0) + 1;
  return items.map((item) => {
    const steps = prepareSteps(item.migration, ctx.options.rewriter);
    // A resumed migration keeps the rank of its partial row (read again when it resumes).
    const rank = item.resumeFrom > 0 || item.reason === 'resume' ? -1 : nextRank++;
    return { item, steps, row: stagedRowFor(ctx, item.migration, rank), bytes: steps.bytes + overhead };
  });
}

async function applyAll(ctx: EngineContext, session: Session, keeper: LeaseKeeper, work: Work[], recorder: OutcomeRecorder) {
  const maxBytes = ctx.options.maxBatchBytes ?? (ctx.dialect.singleBackend ? IN_PROCESS_MAX_BATCH_BYTES : DEFAULT_MAX_BATCH_BYTES);
  const rest = (from: number) => work.slice(from).map((w) => w.item);
  for (let i = 0; i < work.length;) {
    if (keeper.lost) throw recorder.stopped(rest(i), leaseLost(ctx));
    const w = work[i] as Work;
    const started = Date.now();
    if (batchable(w.item, w.steps) && w.bytes <= maxBytes) {
      const group = takeGroup(work, i, maxBytes);
      for (const u of group) recorder.started(u.item, `applying ${u.item.migration.script}`);
      const result = await applyGroup(ctx, session, group).catch((err: unknown) => {
        throw recorder.failed(w.item, Date.now() - started, err, rest(i + 1));
      });
      for (const done of result.applied) recorder.applied(done.unit.item, done.executionMs);
      if (result.failure) {
        const at = work.indexOf(result.failure.unit as Work);
        throw recorder.failed(result.failure.unit.item, Date.now() - started, result.failure.error, rest(at + 1));
      }
      i += group.length;
      continue;
    }
    const why = w.item.transactional ? '' : ` (outside a transaction: ${w.item.nonTransactionalBecause})`;
    recorder.started(w.item, `applying ${w.item.migration.script}${why}`);
    const executionMs = await applyOne(ctx, session, w, maxBytes).catch((err: unknown) => {
      throw recorder.failed(w.item, Date.now() - started, err, rest(i + 1));
    });
    recorder.applied(w.item, executionMs);
    i++;
  }
}

/** Consecutive batchable migrations from `from`, up to the byte and count caps of one round trip. */
function takeGroup(work: Work[], from: number, maxBytes: number): Work[] {
  const group: Work[] = [];
  let bytes = 0;
  for (let j = from; j < work.length && group.length < MAX_MIGRATIONS_PER_ROUND_TRIP; j++) {
    const candidate = work[j] as Work;
    if (!batchable(candidate.item, candidate.steps) || (group.length > 0 && bytes + candidate.bytes > maxBytes)) break;
    group.push(candidate);
    bytes += candidate.bytes;
  }
  return group;
}

function applyOne(ctx: EngineContext, session: Session, w: Work, maxBytes: number): Promise<number> {
  if (batchable(w.item, w.steps)) return applyChunked(ctx, session, w, maxBytes);
  if (w.item.transactional && w.item.reason !== 'resume') return applyStepwise(ctx, session, w);
  return applyNonTransactional(ctx, session, w);
}

function leaseLost(ctx: EngineContext): LockTimeoutError {
  return new LockTimeoutError(
    `the deployment lock on ${ctx.history.lease.name} is no longer held by this run; stopped before the next migration`,
    {
      hint: 'another process released it (`rsrun repair`?); check that no other deployment is running, then run again',
    },
  );
}
