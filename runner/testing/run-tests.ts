/**
 * Runs selected tests in parallel over the warehouse pool: `concurrency` workers, each holding one
 * session and taking the next test from a shared queue. Outcomes come back in test-id order
 * whatever finished first, so reports are deterministic.
 *
 * Tests that commit (`-- rsrun:isolation none` / `database`) run after the others, one at a time:
 * what they commit would otherwise be seen by concurrent tests. A test that failed on a
 * serialization conflict with a concurrent one (Redshift error 1023, c_serial_isolation) rolled
 * everything back and runs again. Time limits: timeouts.ts.
 */
import type { StatementRewriter } from '../dialects/rewriter';
import type { RunEventBus, TestOutcome } from '../events';
import { backoffDelay } from '../retry';
import { REDSHIFT_MAX_STATEMENT_BYTES, type Session, type Warehouse } from '../warehouse/warehouse';
import { executeInDisposableDatabase } from './disposable-database';
import { executeTest, type ExecuteOptions, type ExecutionResult } from './execute';
import type { TestCase } from './model';
import { withTimeout, type TimeoutOptions } from './timeouts';
import { executeUnisolated } from './unisolated';

export interface ExecuteAllOptions extends TimeoutOptions {
  events: RunEventBus;
  concurrency: number;
  rewriter: StatementRewriter | undefined;
  /** Fills a disposable database (`-- rsrun:isolation database`) before its test: the project's migrations. */
  prepareDatabase?: (warehouse: Warehouse) => Promise<void>;
}

/** Attempts of a test that keeps losing serialization conflicts (1023) to concurrent tests. */
const SERIALIZATION_ATTEMPTS = 3;

export async function executeTests(tests: TestCase[], options: ExecuteAllOptions): Promise<TestOutcome[]> {
  const outcomes = new Map<string, TestOutcome>();
  const exclusive = (t: TestCase) => !t.skip && t.isolation !== 'transaction';
  // A single backend (the embedded engine behind its socket server) interleaves protocol messages of
  // different connections outside a transaction, so an extended-protocol query (Parse/Bind/Execute)
  // of one session can lose its unnamed statement to another's. There the workers take turns: a
  // test (BEGIN..ROLLBACK) or a connect runs alone. It is serial anyway (embedded.ts).
  const gate = options.warehouse.dialect.singleBackend ? serialGate() : <T>(work: () => Promise<T>) => work();
  await runQueue(
    tests.filter((t) => !exclusive(t)),
    options.concurrency,
    options,
    outcomes,
    gate,
  );
  await runQueue(tests.filter(exclusive), 1, options, outcomes, gate);
  return tests.map((t) => outcomes.get(t.id) as TestOutcome);
}

type Gate = <T>(work: () => Promise<T>) => Promise<T>;

async function runQueue(
  tests: TestCase[],
  concurrency: number,
  options: ExecuteAllOptions,
  outcomes: Map<string, TestOutcome>,
  gate: Gate,
) {
  const queue = [...tests];
  let fatal: unknown;
  const workers = Math.max(1, Math.min(concurrency, queue.filter((t) => !t.skip).length || 1));
  const worker = async () => {
    let session: Session | undefined;
    try {
      while (fatal === undefined) {
        const test = queue.shift();
        if (!test) break;
        options.events.emit('test:start', { id: test.id, name: test.name, suite: test.suite });
        const started = performance.now();
        let result: ExecutionResult = { status: 'passed', sql: test.query.sql };
        for (let attempt = 1; !test.skip; attempt++) {
          try {
            session ??= await gate(() => openSession(options));
          } catch (err) {
            fatal = err;
            queue.unshift(test);
            return;
          }
          const current = session;
          const run = await gate(() => withTimeout(current, test, options, () => dispatch(current, test, options)));
          result = run.result;
          if (run.sessionBroken) {
            await session.release(true);
            session = undefined;
          }
          if (!result.retryable || attempt >= SERIALIZATION_ATTEMPTS) break;
          options.logger.info(`test ${test.id} lost a serialization conflict (attempt ${attempt}); running it again`, { test: test.id });
          await new Promise((r) => setTimeout(r, backoffDelay(attempt, 50, 1000)));
        }
        report(test, result, performance.now() - started, options, outcomes);
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
}

async function openSession(options: ExecuteAllOptions): Promise<Session> {
  const opened = await options.warehouse.acquire();
  if (options.rewriter) await options.rewriter.prepare(opened);
  return opened;
}

function dispatch(session: Session, test: TestCase, options: ExecuteAllOptions): Promise<ExecutionResult> {
  const dialect = options.warehouse.dialect;
  const exec: ExecuteOptions = {
    dialect,
    rewriter: options.rewriter,
    copyFromStdin: dialect.supportsCopyFromStdin,
    sqlCursor: dialect.singleBackend,
    deferRollback: !dialect.singleBackend,
    maxStatementBytes: options.warehouse.maxStatementBytes ?? REDSHIFT_MAX_STATEMENT_BYTES,
  };
  if (test.isolation === 'none') return executeUnisolated(session, test, exec);
  if (test.isolation === 'database') {
    return executeInDisposableDatabase(session, test, exec, {
      warehouse: options.warehouse,
      rewriter: options.rewriter,
      prepare: options.prepareDatabase,
    });
  }
  return executeTest(session, test, exec);
}

function report(test: TestCase, r: ExecutionResult, durationMs: number, options: ExecuteAllOptions, outcomes: Map<string, TestOutcome>) {
  const outcome: TestOutcome = {
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
  outcomes.set(test.id, outcome);
  options.logger[outcome.status === 'failed' || outcome.status === 'error' ? 'warn' : 'debug'](
    `${outcome.status} ${test.id}${outcome.message ? `: ${outcome.message.split('\n')[0]}` : ''}`,
    { test: test.id, status: outcome.status, durationMs: Math.round(outcome.durationMs) },
  );
  options.events.emit('test:finish', outcome);
}

/** Runs the functions given to it one at a time, in call order. */
function serialGate(): Gate {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const next = tail.then(work, work);
    tail = next.catch(() => undefined);
    return next;
  };
}
