/**
 * Runs one test on one session. Under the default isolation: BEGIN, CSV fixtures, setup
 * statements, the assertion, ROLLBACK, so nothing the test did is kept. A statement that would
 * commit that transaction on Redshift (TRUNCATE, r_TRUNCATE) or refuses one (VACUUM, ...) is
 * refused before anything runs: on a cluster its changes, and the fixtures', would stay. Tests
 * declared `-- rsrun:isolation none` / `database` run without a transaction (unisolated.ts).
 */
import type { DialectAdapter } from '../dialects/dialect';
import { leadingKeyword } from '../dialects/leading-keyword';
import type { StatementRewriter } from '../dialects/rewriter';
import { messageOf } from '../errors';
import type { TableData, TestStatus } from '../events';
import { isSerializationFailure } from '../warehouse/retry';
import type { Session } from '../warehouse/warehouse';
import { cellText, judge, type CollectedResult, DISPLAY_ROWS } from './compare';
import { loadFixture, type FixtureLoading } from './fixtures';
import type { TestCase, TestStatement } from './model';

export interface ExecuteOptions extends FixtureLoading {
  dialect: DialectAdapter;
  /** Statements pass through it when the environment emulates Redshift. */
  rewriter: StatementRewriter | undefined;
  /**
   * Stream results through a SQL cursor (DECLARE/FETCH) instead of a protocol portal: the embedded
   * socket server handles each protocol message on its own and loses the unnamed portal.
   */
  sqlCursor: boolean;
  /**
   * Leave the test's transaction open at the end and roll it back together with the next test's
   * BEGIN (one round trip per test less). Not on the embedded engine, where an open transaction
   * holds up every other session; the worker rolls back the last one before releasing its session.
   */
  deferRollback: boolean;
}

export interface ExecutionResult {
  status: Exclude<TestStatus, 'skipped'>;
  message?: string;
  expected?: TableData;
  actual?: TableData;
  isolationBroken?: boolean;
  /** The SQL the report shows: setup and assertion as run. */
  sql: string;
  /** Failed on a serialization conflict with a concurrent test: safe to run again (nothing was kept). */
  retryable?: boolean;
}

/** A failure while preparing the test (fixture, setup): the test errors, it does not fail. */
export class SetupFailure extends Error {}

const STREAM_CHUNK = 1000;

export async function executeTest(session: Session, test: TestCase, options: ExecuteOptions): Promise<ExecutionResult> {
  const refusal = test.isolation === 'transaction' ? refusedInTransaction(test, options.dialect) : undefined;
  if (refusal) return { status: 'error', sql: shownSql(test), message: refusal };
  const notes: string[] = [];
  let isolationBroken = false;
  const keepTransaction = async () => {
    if (session.inTransaction()) return;
    isolationBroken = true;
    notes.push('isolation broken: a statement ended the test transaction (e.g. COMMIT in a NONATOMIC procedure), so its changes were kept');
    await session.query('BEGIN');
  };

  // A previous test's transaction left open (deferRollback) ends in the same round trip.
  if (session.inTransaction()) await session.batch('ROLLBACK;\nBEGIN');
  else await session.query('BEGIN');
  try {
    await prepareTest(session, test, options, keepTransaction);
    const verdict = await assertTest(session, test, options);
    if (test.expect.kind !== 'error') await keepTransaction();
    // Teardown statements are not run: the rollback undoes everything the test did.
    return verdictResult(test, verdict, notes, isolationBroken);
  } catch (err) {
    // isolationBroken is set by the session's error callbacks, which TypeScript's narrowing does not see.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
    return { ...failureResult(test, err, notes), ...(isolationBroken ? { isolationBroken } : {}) };
  } finally {
    if (!options.deferRollback && session.inTransaction()) await session.query('ROLLBACK');
  }
}

/** Fixtures, then setup statements. */
export async function prepareTest(session: Session, test: TestCase, options: ExecuteOptions, after?: () => Promise<void>): Promise<void> {
  for (const f of test.fixtures)
    await loadFixture(session, f, options).catch((err: unknown) => {
      throw new SetupFailure(`fixture ${f.file} into ${f.table} failed: ${serverMessage(err)}`, { cause: err });
    });
  for (const s of test.setup) await runStatement(session, test, s, 'setup statement', options, after);
}

/** The assertion: every step of the rewritten query but the last runs as setup; the last is judged. */
export async function assertTest(session: Session, test: TestCase, options: ExecuteOptions) {
  const steps = rewrite(test.query, test, options);
  const last = steps.pop();
  for (const step of steps) {
    if (step.kind === 'action') await step.run(session);
    else await runStatement(session, test, { sql: step.sql, line: test.query.line }, 'statement', { ...options, rewriter: undefined });
  }
  if (!last || last.kind !== 'sql') throw new SetupFailure(`the assertion at ${test.file}:${test.query.line} must be a query`);
  return assertQuery(session, test, last.sql, options.sqlCursor);
}

export async function runStatement(
  session: Session,
  test: TestCase,
  stmt: TestStatement,
  what: string,
  options: ExecuteOptions,
  after?: () => Promise<void>,
): Promise<void> {
  for (const step of rewrite(stmt, test, options)) {
    try {
      if (step.kind === 'action') await step.run(session);
      else await session.query(step.sql, stmt.params);
    } catch (err) {
      throw new SetupFailure(`${what} at ${test.file}:${stmt.line} failed: ${serverMessage(err)}${procedureHint(err, test)}`, {
        cause: err,
      });
    }
    if (after) await after();
  }
}

export function verdictResult(
  test: TestCase,
  verdict: Awaited<ReturnType<typeof assertQuery>>,
  notes: string[],
  isolationBroken: boolean,
): ExecutionResult {
  const message = [verdict.message, ...notes].filter(Boolean).join('\n') || undefined;
  return {
    status: verdict.passed ? 'passed' : 'failed',
    sql: shownSql(test),
    ...(message ? { message } : {}),
    ...(verdict.expected ? { expected: verdict.expected } : {}),
    ...(verdict.actual ? { actual: verdict.actual } : {}),
    ...(isolationBroken ? { isolationBroken } : {}),
  };
}

export function failureResult(test: TestCase, err: unknown, notes: string[] = []): ExecutionResult {
  const message = [err instanceof SetupFailure ? err.message : `error: ${serverMessage(err)}`, ...notes].join('\n');
  return { status: 'error', sql: shownSql(test), message, ...(isSerializationFailure(err) ? { retryable: true } : {}) };
}

export function shownSql(test: TestCase): string {
  return [...test.setup, test.query, ...test.teardown].map((s) => `${s.sql};`).join('\n\n');
}

const UNISOLATED_HINT =
  'declare `-- rsrun:isolation none` (with `-- rsrun:setup` / `-- rsrun:teardown` to create and remove its data) or `-- rsrun:isolation database`';

/**
 * Why the test cannot run inside a transaction, before anything runs: on Redshift a TRUNCATE would
 * commit the fixtures and setup into real tables, and a refused statement would fail.
 */
function refusedInTransaction(test: TestCase, dialect: DialectAdapter): string | undefined {
  for (const stmt of [...test.setup, test.query, ...test.teardown]) {
    const commits = dialect.commitsImplicitly(stmt.sql);
    if (commits) {
      return `${commits.command} at ${test.file}:${stmt.line} commits the transaction it runs in (${commits.source}): a test that runs in a transaction (the default) could not undo its changes; ${UNISOLATED_HINT}`;
    }
    const refused = dialect.nonTransactional(stmt.sql);
    if (refused) {
      return `${refused.command} at ${test.file}:${stmt.line} cannot run inside a transaction block (${refused.source}), and a test runs in one by default; ${UNISOLATED_HINT}`;
    }
  }
  return undefined;
}

/** A procedure that commits, called inside the test's transaction: say how to test it. */
function procedureHint(err: unknown, test: TestCase): string {
  if (test.isolation !== 'transaction' || !/executing in an atomic context/.test(messageOf(err))) return '';
  return `\nthe procedure commits (COMMIT, ROLLBACK or TRUNCATE), which Redshift refuses inside the test's transaction; ${UNISOLATED_HINT}`;
}

async function assertQuery(
  session: Session,
  test: TestCase,
  sql: string,
  sqlCursor: boolean,
): Promise<{ passed: boolean; message?: string; expected?: TableData; actual?: TableData }> {
  const expect = test.expect;
  const params = test.query.params ?? [];
  if (expect.kind === 'error') {
    try {
      const r = await session.query(sql, params);
      return { passed: false, message: `expected ${expectedErrorText(expect)}, but the query succeeded with ${r.rowCount} row(s)` };
    } catch (err) {
      const code = (err as { code?: string }).code;
      const text = messageOf(err);
      const stateOk = !expect.sqlState || expect.sqlState === code;
      const textOk = !expect.message || text.toLowerCase().includes(expect.message.toLowerCase());
      return stateOk && textOk
        ? { passed: true }
        : { passed: false, message: `expected ${expectedErrorText(expect)}, got: ${serverMessage(err)}` };
    }
  }
  const keep = expect.kind === 'rows' ? Math.max(DISPLAY_ROWS, expect.rows.length + 1) : DISPLAY_ROWS;
  const countLimit =
    expect.kind === 'count' ? Math.max(COUNT_LIMIT, expect.count + 1) : expect.kind === 'rows' ? Math.max(COUNT_LIMIT, keep) : COUNT_LIMIT;
  const got: CollectedResult = { columns: [], rows: [], rowCount: 0, countCapped: false };
  // Streamed in chunks: a failing test that returns a million rows keeps only what the report shows.
  await streamRows(session, sql, params, sqlCursor, (rows, fields) => {
    got.columns = fields;
    for (const row of rows) {
      if (got.rows.length < keep) got.rows.push(fields.map((f) => cellText(row[f])));
    }
    got.rowCount += rows.length;
    if (got.rowCount >= countLimit) {
      got.countCapped = true;
      return false;
    }
    // A short chunk is the last one; stopping here also avoids reading a finished cursor again
    // (pg-cursor then answers without a result object).
    return rows.length < STREAM_CHUNK ? false : undefined;
  });
  return judge(expect, got);
}

// Counting a result stops here unless the expectation needs an exact larger count.
const COUNT_LIMIT = 100_000;

type Rows = Record<string, unknown>[];

/**
 * Rows in chunks of STREAM_CHUNK; `onRows` returns false to stop. A SQL cursor (valid on Redshift
 * too, r_DECLARE) needs a transaction block: one is opened around it when the test has none.
 */
async function streamRows(
  session: Session,
  sql: string,
  params: readonly unknown[],
  sqlCursor: boolean,
  onRows: (rows: Rows, fields: string[]) => boolean | undefined,
): Promise<void> {
  if (!sqlCursor) return session.stream<Record<string, unknown>>(sql, params, onRows, STREAM_CHUNK);
  if (leadingKeyword(sql) === 'CALL') {
    // A cursor cannot be declared for CALL; its result is one row at most (the INOUT/OUT arguments).
    const r = await session.query<Record<string, unknown>>(sql, params);
    onRows(r.rows, r.fields);
    return;
  }
  const ownTransaction = !session.inTransaction();
  if (ownTransaction) await session.query('BEGIN');
  await session.query(`DECLARE rsrun_test_cursor NO SCROLL CURSOR FOR ${sql}`, params);
  try {
    for (;;) {
      const chunk = await session.query(`FETCH FORWARD ${STREAM_CHUNK} FROM rsrun_test_cursor`);
      if (chunk.rows.length === 0 || onRows(chunk.rows, chunk.fields) === false) break;
    }
  } finally {
    if (session.inTransaction()) await session.query(ownTransaction ? 'ROLLBACK' : 'CLOSE rsrun_test_cursor').catch(() => undefined);
  }
}

const expectedErrorText = (e: { sqlState: string | undefined; message: string | undefined }) =>
  `an error${e.sqlState ? ` with SQLSTATE ${e.sqlState}` : ''}${e.message ? ` mentioning "${e.message}"` : ''}`;

/** `message: detail (SQLSTATE xxxxx)` of a server error, or the message of anything else. */
export function serverMessage(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const detail = (err as { detail?: unknown }).detail;
  return `${messageOf(err)}${typeof detail === 'string' && detail ? `: ${detail}` : ''}${typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? ` (SQLSTATE ${code})` : ''}`;
}

function rewrite(stmt: TestStatement, test: TestCase, options: Pick<ExecuteOptions, 'rewriter'>) {
  if (!options.rewriter) return [{ kind: 'sql' as const, sql: stmt.sql }];
  return options.rewriter.rewrite(stmt.sql, { file: test.file, line: stmt.line });
}
