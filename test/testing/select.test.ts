import { expect } from 'chai';
import { InputError } from '../../runner/errors';
import { parseConfigIni } from '../../runner/testing/config-ini';
import { testsFromIni } from '../../runner/testing/ini-tests';
import type { TestCase } from '../../runner/testing/model';
import { filterTests, selectTests, shardTests } from '../../runner/testing/select';
import { parseSqlTests } from '../../runner/testing/sql-test-file';

const tc = (id: string, tags: string[] = []): TestCase => ({
  id,
  suite: id.split('::')[0] as string,
  name: id.split('::')[1] as string,
  file: 'f.sql',
  line: 1,
  tags,
  fixtures: [],
  setup: [],
  teardown: [],
  isolation: 'transaction',
  query: { sql: 'SELECT 1', line: 1 },
  expect: { kind: 'empty' },
  timeoutMs: undefined,
  skip: undefined,
});

// 23 tests with deliberately uneven names, shuffled.
const suite = Array.from({ length: 23 }, (_, i) => tc(`tests/s${i % 4}.sql::case ${String((i * 7) % 23).padStart(2, '0')}`)).reverse();

describe('shards', () => {
  for (const count of [1, 2, 3, 5, 23, 30]) {
    it(`by name, ${count} shard(s): union is the suite, no overlap, sizes differ by at most one`, () => {
      const shards = shardTests(suite, count);
      const ids = shards.flat().map((t) => t.id);
      expect(ids).to.have.length(suite.length);
      expect(new Set(ids)).to.deep.equal(new Set(suite.map((t) => t.id)));
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).to.be.at.most(1);
    });
  }

  it('is stable: the same suite in another order gives the same shards', () => {
    const a = shardTests(suite, 4).map((s) => s.map((t) => t.id));
    const b = shardTests([...suite].reverse(), 4).map((s) => s.map((t) => t.id));
    expect(a).to.deep.equal(b);
  });

  it('balances recorded durations: shards differ by less than the longest remaining test', () => {
    const durations = new Map(suite.map((t, i) => [t.id, i === 0 ? 9000 : 100 + i * 37]));
    const shards = shardTests(suite, 3, durations);
    expect(
      shards
        .flat()
        .map((t) => t.id)
        .sort(),
    ).to.deep.equal(suite.map((t) => t.id).sort());
    const load = shards.map((s) => s.reduce((sum, t) => sum + (durations.get(t.id) as number), 0));
    // The 9 s test alone is more than a third; the two other shards split the rest evenly.
    expect(Math.max(...load)).to.equal(9000);
    const rest = load.filter((l) => l !== 9000);
    const longestRest = Math.max(...[...durations.values()].filter((d) => d !== 9000));
    expect(Math.abs((rest[0] as number) - (rest[1] as number))).to.be.below(longestRest);
  });

  it('places tests without a recorded duration too (counted as the median)', () => {
    const durations = new Map(suite.slice(0, 10).map((t) => [t.id, 500]));
    const shards = shardTests(suite, 4, durations);
    expect(
      shards
        .flat()
        .map((t) => t.id)
        .sort(),
    ).to.deep.equal(suite.map((t) => t.id).sort());
    expect(shards.map((s) => s.length).sort()).to.deep.equal([5, 6, 6, 6]);
  });

  it('selectTests picks shard i of n after filtering', () => {
    const all = [tc('a::1', ['x']), tc('a::2'), tc('b::1', ['x']), tc('b::2', ['x'])];
    const shard1 = selectTests(all, { grep: undefined, tags: ['x'], shard: { index: 1, count: 2 } });
    const shard2 = selectTests(all, { grep: undefined, tags: ['x'], shard: { index: 2, count: 2 } });
    expect([...shard1, ...shard2].map((t) => t.id).sort()).to.deep.equal(['a::1', 'b::1', 'b::2']);
  });

  it('filters by name (case-insensitive regex) and tags', () => {
    const all = [tc('orders.sql::Totals', ['smoke']), tc('orders.sql::refunds'), tc('customers.sql::emails', ['smoke'])];
    expect(filterTests(all, { grep: 'totals|emails', tags: [] }).map((t) => t.id)).to.deep.equal([
      'orders.sql::Totals',
      'customers.sql::emails',
    ]);
    expect(filterTests(all, { grep: undefined, tags: ['smoke'] })).to.have.length(2);
    expect(() => filterTests(all, { grep: '(', tags: [] })).to.throw(InputError);
  });
});

describe('test file syntax errors name the file and line', () => {
  const parse = (text: string) => parseSqlTests(text, '/p/tests/x.sql', 'tests/x.sql');

  it('unknown directive', async () => {
    const err = await parse('-- rsrun:test a\n-- rsrun:expext count 1\nSELECT 1;\n').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(InputError);
    expect((err as InputError).describe()).to.match(/^tests\/x\.sql:2: unknown directive "-- rsrun:expext"/);
  });

  it('a test without a query', async () => {
    const err = await parse('-- rsrun:test empty one\n-- rsrun:expect count 1\n').catch((e: unknown) => e);
    expect((err as InputError).describe()).to.match(/^tests\/x\.sql:1: test "empty one" has no query/);
  });

  it('an assertion that is not a query (it would pass with zero rows on one engine and fail on another)', async () => {
    const err = await parse('-- rsrun:test writes\nSELECT 1;\n\nINSERT INTO t VALUES (1);\n').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(InputError);
    expect((err as InputError).describe()).to.match(/^tests\/x\.sql:4: the assertion of test "writes" is an INSERT statement, not a query/);
    // A statement that must fail may be anything; queries may open with comments or parentheses.
    const ok = await parse(
      '-- rsrun:test refused\n-- rsrun:expect error 23502\nINSERT INTO t VALUES (NULL);\n' +
        '-- rsrun:test wrapped\n/* why */ (SELECT 1);\n-- rsrun:test cte\nWITH a AS (SELECT 1) SELECT * FROM a;\n',
    );
    expect(ok.map((t) => t.name)).to.deep.equal(['refused', 'wrapped', 'cte']);
    // CALL returns the row of a procedure's INOUT/OUT arguments (r_CALL_procedure).
    expect((await parse('-- rsrun:expect count 1\nCALL p_inout(3);\n')).map((t) => t.name)).to.deep.equal(['x']);
  });

  it('an inline table with a ragged row', async () => {
    const err = await parse('-- rsrun:test t\n-- rsrun:expect rows\n-- | a | b |\n-- | 1 |\nSELECT 1, 2;\n').catch((e: unknown) => e);
    expect((err as InputError).describe()).to.match(/^tests\/x\.sql:4: row has 1 cells, the header has 2/);
  });

  it('a seed test without an expected result', () => {
    expect(() =>
      testsFromIni(parseConfigIni('[TESTSUITE_v01]\ntest0 = select 1;\ntest1 = select 2;\n[RESULTS]\ntest0 = 1\n', 't.ini'), 't.ini'),
    ).to.throw(InputError, 'no expected result for test1 of [TESTSUITE_v01]');
  });

  it('directive-like text inside a string literal is not a directive', async () => {
    const tests = await parse("-- rsrun:test t\nSELECT '\n-- rsrun:expect count 5\n' AS s WHERE false;\n");
    expect(tests).to.have.length(1);
    expect(tests[0]?.expect).to.deep.equal({ kind: 'empty' });
  });
});
