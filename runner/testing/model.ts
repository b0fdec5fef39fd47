/**
 * What a discovered test is, whatever file format it came from. Parsers (SQL assertion files,
 * the seed sample's INI test cases, INI column assertions) produce `TestCase`s; the executor only
 * knows this shape.
 */

/** One SQL statement of a test, with where it came from for messages. */
export interface TestStatement {
  sql: string;
  /** 1-based line in `TestCase.file` (0 for generated SQL). */
  line: number;
  /** Bind parameters ($1, $2, ...), for generated assertions; never interpolated. */
  params?: string[];
}

/** A CSV file loaded into a table inside the test's transaction before its statements run. */
export interface CsvFixture {
  /** Table name as written (`schema.table` or `table`). */
  table: string;
  /** Absolute path of the CSV file; its header row names the columns. */
  file: string;
  /** The `-- rsrun:fixture` line that declares it, for messages. */
  declaredAt: { file: string; line: number };
}

export type Expectation =
  /** The data-test convention: the query selects offending rows, so zero rows pass. */
  | { kind: 'empty' }
  | { kind: 'count'; count: number }
  /** First column of the first row, compared as text (numbers numerically); null = SQL NULL. */
  | { kind: 'scalar'; value: string | null }
  /** First column of the first row is a number within [min, max]. */
  | { kind: 'between'; min: number | undefined; max: number | undefined }
  /** Exact rows (as a multiset unless `ordered`), given inline or from a CSV file. */
  | { kind: 'rows'; columns: string[]; rows: (string | null)[][]; ordered: boolean; source: string }
  /** The query must fail with this SQLSTATE and/or a message containing this text. */
  | { kind: 'error'; sqlState: string | undefined; message: string | undefined };

/**
 * How a test is kept from changing the warehouse:
 * - `transaction` (default): everything runs in one transaction that is rolled back; statements that
 *   commit (TRUNCATE on Redshift) or refuse a transaction block are refused before anything runs;
 * - `none`: no transaction; `-- rsrun:setup` statements run first, `-- rsrun:teardown` statements
 *   always run last (also after a failure), and the test runs alone;
 * - `database`: a disposable database the runner creates (with the project's migrations when the
 *   command provides them), runs the test in as under `none`, and drops.
 */
export type Isolation = 'transaction' | 'none' | 'database';

export const ISOLATIONS: readonly Isolation[] = ['transaction', 'none', 'database'];

export interface TestCase {
  /** `<suite>::<name>`: stable across runs, used for shards, durations and report order. */
  id: string;
  suite: string;
  name: string;
  /** Project-relative path of the file that declares the test. */
  file: string;
  line: number;
  tags: string[];
  fixtures: CsvFixture[];
  /** Statements run before the assertion (`-- rsrun:setup` sections first), in the test's transaction if it has one. */
  setup: TestStatement[];
  query: TestStatement;
  /** `-- rsrun:teardown` statements: run after the test whatever happened. */
  teardown: TestStatement[];
  isolation: Isolation;
  expect: Expectation;
  /** Overrides the run's per-test timeout. */
  timeoutMs: number | undefined;
  /** When set the test is reported as skipped with this reason. */
  skip: string | undefined;
}

export function testId(suite: string, name: string): string {
  return `${suite}::${name}`;
}

/** Human summary of an expectation, for reports ("expected 0 rows", "expected error 23505"). */
export function describeExpectation(e: Expectation): string {
  switch (e.kind) {
    case 'empty':
      return 'no rows';
    case 'count':
      return `${e.count} row${e.count === 1 ? '' : 's'}`;
    case 'scalar':
      return `value ${e.value === null ? 'NULL' : JSON.stringify(e.value)}`;
    case 'between':
      return `a value ${e.min !== undefined && e.max !== undefined ? `between ${e.min} and ${e.max}` : e.min !== undefined ? `>= ${e.min}` : `<= ${e.max}`}`;
    case 'rows':
      return `${e.rows.length} row${e.rows.length === 1 ? '' : 's'} from ${e.source}${e.ordered ? ' in order' : ''}`;
    case 'error':
      return `an error${e.sqlState ? ` with SQLSTATE ${e.sqlState}` : ''}${e.message ? ` mentioning ${JSON.stringify(e.message)}` : ''}`;
  }
}
