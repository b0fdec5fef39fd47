/**
 * `-- rsrun:isolation database`: the test runs in a database the runner creates for it and drops
 * afterwards, whatever happened. The command can fill it first (`prepare`: the project's
 * migrations), so the test sees the schema it tests. CREATE/DROP DATABASE cannot run inside a
 * transaction block on Redshift (r_CREATE_DATABASE, r_DROP_DATABASE): they run on their own.
 */
import { randomBytes } from 'node:crypto';
import { quoteIdent } from '../dialects/dialect';
import type { StatementRewriter } from '../dialects/rewriter';
import type { Session, Warehouse } from '../warehouse/warehouse';
import { failureResult, type ExecuteOptions, type ExecutionResult, SetupFailure } from './execute';
import type { TestCase } from './model';
import { executeUnisolated } from './unisolated';

export interface DisposableDatabaseOptions {
  warehouse: Warehouse;
  rewriter: StatementRewriter | undefined;
  /** Fills the new database before the test (the project's migrations). */
  prepare: ((warehouse: Warehouse) => Promise<void>) | undefined;
}

export async function executeInDisposableDatabase(
  session: Session,
  test: TestCase,
  options: ExecuteOptions,
  db: DisposableDatabaseOptions,
): Promise<ExecutionResult> {
  const forDatabase = db.warehouse.forDatabase?.bind(db.warehouse);
  // A single backend (the embedded engine) runs one database: it cannot connect to a second one.
  if (db.warehouse.dialect.singleBackend || !forDatabase) {
    return failureResult(
      test,
      new SetupFailure(
        `${test.file}:${test.line}: -- rsrun:isolation database needs a PostgreSQL server or Redshift: the embedded engine runs one database`,
      ),
    );
  }
  if (session.inTransaction()) await session.query('ROLLBACK');
  const name = `rsrun_test_${randomBytes(6).toString('hex')}`;
  try {
    await session.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (err) {
    return failureResult(
      test,
      new SetupFailure(`cannot create the disposable database ${name}: ${(err as Error).message}`, { cause: err }),
    );
  }
  const scratch = forDatabase(name);
  let result: ExecutionResult;
  try {
    if (db.prepare) await db.prepare(scratch);
    const inner = await scratch.acquire();
    try {
      if (db.rewriter) await db.rewriter.prepare(inner);
      result = await executeUnisolated(inner, test, options);
    } finally {
      await inner.release();
    }
  } catch (err) {
    result = failureResult(
      test,
      new SetupFailure(`preparing the disposable database ${name} failed: ${(err as Error).message}`, { cause: err }),
    );
  } finally {
    await scratch.close();
  }
  try {
    await session.query(`DROP DATABASE ${quoteIdent(name)}`);
  } catch (err) {
    const message = `${result.message ? `${result.message}\n` : ''}the disposable database ${name} could not be dropped: ${(err as Error).message}`;
    return { ...result, status: 'error', message };
  }
  return result;
}
