/**
 * Runs selected tests in parallel over the warehouse pool: `concurrency` workers, each holding one
 * session and taking the next test from a shared queue. Outcomes come back in test-id order
 * whatever finished first, so reports are deterministic.
 *
 * Timeouts are enforced on the server: when a test overruns, its backend gets
 * `pg_cancel_backend` (then `pg_terminate_backend` if it ignores the cancel), not only an
 * abandoned client promise. The embedded engine runs statements inside this process and cannot
 * be interrupted; there an overrun is reported once the statement returns.
 */
import type { StatementRewriter } from '../dialects/rewriter';
import { messageOf } from '../errors';
import type { RunEventBus, TestOutcome } from '../events';
import type { Logger } from '../logging/logger';
import type { Session, Warehouse } from '../warehouse/warehouse';
import { executeTest, type ExecutionResult } from './execute';
import type { TestCase } from './model';

export interface ExecuteAllOptions {
  warehouse: Warehouse;
  events: RunEventBus;
  logger: Logger;
  concurrency: number;
  /** Per-test timeout (ms); 0 = none. A test's `-- rsrun:timeout` overrides it. */
  timeoutMs: number;
  rewriter: StatementRewriter | undefined;
  /** How long a cancelled statement gets to stop before its session is terminated. */
  cancelGraceMs?: number;
}

export async function executeTests(tests: TestCase[], options: ExecuteAllOptions): Promise<TestOutcome[]> {
  const queue = [...tests];
  const outcomes = new Map<string, TestOutcome>();
  let fatal: unknown;
  const workers = Math.max(1, Math.min(options.concurrency, queue.filter((t) => !t.skip).length || 1));

  // A single backend (the embedded engine behind its socket server) interleaves protocol messages of
  // different connections outside a transaction, so an extended-protocol query (Parse/Bind/Execute)
  // of one session can lose its unnamed statement to another's. There the workers take turns: a
  // test (BEGIN..ROLLBACK) or a connect runs alone. It is serial anyway (embedded.ts).
  const gate = options.warehouse.dialect.singleBackend ? serialGate() : <T>(work: () => Promise<T>) => work();

  const worker = async () => {
    let session: Session | undefined;
    try {
      while (fatal === undefined) {
        const test = queue.shift();
        if (!test) break;
        options.events.emit('test:start', { id: test.id, name: test.name, suite: test.suite });
        const started = performance.now();
        let result: ExecutionResult;
        if (test.skip) {
          result = { status: 'passed', sql: test.query.sql };
        } else {
          if (!session) {
            try {
              session = await gate(async () => {
                const opened = await options.warehouse.acquire();
                if (options.rewriter) await options.rewriter.prepare(opened);
                return opened;
              });
            } catch (err) {
              fatal = err;
              queue.unshift(test);
              break;
            }
          }
          const current = session;
          const run = await gate(() => runWithTimeout(current, test, options));
          result = run.result;
          if (run.sessionBroken) {
            await session.release(true);
            session = undefined;
          }
        }
        const outcome = toOutcome(test, result, performance.now() - started);
        outcomes.set(test.id, outcome);
        options.logger[outcome.status === 'failed' || outcome.status === 'error' ? 'warn' : 'debug'](
          `${outcome.status} ${test.id}${outcome.message ? `: ${outcome.message.split('\n')[0]}` : ''}`,
          { test: test.id, status: outcome.status, durationMs: Math.round(outcome.durationMs) },
        );
        options.events.emit('test:finish', outcome);
      }
    } finally {
      // The last test's transaction may still be open (deferred rollback).
      if (session?.inTransaction()) await session.query('ROLLBACK').catch(() => session?.release(true));
      await session?.release();
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  // The first worker's error, rethrown unchanged after all workers stopped.
  // eslint-disable-next-line @typescript-eslint/only-throw-error
  if (fatal !== undefined) throw fatal;
  return tests.map((t) => outcomes.get(t.id) as TestOutcome);
}

/** Runs the functions given to it one at a time, in call order. */
function serialGate(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const next = tail.then(work, work);
    tail = next.catch(() => undefined);
    return next;
  };
}

function toOutcome(test: TestCase, r: ExecutionResult, durationMs: number): TestOutcome {
  return {
    id: test.id,
    suite: test.suite,
    name: test.name,
    file: test.file,
    line: test.line,
    tags: test.tags,
    status: test.skip ? 'skipped' : r.status,
    durationMs: Math.round(durationMs * 10) / 10,
    sql: r.sql,
    ...(test.skip ? { message: test.skip } : r.message ? { message: r.message } : {}),
    ...(r.expected ? { expected: r.expected } : {}),
    ...(r.actual ? { actual: r.actual } : {}),
    ...(r.isolationBroken ? { isolationBroken: true } : {}),
  };
}

async function runWithTimeout(
  session: Session,
  test: TestCase,
  options: ExecuteAllOptions,
): Promise<{ result: ExecutionResult; sessionBroken: boolean }> {
  const limit = test.timeoutMs ?? options.timeoutMs;
  const dialect = options.warehouse.dialect;
  const execOptions = {
    dialect,
    rewriter: options.rewriter,
    copyFromStdin: dialect.supportsCopyFromStdin,
    sqlCursor: dialect.singleBackend,
    deferRollback: !dialect.singleBackend,
  };
  const started = performance.now();
  const work = executeTest(session, test, execOptions).then(
    (result) => ({ result, failed: undefined as unknown }),
    (failed: unknown) => ({ result: undefined, failed }),
  );
  const crashed = (err: unknown): ExecutionResult => ({ status: 'error', sql: test.query.sql, message: `error: ${messageOf(err)}` });
  const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;

  if (!limit || !dialect.supportsServerCancel) {
    const done = await work;
    if (done.failed !== undefined) return { result: crashed(done.failed), sessionBroken: true };
    const took = performance.now() - started;
    const result = done.result as ExecutionResult;
    if (limit && took > limit) {
      return {
        result: {
          ...result,
          status: 'error',
          message: `timed out: took ${seconds(took)}, over the limit of ${seconds(limit)} (this engine runs statements in-process and cannot interrupt them; on a server the statement is cancelled)`,
        },
        sessionBroken: false,
      };
    }
    return { result, sessionBroken: false };
  }

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), limit);
  });
  const first = await Promise.race([work, timedOut]);
  clearTimeout(timer);
  if (first !== 'timeout') {
    if (first.failed !== undefined) return { result: crashed(first.failed), sessionBroken: true };
    return { result: first.result as ExecutionResult, sessionBroken: false };
  }

  // Over the limit: cancel on the server, then terminate if the backend ignores the cancel.
  const grace = options.cancelGraceMs ?? 5000;
  const how: string[] = [];
  const attempt = async (name: string, act: () => Promise<void>) => {
    try {
      await act();
      how.push(name);
    } catch (err) {
      how.push(`${name} failed: ${messageOf(err)}`);
    }
    return Promise.race([work.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), grace).unref())]);
  };
  const stopped =
    (await attempt('cancelled on the server (pg_cancel_backend)', () => options.warehouse.cancel(session.backendPid))) ||
    (await attempt('terminated its session (pg_terminate_backend)', () => options.warehouse.terminate(session.backendPid)));
  const message = `timed out after ${seconds(limit)}; ${how.join(', then ')}${stopped ? '' : '; the statement did not stop'}`;
  options.logger.warn(`test ${test.id} ${message}`, { test: test.id, backendPid: session.backendPid });
  return {
    result: { status: 'error', sql: [...test.setup, test.query].map((s) => `${s.sql};`).join('\n\n'), message },
    sessionBroken: true,
  };
}
