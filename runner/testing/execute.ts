/**
 * Runs one test on one session: BEGIN, CSV fixtures, setup statements, the assertion, ROLLBACK.
 * Everything the test changed is rolled back; when a statement commits on its own (TRUNCATE on
 * Redshift, a COMMIT inside a procedure) the outcome says isolation was broken.
 */
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import type { DialectAdapter } from '../dialects/dialect';
import type { StatementRewriter } from '../dialects/rewriter';
import { messageOf } from '../errors';
import type { TableData, TestStatus } from '../events';
import type { Session } from '../warehouse/warehouse';
import { cellText, judge, type CollectedResult, DISPLAY_ROWS } from './compare';
import { quoteQualified } from './ini-tests';
import type { CsvFixture, TestCase, TestStatement } from './model';
import { parseCsvCells } from './sql-test-file';

export interface ExecuteOptions {
  dialect: DialectAdapter;
  /** Statements pass through it when the environment emulates Redshift. */
  rewriter: StatementRewriter | undefined;
  /** COPY ... FROM STDIN works on this connection (not on the embedded socket server, not on Redshift). */
  copyFromStdin: boolean;
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
}

/** A failure while preparing the test (fixture, setup): the test errors, it does not fail. */
class SetupFailure extends Error {}

// Counting a result stops here unless the expectation needs an exact larger count.
const COUNT_LIMIT = 100_000;
// Redshift and PostgreSQL accept at most 32767 / 65535 bind parameters per statement.
const MAX_PARAMS = 30_000;
const STREAM_CHUNK = 1000;

export async function executeTest(session: Session, test: TestCase, options: ExecuteOptions): Promise<ExecutionResult> {
  const notes: string[] = [];
  let isolationBroken = false;
  const shownSql = [...test.setup, test.query].map((s) => `${s.sql};`).join('\n\n');

  const run = async (stmt: TestStatement, what: string): Promise<void> => {
    for (const step of rewrite(stmt, test, options)) {
      if (step.kind === 'action') {
        await step.run(session);
        continue;
      }
      await guardTransaction(step.sql);
      try {
        await session.query(step.sql, stmt.params);
      } catch (err) {
        throw new SetupFailure(`${what} at ${test.file}:${stmt.line} failed: ${serverMessage(err)}`, { cause: err });
      }
      await checkStillInTransaction();
    }
  };
  const guardTransaction = async (sql: string) => {
    const refused = options.dialect.nonTransactional(sql);
    if (refused) {
      throw new SetupFailure(
        `${refused.command} cannot run inside the test's transaction (${refused.source}); tests roll back everything they do, so move it to a migration`,
      );
    }
    const commits = options.dialect.commitsImplicitly(sql);
    if (commits) {
      isolationBroken = true;
      notes.push(
        `isolation broken: ${commits.command} commits the transaction it runs in (${commits.source}), so changes made before it were kept`,
      );
    }
  };
  const checkStillInTransaction = async () => {
    if (session.inTransaction()) return;
    isolationBroken = true;
    notes.push('isolation broken: a statement ended the test transaction (e.g. COMMIT inside a procedure), so its changes were kept');
    await session.query('BEGIN');
  };

  // A previous test's transaction left open (deferRollback) ends in the same round trip.
  if (session.inTransaction()) await session.batch('ROLLBACK;\nBEGIN');
  else await session.query('BEGIN');
  try {
    for (const f of test.fixtures)
      await loadFixture(session, f, options).catch((err: unknown) => {
        throw new SetupFailure(`fixture ${f.file} into ${f.table} failed: ${serverMessage(err)}`, { cause: err });
      });
    for (const s of test.setup) await run(s, 'setup statement');

    const steps = rewrite(test.query, test, options);
    const last = steps.pop();
    for (const step of steps) {
      if (step.kind === 'action') await step.run(session);
      else await run({ sql: step.sql, line: test.query.line }, 'statement');
    }
    if (!last || last.kind !== 'sql') throw new SetupFailure(`the assertion at ${test.file}:${test.query.line} must be a query`);
    await guardTransaction(last.sql);
    const verdict = await assertQuery(session, test, last.sql, options.sqlCursor);
    if (test.expect.kind !== 'error') await checkStillInTransaction();
    const message = [verdict.message, ...notes].filter(Boolean).join('\n') || undefined;
    return {
      status: verdict.passed ? 'passed' : 'failed',
      sql: shownSql,
      ...(message ? { message } : {}),
      ...(verdict.expected ? { expected: verdict.expected } : {}),
      ...(verdict.actual ? { actual: verdict.actual } : {}),
      // Set by the session's error callbacks, which TypeScript's narrowing does not see.
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      ...(isolationBroken ? { isolationBroken } : {}),
    };
  } catch (err) {
    const message = [err instanceof SetupFailure ? err.message : `error: ${serverMessage(err)}`, ...notes].join('\n');
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by callbacks (see above)
    return { status: 'error', sql: shownSql, message, ...(isolationBroken ? { isolationBroken } : {}) };
  } finally {
    if (!options.deferRollback && session.inTransaction()) await session.query('ROLLBACK');
  }
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

type Rows = Record<string, unknown>[];

/**
 * Rows in chunks of STREAM_CHUNK; `onRows` returns false to stop. The test transaction is open, so
 * a SQL cursor (valid on Redshift too, r_DECLARE) lives until the ROLLBACK at the latest.
 */
async function streamRows(
  session: Session,
  sql: string,
  params: readonly unknown[],
  sqlCursor: boolean,
  onRows: (rows: Rows, fields: string[]) => boolean | undefined,
): Promise<void> {
  if (!sqlCursor) return session.stream<Record<string, unknown>>(sql, params, onRows, STREAM_CHUNK);
  await session.query(`DECLARE rsrun_test_cursor NO SCROLL CURSOR FOR ${sql}`, params);
  try {
    for (;;) {
      const chunk = await session.query(`FETCH FORWARD ${STREAM_CHUNK} FROM rsrun_test_cursor`);
      if (chunk.rows.length === 0 || onRows(chunk.rows, chunk.fields) === false) break;
    }
  } finally {
    if (session.inTransaction()) await session.query('CLOSE rsrun_test_cursor').catch(() => undefined);
  }
}

const expectedErrorText = (e: { sqlState: string | undefined; message: string | undefined }) =>
  `an error${e.sqlState ? ` with SQLSTATE ${e.sqlState}` : ''}${e.message ? ` mentioning "${e.message}"` : ''}`;

/** `message (SQLSTATE xxxxx)` of a server error, or the message of anything else. */
export function serverMessage(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  return `${messageOf(err)}${typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? ` (SQLSTATE ${code})` : ''}`;
}

function rewrite(stmt: TestStatement, test: TestCase, options: ExecuteOptions) {
  if (!options.rewriter) return [{ kind: 'sql' as const, sql: stmt.sql }];
  return options.rewriter.rewrite(stmt.sql, { file: test.file, line: stmt.line });
}

/**
 * Loads a CSV (header row = column names) into a table inside the test transaction: through
 * COPY FROM STDIN where the connection supports it, else as multi-row INSERTs with bind parameters
 * (valid on Redshift too).
 */
async function loadFixture(session: Session, fixture: CsvFixture, options: ExecuteOptions): Promise<number> {
  const header = await readCsvHeader(fixture.file);
  const columns = header.map((c) => options.dialect.quoteIdent(c)).join(', ');
  const table = quoteQualified(fixture.table);
  if (options.copyFromStdin) {
    return session.copyFrom(`COPY ${table} (${columns}) FROM STDIN WITH (FORMAT csv, HEADER true)`, createReadStream(fixture.file));
  }
  const [, ...rows] = parseCsvCells(await readFile(fixture.file, 'utf8'), fixture.file);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / header.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const batch = rows.slice(i, i + perStatement);
    const values = batch.map((_, r) => `(${header.map((__, c) => `$${r * header.length + c + 1}`).join(', ')})`).join(', ');
    await session.query(`INSERT INTO ${table} (${columns}) VALUES ${values}`, batch.flat());
  }
  return rows.length;
}

async function readCsvHeader(file: string): Promise<string[]> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- csv-parse's typed overload wants `columns`
    const [header] = parseCsv(buf.subarray(0, bytesRead).toString('utf8'), { bom: true, to_line: 1 }) as string[][];
    if (!header || header.length === 0) throw new Error(`${file} has no header row`);
    return header;
  } finally {
    await fh.close();
  }
}
