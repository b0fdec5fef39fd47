/**
 * SQL assertion files (`*.sql` under the tests directory). The data-test convention: a query that
 * selects offending rows passes when it returns none. `-- rsrun:` directive comments refine it
 * (README "Writing tests"):
 *
 *   -- rsrun:tags orders                        (before the first test: applies to the whole file)
 *   -- rsrun:test every order has a customer
 *   SELECT o.order_id FROM orders o LEFT JOIN customers c USING (customer_id) WHERE c.customer_id IS NULL;
 *
 *   -- rsrun:test gen_orders adds rows
 *   -- rsrun:expect count 50
 *   CALL gen_orders('a@b.c', 50);              (statements before the last one are setup)
 *   SELECT * FROM orders WHERE email = 'a@b.c';
 *
 * Without any `-- rsrun:test` the file is one test named after the file.
 *
 * Tests whose SQL commits (TRUNCATE, a procedure that commits) cannot be rolled back; they declare
 * how they clean up instead (README "Tests that commit"):
 *
 *   -- rsrun:test merge moves staged rows
 *   -- rsrun:isolation none                    (or: database, a disposable database)
 *   -- rsrun:setup                             (statements until the next directive)
 *   INSERT INTO staging.products VALUES (1, 'a');
 *   -- rsrun:teardown                          (always runs, also after a failure)
 *   DELETE FROM public.products WHERE id = 1;
 *   -- rsrun:expect count 1
 *   CALL merge_staged_products();
 *   SELECT * FROM public.products WHERE id = 1;
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parseDuration } from '../config/values';
import { leadingKeyword } from '../dialects/leading-keyword';
import { InputError } from '../errors';
import { DIRECTIVE_PREFIX, readDirective, type Directive } from '../migrations/directives';
import { readSourceText } from '../migrations/source-text';
import { scanSql, type SqlComment } from '../migrations/split-sql';
import { ISOLATIONS, testId, type CsvFixture, type Expectation, type Isolation, type TestCase, type TestStatement } from './model';

interface Block {
  name: string | undefined;
  line: number;
  tags: string[];
  fixtures: CsvFixture[];
  /** `-- rsrun:setup` statements. */
  setup: TestStatement[];
  /** The test's own statements; the last is the assertion. */
  statements: TestStatement[];
  teardown: TestStatement[];
  /** Where the next statement goes: a setup/teardown section lasts until the next directive. */
  section: 'setup' | 'body' | 'teardown';
  isolation: Isolation | undefined;
  expect: Expectation | undefined;
  timeoutMs: number | undefined;
  skip: string | undefined;
}

const newBlock = (name: string | undefined, line: number): Block => ({
  name,
  line,
  tags: [],
  fixtures: [],
  setup: [],
  statements: [],
  teardown: [],
  section: 'body',
  isolation: undefined,
  expect: undefined,
  timeoutMs: undefined,
  skip: undefined,
});

/**
 * Parses one SQL test file. `absFile` is used to resolve CSV paths (relative to the file's folder);
 * `relFile` (project-relative) names the suite and appears in messages.
 */
export async function parseSqlTestFile(absFile: string, relFile: string): Promise<TestCase[]> {
  // The migrations' reader: synchronous (several times faster for hundreds of small files), and it
  // refuses invalid UTF-8 and NUL bytes naming the file and line, as for a migration.
  return parseSqlTests(readSourceText(absFile), absFile, relFile);
}

export async function parseSqlTests(text: string, absFile: string, relFile: string): Promise<TestCase[]> {
  const scanned = scanSql(text, relFile);
  const fileBlock = newBlock(undefined, 1);
  const blocks: Block[] = [];
  const lines = scanned.text.split('\n');
  const fail = (line: number, message: string, hint?: string): never => {
    throw new InputError(message, { file: relFile, line, hint: hint ?? 'see README "Writing tests" for the directive syntax' });
  };
  // Directives and statements interleave; walk both in line order, attaching to the current block.
  const directives = scanned.comments.filter((c) => c.kind === 'line' && c.text.startsWith(DIRECTIVE_PREFIX));
  const events: ({ kind: 'directive'; at: number; comment: SqlComment } | { kind: 'statement'; at: number; stmt: TestStatement })[] = [
    ...directives.map((comment) => ({ kind: 'directive' as const, at: comment.line, comment })),
    ...scanned.statements.map((s) => ({ kind: 'statement' as const, at: s.line, stmt: { sql: s.sql, line: s.line } })),
  ].sort((a, b) => a.at - b.at || (a.kind === 'directive' ? -1 : 1));

  let current = fileBlock;
  for (const ev of events) {
    if (ev.kind === 'statement') {
      (current.section === 'setup' ? current.setup : current.section === 'teardown' ? current.teardown : current.statements).push(ev.stmt);
      continue;
    }
    const { line } = ev.comment;
    const { name: word, args: rest } = readDirective(ev.comment) as Directive;
    const restWords = rest.split(/\s+/).filter(Boolean);
    current.section = 'body';
    switch (word.toLowerCase()) {
      case 'test':
        if (!rest) fail(line, '`-- rsrun:test` needs a name', 'write `-- rsrun:test <name>`');
        if (blocks.some((b) => b.name === rest)) fail(line, `duplicate test name "${rest}" in this file`);
        current = newBlock(rest, line);
        blocks.push(current);
        break;
      case 'expect':
        if (current.expect) fail(line, 'a test has one `-- rsrun:expect`; start another test with `-- rsrun:test <name>`');
        current.expect = await parseExpect(rest, line, lines, absFile, relFile, fail);
        break;
      default:
        applySetting(current, { word, rest, restWords, line, absFile, relFile }, fail);
    }
  }
  return toTestCases(blocks, fileBlock, relFile, fail);
}

interface Setting {
  word: string;
  rest: string;
  restWords: string[];
  line: number;
  absFile: string;
  relFile: string;
}

type Fail = (line: number, message: string, hint?: string) => never;

/** The directives that set something on the current test (or on the whole file before the first test). */
function applySetting(current: Block, d: Setting, fail: Fail): void {
  const { word, rest, restWords, line } = d;
  switch (word.toLowerCase()) {
    case 'tags':
    case 'tag':
      current.tags.push(...rest.split(/[\s,]+/).filter(Boolean));
      return;
    case 'fixture': {
      const [table, file] = restWords;
      if (!table || !file || restWords.length !== 2)
        fail(line, '`-- rsrun:fixture` needs a table and a CSV file', 'write `-- rsrun:fixture schema.table ../seeds/file.csv`');
      current.fixtures.push({
        table,
        file: path.resolve(path.dirname(d.absFile), file),
        declaredAt: { file: d.relFile, line },
      });
      return;
    }
    case 'timeout':
      current.timeoutMs = parseDuration(rest, { key: '-- rsrun:timeout', source: `${d.relFile}:${line}`, file: d.relFile, line });
      return;
    case 'skip':
      current.skip = rest || 'skipped';
      return;
    case 'setup':
    case 'teardown':
      if (rest) fail(line, `\`-- rsrun:${word}\` takes no value`, `put the ${word} statements on the lines after it`);
      current.section = word.toLowerCase() as 'setup' | 'teardown';
      return;
    case 'isolation':
      if (!ISOLATIONS.includes(rest.toLowerCase() as Isolation))
        fail(
          line,
          `unknown isolation "${rest}"`,
          'write `-- rsrun:isolation transaction` (the default), `none` (with -- rsrun:setup / -- rsrun:teardown) or `database`',
        );
      current.isolation = rest.toLowerCase() as Isolation;
      return;
    default:
      fail(line, `unknown directive "-- rsrun:${word}"`, 'known: test, expect, tags, fixture, timeout, skip, isolation, setup, teardown');
  }
}

/** One TestCase per `-- rsrun:test` block, or one for the whole file; file-level settings apply to each. */
function toTestCases(blocks: Block[], fileBlock: Block, relFile: string, fail: Fail): TestCase[] {
  const suite = relFile.split(path.sep).join('/');
  const defaultName = path.basename(relFile, path.extname(relFile));
  const fileLevel = blocks.length > 0;
  const units: Block[] = fileLevel ? blocks : [{ ...fileBlock, name: defaultName }];
  return units.map((b) => {
    const stmts = b.statements;
    const query = stmts.at(-1);
    if (!query) fail(b.line, `test "${b.name}" has no query`, 'the last statement of a test is its assertion query');
    const expectation = b.expect ?? { kind: 'empty' as const };
    const head = leadingKeyword(query.sql);
    // Rows are read through a cursor on single-backend engines and a portal elsewhere: a statement
    // that is not a query fails on the first and passes with zero rows on the second. Refuse it here.
    if (expectation.kind !== 'error' && !QUERY_KEYWORDS.has(head))
      fail(
        query.line,
        `the assertion of test "${b.name}" is ${head ? `${/^[AEIOU]/.test(head) ? 'an' : 'a'} ${head} statement` : 'not a statement'}, not a query: it returns no rows to check`,
        'end the test with a SELECT that checks the effect (statements before it are its setup), or use `-- rsrun:expect error` for a statement that must fail',
      );
    const shared = fileLevel ? fileBlock : newBlock(undefined, 1);
    return {
      id: testId(suite, b.name as string),
      suite,
      name: b.name as string,
      file: suite,
      line: query.line,
      tags: [...new Set([...shared.tags, ...b.tags])],
      fixtures: [...shared.fixtures, ...b.fixtures],
      setup: [...shared.setup, ...b.setup, ...shared.statements, ...stmts.slice(0, -1)],
      query,
      teardown: [...b.teardown, ...shared.teardown],
      isolation: b.isolation ?? shared.isolation ?? 'transaction',
      expect: expectation,
      timeoutMs: b.timeoutMs ?? shared.timeoutMs,
      skip: b.skip ?? shared.skip,
    } satisfies TestCase;
  });
}

async function parseExpect(
  spec: string,
  line: number,
  lines: string[],
  absFile: string,
  relFile: string,
  fail: (line: number, message: string, hint?: string) => never,
): Promise<Expectation> {
  const [kind = '', ...args] = spec.split(/\s+/);
  const rest = spec.slice(kind.length).trim();
  switch (kind.toLowerCase()) {
    case 'empty':
    case 'no':
      return { kind: 'empty' };
    case 'count': {
      const n = Number(rest);
      if (!Number.isInteger(n) || n < 0) fail(line, `bad row count "${rest}"`, 'write `-- rsrun:expect count 50`');
      return { kind: 'count', count: n };
    }
    case 'scalar':
    case 'value':
      if (!rest) fail(line, '`expect scalar` needs a value', 'write `-- rsrun:expect scalar 42` (or NULL)');
      return { kind: 'scalar', value: unquote(rest) };
    case 'between': {
      const [lo, hi] = args.map((a) => (a === '*' ? undefined : Number(a)));
      if (args.length !== 2 || [lo, hi].some((v) => v !== undefined && !Number.isFinite(v)) || (lo === undefined && hi === undefined)) {
        fail(line, `bad range "${rest}"`, 'write `-- rsrun:expect between 1 100` (`*` for an open end)');
      }
      return { kind: 'between', min: lo, max: hi };
    }
    case 'rows': {
      const ordered = args.includes('ordered');
      const table = readInlineTable(lines, line);
      if (table.length < 1)
        fail(
          line,
          '`expect rows` needs a table on the following comment lines',
          'write `-- | col | col |` then one `-- | v | v |` per row',
        );
      const [columns = [], ...rows] = table;
      rows.forEach((r, i) => {
        if (r.length !== columns.length) fail(line + 2 + i, `row has ${r.length} cells, the header has ${columns.length}`);
      });
      return { kind: 'rows', columns: columns.map((c) => c ?? ''), rows, ordered, source: 'inline table' };
    }
    case 'csv': {
      const [file, ...flags] = args;
      if (!file) fail(line, '`expect csv` needs a file', 'write `-- rsrun:expect csv expected/top_customers.csv`');
      const csvPath = path.resolve(path.dirname(absFile), file);
      let content: string;
      try {
        content = await readFile(csvPath, 'utf8');
      } catch (err) {
        throw new InputError(`cannot read expected rows ${file}: ${missingOrUnreadable(err)}`, {
          file: relFile,
          line,
          cause: err,
          hint: `CSV paths are relative to the test file (looked for ${csvPath})`,
        });
      }
      const [columns = [], ...rows] = parseCsvCells(content, csvPath, { file: relFile, line });
      return {
        kind: 'rows',
        columns: columns.map((c) => c ?? ''),
        rows,
        ordered: flags.includes('ordered'),
        source: path.basename(csvPath),
      };
    }
    case 'error': {
      const m = /^(?:([0-9A-Z]{5})\b)?\s*(.*)$/.exec(rest);
      const sqlState = m?.[1];
      const message = m?.[2] ? (unquote(m[2]) ?? undefined) : undefined;
      return { kind: 'error', sqlState, message };
    }
    default:
      return fail(
        line,
        `unknown expectation "${kind}"`,
        'known: empty, count N, scalar V, between A B, rows, csv FILE, error [SQLSTATE] ["text"]',
      );
  }
}

/** `-- | a | b |` lines right after the directive at `line` (1-based). */
function readInlineTable(lines: string[], line: number): (string | null)[][] {
  const out: (string | null)[][] = [];
  for (let i = line; i < lines.length; i++) {
    const m = /^\s*--\s*(\|.*)$/.exec(lines[i] ?? '');
    if (!m) break;
    const cells = (m[1] as string)
      .trim()
      .replace(/^\|/, '')
      .replace(/\|$/, '')
      .split('|')
      .map((c) => c.trim());
    // A markdown separator row (`|---|---|`) is decoration.
    if (cells.every((c) => /^:?-{3,}:?$/.test(c))) continue;
    out.push(out.length === 0 ? cells : cells.map((c) => (c.toUpperCase() === 'NULL' ? null : c)));
  }
  return out;
}

/**
 * CSV cells; an empty unquoted field is NULL, `""` is the empty string. `usedAt` names the test
 * file and line that refer to the CSV, so a malformed file is reported where it is used.
 */
export function parseCsvCells(content: string, file: string, usedAt?: { file: string; line: number }): (string | null)[][] {
  try {
    return parseCsv(content, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      cast: (value, ctx) => (!ctx.quoting && value === '' ? null : value),
    });
  } catch (err) {
    const message = `malformed CSV ${file}: ${(err as Error).message}`;
    throw new InputError(message, { ...(usedAt ?? { file }), cause: err, hint: 'every row needs as many fields as the header' });
  }
}

/** Why a file could not be read, in words. */
export function missingOrUnreadable(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
}

function unquote(v: string): string | null {
  const t = v.trim();
  if (/^null$/i.test(t)) return null;
  const m = /^(['"])(.*)\1$/.exec(t);
  return m ? (m[2] as string) : t;
}

/**
 * Statements that return rows: what an assertion other than `expect error` must be. CALL returns
 * the row of a procedure's INOUT/OUT arguments (r_CALL_procedure).
 */
const QUERY_KEYWORDS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE', 'SHOW', 'CALL']);
