/**
 * Migrations that go alone: one too large for a shared round trip (several round trips, one
 * transaction), one whose statements need client-side work (a round trip per statement, one
 * transaction), and one that cannot run in a transaction at all (progress recorded as it goes).
 */
import { MigrationError } from '../errors';
import type { StagedRow } from '../ledger/schema-history';
import { withRetry } from '../retry';
import { isSerializationFailure } from '../warehouse/retry';
import type { Session } from '../warehouse/warehouse';
import { leadingKeyword } from '../dialects/leading-keyword';
import { chunkedText } from './batch-text';
import type { EngineContext } from './engine-context';
import { historyChanged, locateFailure, positionOf, runStep } from './error-location';
import { computeState, type ExecutionPlanItem } from './planning';
import type { PreparedMigration, Step } from './steps';

/**
 * A staged migration whose statements exceed one round trip: the round trips share its
 * transaction. Redshift cancels one of two conflicting transactions with "1023 Serializable
 * isolation violation" and advises retrying it (c_serial_isolation): the whole transaction rolled
 * back, its staged history row included, so repeating it from the first round trip is safe.
 * Nothing else is retried: a dropped connection may have lost the answer to a COMMIT that succeeded.
 */
export async function applyChunked(
  ctx: EngineContext,
  session: Session,
  { item, steps, row }: PreparedMigration,
  maxBytes: number,
): Promise<number> {
  await withRetry(
    async () => {
      // Regenerated on a retry: the cuts are built as they are sent, not kept.
      for await (const chunk of rollingBackOnThrow(session, chunkedText(ctx.history.inTransaction, steps, maxBytes))) {
        try {
          await session.batch(chunk.pieces);
        } catch (err) {
          await session.batch('ROLLBACK').catch(() => {
            throw err;
          });
          if (isSerializationFailure(err)) throw err;
          const foreign = await ctx.history.foreignRowAtStage(session, ctx.runId);
          if (foreign) throw historyChanged(item, foreign, err);
          throw await locateFailure(session, item.migration, steps, err, chunk.spanAt(positionOf(err)));
        }
      }
    },
    {
      safeToRetry: true,
      retryOn: isSerializationFailure,
      attempts: 4,
      onRetry: ({ attempt, delayMs }) =>
        ctx.logger.warn(
          `${item.migration.script}: serializable isolation violation, retrying the migration (attempt ${attempt + 1}) in ${delayMs} ms`,
        ),
    },
  );
  return (await ctx.history.executionTimes(session, row.installedRank, 1))[0] ?? 0;
}

/**
 * The cuts of a chunked migration, rolling its open transaction back when building the next one
 * fails (a large migration's file edited while it is applied: FileStatements refuses to read it).
 */
async function* rollingBackOnThrow<T>(session: Session, cuts: Generator<T>): AsyncGenerator<T> {
  let sent = false;
  for (;;) {
    let next: IteratorResult<T>;
    try {
      next = cuts.next();
    } catch (err) {
      if (sent) await session.batch('ROLLBACK').catch(() => undefined);
      throw err;
    }
    if (next.done) return;
    yield next.value;
    sent = true;
  }
}

/** A transaction with one round trip per statement: for statements that need client work (COPY from S3 locally). */
export async function applyStepwise(ctx: EngineContext, session: Session, { item, steps, row }: PreparedMigration): Promise<number> {
  const started = Date.now();
  await session.batch(['BEGIN', ...ctx.history.inTransaction.lock].join(';\n'));
  try {
    for (const step of steps) await runStep(session, item.migration, step);
    await ctx.history.insert(session, row, { success: true, executionMs: Date.now() - started });
    await session.batch('COMMIT');
  } catch (err) {
    await session.batch('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return Date.now() - started;
}

/**
 * Outside a transaction: groups of consecutive transaction-safe statements commit together with
 * the progress counter; each refusing statement runs alone and then records progress. A re-run
 * after a failure or a crash resumes after the last statement recorded.
 */
export async function applyNonTransactional(
  ctx: EngineContext,
  session: Session,
  { item, steps, row }: PreparedMigration,
): Promise<number> {
  const m = item.migration;
  const started = Date.now();
  const { rank, done } = await startOrResume(ctx, session, item, row);
  // A CALL runs alone too: the procedure may COMMIT, which Redshift refuses inside a transaction
  // block ("executing in an atomic context", stored-procedure-transaction-management), and a
  // migration is declared -- rsrun:no-transaction precisely to make such calls.
  const refuses = (step: Step) =>
    ctx.dialect.nonTransactional(step.source.sql) ?? ctx.dialect.commitsImplicitly(step.source.sql) ?? isCall(step.source.sql);
  let i = done;
  while (i < steps.length) {
    try {
      if (refuses(steps.at(i))) {
        await runStep(session, m, steps.at(i));
        await ctx.history.updateProgress(session, rank, ++i);
        continue;
      }
      let j = i;
      await session.batch('BEGIN');
      while (j < steps.length && !refuses(steps.at(j))) await runStep(session, m, steps.at(j++));
      await ctx.history.updateProgress(session, rank, j);
      await session.batch('COMMIT');
      i = j;
    } catch (err) {
      if (session.inTransaction()) await session.batch('ROLLBACK').catch(() => undefined);
      throw err instanceof MigrationError ? keptSoFar(err, i) : err;
    }
  }
  const executionMs = Date.now() - started;
  await ctx.history.markSucceeded(session, rank, { statementsDone: steps.length, executionMs, checksum: m.checksum });
  return executionMs;
}

async function startOrResume(ctx: EngineContext, session: Session, item: ExecutionPlanItem, row: StagedRow) {
  if (item.reason !== 'resume') {
    await ctx.history.insert(session, { ...row, statementsDone: 0 }, { success: false, executionMs: 0 });
    return { rank: row.installedRank, done: item.resumeFrom };
  }
  // The row of the partial run, as the history says now (under the lock).
  const state = computeState(await ctx.migrations(), await ctx.history.list(session));
  const partial = state.pending.find((p) => p.migration === item.migration)?.resumeFrom;
  const done = partial?.statementsDone ?? 0;
  ctx.logger.warn(
    `resuming ${item.migration.script} after statement ${done} of ${item.migration.statements.length} (a previous run stopped there)`,
  );
  return { rank: partial?.installedRank ?? row.installedRank, done };
}

function keptSoFar(err: MigrationError, applied: number): MigrationError {
  const kept = applied === 0 ? 'no statement of it was applied' : `statements 1-${applied} stay applied`;
  return new MigrationError(`${err.message}\n${kept}; the next run resumes at statement ${applied + 1}`, {
    ...(err.file ? { file: err.file } : {}),
    ...(err.line ? { line: err.line } : {}),
    ...(err.column ? { column: err.column } : {}),
    ...(err.version ? { version: err.version } : {}),
    ...(err.statementIndex !== undefined ? { statementIndex: err.statementIndex } : {}),
    ...(err.sqlState ? { sqlState: err.sqlState } : {}),
    cause: err.cause,
    hint: 'this migration runs outside a transaction, so completed statements are not rolled back; fix the failing statement and run again',
  });
}

const isCall = (sql: string): true | undefined => (leadingKeyword(sql) === 'CALL' ? true : undefined);
