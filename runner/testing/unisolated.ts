/**
 * Tests that commit: `-- rsrun:isolation none` runs the test without a transaction around it
 * (fixtures and `-- rsrun:setup` first, then the test, then `-- rsrun:teardown`, which always runs);
 * `-- rsrun:isolation database` does the same in a disposable database (disposable-database.ts).
 * What such a test commits is visible to other tests, so the runner runs them alone (run-tests.ts).
 */
import type { Session } from '../warehouse/warehouse';
import { assertTest, failureResult, prepareTest, runStatement, type ExecuteOptions, type ExecutionResult, verdictResult } from './execute';
import type { TestCase } from './model';

export async function executeUnisolated(session: Session, test: TestCase, options: ExecuteOptions): Promise<ExecutionResult> {
  // A previous test's transaction may still be open (deferred rollback).
  if (session.inTransaction()) await session.query('ROLLBACK');
  let result: ExecutionResult;
  try {
    await prepareTest(session, test, options);
    result = verdictResult(test, await assertTest(session, test, options), [], false);
  } catch (err) {
    result = failureResult(test, err);
    // Never retried: what ran before the failure may have committed.
    delete result.retryable;
  }
  const failures = await teardown(session, test, options);
  if (failures.length === 0) return result;
  const message = [result.message, ...failures, 'what the test committed may still be in the warehouse'].filter(Boolean).join('\n');
  return { ...result, status: 'error', message };
}

/** Every teardown statement, each in its own transaction, whatever failed before. */
async function teardown(session: Session, test: TestCase, options: ExecuteOptions): Promise<string[]> {
  const failures: string[] = [];
  for (const stmt of test.teardown) {
    // A statement the test left in a failed transaction block would refuse everything after it.
    if (session.inTransaction()) await session.query('ROLLBACK').catch(() => undefined);
    try {
      await runStatement(session, test, stmt, 'teardown statement', options);
    } catch (err) {
      failures.push((err as Error).message);
    }
  }
  if (session.inTransaction()) await session.query('ROLLBACK').catch(() => undefined);
  return failures;
}
