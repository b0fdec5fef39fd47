/**
 * A test over its time limit is stopped on the server, not only abandoned by the client.
 *
 * Where Redshift's rules apply (a cluster, or a local engine emulating one) a test inside a
 * transaction block is terminated at once: "If you cannot cancel a query because it is in
 * transaction block (BEGIN … END), you can terminate the session in which the query is running by
 * using the PG_TERMINATE_BACKEND function" (PG_CANCEL_BACKEND). Elsewhere the statement is
 * cancelled first (`pg_cancel_backend`) and its session terminated only if it ignores the cancel.
 * The embedded engine runs statements inside this process and cannot be interrupted: an overrun is
 * reported once the statement returns.
 */
import { messageOf } from '../errors';
import type { Logger } from '../logging/logger';
import type { Session, Warehouse } from '../warehouse/warehouse';
import { shownSql, type ExecutionResult } from './execute';
import type { TestCase } from './model';

export interface TimeoutOptions {
  warehouse: Warehouse;
  logger: Logger;
  /** Per-test timeout (ms); 0 = none. A test's `-- rsrun:timeout` overrides it. */
  timeoutMs: number;
  /** Redshift's rules: terminate a test inside a transaction block directly. */
  terminateInTransaction: boolean;
  /** How long a cancelled statement gets to stop before its session is terminated. */
  cancelGraceMs?: number;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;

export async function withTimeout(
  session: Session,
  test: TestCase,
  options: TimeoutOptions,
  execute: () => Promise<ExecutionResult>,
): Promise<{ result: ExecutionResult; sessionBroken: boolean }> {
  const limit = test.timeoutMs ?? options.timeoutMs;
  const started = performance.now();
  const work = execute().then(
    (result) => ({ result, failed: undefined as unknown }),
    (failed: unknown) => ({ result: undefined, failed }),
  );
  const crashed = (err: unknown): ExecutionResult => ({ status: 'error', sql: shownSql(test), message: `error: ${messageOf(err)}` });

  if (!limit || !options.warehouse.dialect.supportsServerCancel) {
    const done = await work;
    if (done.failed !== undefined) return { result: crashed(done.failed), sessionBroken: true };
    const took = performance.now() - started;
    const result = done.result as ExecutionResult;
    if (limit && took > limit) {
      const message = `timed out: took ${seconds(took)}, over the limit of ${seconds(limit)} (this engine runs statements in-process and cannot interrupt them; on a server the statement is cancelled)`;
      return { result: { ...result, status: 'error', message }, sessionBroken: false };
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
  const message = await stopOnServer(session, options, work, limit);
  options.logger.warn(`test ${test.id} ${message}`, { test: test.id, backendPid: session.backendPid });
  return { result: { status: 'error', sql: shownSql(test), message }, sessionBroken: true };
}

async function stopOnServer(session: Session, options: TimeoutOptions, work: Promise<unknown>, limit: number): Promise<string> {
  const grace = options.cancelGraceMs ?? 5000;
  const stops = (act: () => Promise<void>) =>
    act().then(
      () => Promise.race([work.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), grace).unref())]),
      (err: unknown) => messageOf(err),
    );
  if (options.terminateInTransaction && session.inTransaction()) {
    const stopped = await stops(() => options.warehouse.terminate(session.backendPid));
    const how =
      typeof stopped === 'string' ? `; terminating its session failed: ${stopped}` : stopped ? '' : '; the statement did not stop';
    return `timed out after ${seconds(limit)}, session terminated (PG_TERMINATE_BACKEND: a query inside a transaction block may not be cancellable on Redshift)${how}`;
  }
  const how: string[] = [];
  const attempt = async (name: string, act: () => Promise<void>) => {
    const stopped = await stops(act);
    how.push(typeof stopped === 'string' ? `${name} failed: ${stopped}` : name);
    return stopped === true;
  };
  const stopped =
    (await attempt('cancelled on the server (pg_cancel_backend)', () => options.warehouse.cancel(session.backendPid))) ||
    (await attempt('terminated its session (pg_terminate_backend)', () => options.warehouse.terminate(session.backendPid)));
  return `timed out after ${seconds(limit)}; ${how.join(', then ')}${stopped ? '' : '; the statement did not stop'}`;
}
