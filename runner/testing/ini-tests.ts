/**
 * Tests declared in INI:
 *
 * 1. The seed sample's test cases, read unchanged: `[TESTSUITE_v01]` with `test0 = <query>` and
 *    `[RESULTS]` with `test0 = <expected first value>` (a `[RESULTS_v01]` section, when present,
 *    holds the results of `[TESTSUITE_v01]` alone).
 * 2. Generic column assertions for a table, generated as SQL that runs on Redshift:
 *
 *      [assert public.orders]
 *      row_count = 1..                                  (min..max, either end optional)
 *      not_null = order_id, customer_id
 *      unique = order_id
 *      accepted_values.status = new, paid, shipped, cancelled
 *      relationships.customer_id = public.customers.customer_id
 *      tags = integrity
 *
 *    Identifiers are quoted with `quoteIdent`; accepted values travel as bind parameters.
 */
import { InputError } from '../errors';
import { quoteIdent } from '../dialects/dialect';
import { splitSql } from '../migrations/split-sql';
import type { IniSection } from './config-ini';
import { testId, type TestCase, type TestStatement } from './model';

const TESTSUITE = /^TESTSUITE(_.*)?$/i;
const ASSERT = /^assert\s+(\S+)$/i;

/** Whether a section is one this module turns into tests. */
export function isTestSection(name: string): boolean {
  return TESTSUITE.test(name) || /^RESULTS(_.*)?$/i.test(name) || ASSERT.test(name);
}

export function testsFromIni(sections: IniSection[], file: string): TestCase[] {
  const out: TestCase[] = [];
  const byName = new Map(sections.map((s) => [s.name.toUpperCase(), s]));
  for (const section of sections) {
    const suiteMatch = TESTSUITE.exec(section.name);
    if (suiteMatch) {
      const results = byName.get(`RESULTS${(suiteMatch[1] ?? '').toUpperCase()}`) ?? byName.get('RESULTS');
      out.push(...seedSuite(section, results, file));
      continue;
    }
    const assertMatch = ASSERT.exec(section.name);
    if (assertMatch) out.push(...columnAssertions(section, assertMatch[1] as string, file));
  }
  return out;
}

function seedSuite(section: IniSection, results: IniSection | undefined, file: string): TestCase[] {
  const suite = `${file}[${section.name}]`;
  return section.entries.map((entry) => {
    const expected = results?.entries.find((r) => r.key === entry.key);
    if (!expected) {
      throw new InputError(`no expected result for ${entry.key} of [${section.name}]`, {
        file,
        line: entry.line,
        hint: `add \`${entry.key} = <expected first value>\` to [RESULTS]`,
      });
    }
    const statements = splitSql(entry.value, file).map<TestStatement>((s) => ({ sql: s.sql, line: entry.line }));
    const query = statements.at(-1);
    if (!query) throw new InputError(`${entry.key} of [${section.name}] has no query`, { file, line: entry.line });
    return {
      // The id stays `suite::testN` (shards, durations, --grep); the name says what the test checks.
      id: testId(suite, entry.key),
      suite,
      name: describeSeedTest(entry.key, query.sql, expected.value),
      file,
      line: entry.line,
      tags: [],
      fixtures: [],
      setup: statements.slice(0, -1),
      query,
      teardown: [],
      isolation: 'transaction',
      expect: { kind: 'scalar', value: /^null$/i.test(expected.value) ? null : expected.value },
      timeoutMs: undefined,
      skip: undefined,
    } satisfies TestCase;
  });
}

/** `test0: select count(*) from orders → 76000000`, the query on one line and shortened. */
function describeSeedTest(key: string, sql: string, expected: string): string {
  const oneLine = sql.replace(/\s+/g, ' ').trim();
  return `${key}: ${oneLine.length > 70 ? `${oneLine.slice(0, 69)}…` : oneLine} → ${expected}`;
}

/** `schema.table` or `table` → quoted, qualified name. */
export function quoteQualified(name: string): string {
  return name.split('.').map(quoteIdent).join('.');
}

const listOf = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function columnAssertions(section: IniSection, table: string, file: string): TestCase[] {
  const suite = `${file}[${section.name}]`;
  const t = quoteQualified(table);
  const tags = listOf(section.entries.find((e) => e.key === 'tags')?.value ?? '');
  const make = (name: string, line: number, sql: string, expect: TestCase['expect'], params?: string[]): TestCase => ({
    id: testId(suite, name),
    suite,
    name,
    file,
    line,
    tags,
    fixtures: [],
    setup: [],
    query: { sql, line, ...(params ? { params } : {}) },
    teardown: [],
    isolation: 'transaction',
    expect,
    timeoutMs: undefined,
    skip: undefined,
  });
  const out: TestCase[] = [];
  for (const { key, value, line } of section.entries) {
    const [rule = '', column] = key.split('.', 2).map((s) => s.trim());
    const bad = (hint: string): never => {
      throw new InputError(`cannot read assertion "${key} = ${value}" of [${section.name}]`, { file, line, hint });
    };
    switch (rule) {
      case 'tags':
        break;
      case 'not_null':
        for (const c of listOf(value)) {
          out.push(
            make(`not_null(${c})`, line, `SELECT COUNT(*) AS null_rows FROM ${t} WHERE ${quoteIdent(c)} IS NULL`, {
              kind: 'scalar',
              value: '0',
            }),
          );
        }
        break;
      case 'unique':
        for (const c of listOf(value)) {
          const q = quoteIdent(c);
          out.push(
            make(
              `unique(${c})`,
              line,
              `SELECT ${q}, COUNT(*) AS occurrences FROM ${t} WHERE ${q} IS NOT NULL GROUP BY ${q} HAVING COUNT(*) > 1`,
              { kind: 'empty' },
            ),
          );
        }
        break;
      case 'accepted_values': {
        if (!column) bad('write `accepted_values.<column> = a, b, c`');
        const values = listOf(value);
        if (values.length === 0) bad('list the accepted values, comma-separated');
        const q = quoteIdent(column as string);
        const placeholders = values.map((_, i) => `$${i + 1}`).join(', ');
        out.push(
          make(
            `accepted_values(${column})`,
            line,
            `SELECT ${q}, COUNT(*) AS occurrences FROM ${t} WHERE ${q} IS NOT NULL AND CAST(${q} AS VARCHAR) NOT IN (${placeholders}) GROUP BY ${q}`,
            { kind: 'empty' },
            values,
          ),
        );
        break;
      }
      case 'relationships': {
        const parts = value.trim().split('.');
        if (!column || parts.length < 2) bad('write `relationships.<column> = <schema.table>.<column>`');
        const parentColumn = quoteIdent(parts.at(-1) as string);
        const parent = quoteQualified(parts.slice(0, -1).join('.'));
        const q = quoteIdent(column as string);
        out.push(
          make(
            `relationships(${column} -> ${value.trim()})`,
            line,
            `SELECT child.${q}, COUNT(*) AS orphans FROM ${t} AS child LEFT JOIN ${parent} AS parent ON child.${q} = parent.${parentColumn} ` +
              `WHERE child.${q} IS NOT NULL AND parent.${parentColumn} IS NULL GROUP BY child.${q}`,
            { kind: 'empty' },
          ),
        );
        break;
      }
      case 'row_count': {
        const m = /^\s*(\d*)\s*\.\.\s*(\d*)\s*$/.exec(value);
        if (!m || (!m[1] && !m[2])) bad('write `row_count = min..max` (either end may be left out, e.g. `1..`)');
        const min = m?.[1] ? Number(m[1]) : undefined;
        const max = m?.[2] ? Number(m[2]) : undefined;
        out.push(make('row_count', line, `SELECT COUNT(*) AS row_count FROM ${t}`, { kind: 'between', min, max }));
        break;
      }
      default:
        bad('known assertions: not_null, unique, accepted_values.<column>, relationships.<column>, row_count, tags');
    }
  }
  return out;
}
