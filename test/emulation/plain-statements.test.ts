/**
 * The emulation's pre-check (plain-statements.ts): a statement it passes skips the tokenizer, so
 * it must be one the full rewrite leaves exactly as it is. Checked on hand-picked statements and on
 * a generated corpus that mixes in every name and constant the full rewrite does change or refuse.
 */
import { expect } from 'chai';
import { LocalDirectoryStore } from '../../runner/dialects/redshift/emulation';
import { needsNoRewrite } from '../../runner/dialects/redshift/emulation/plain-statements';
import { rewriteInFull, rewriteStatement, type RewriteEnvironment } from '../../runner/dialects/redshift/emulation/rewrite-statement';
import { SessionSettings } from '../../runner/dialects/redshift/emulation/session-settings';
import { loadSqlTokenizer } from '../../runner/dialects/sql-tokens';

const where = { file: 'V1__seed.sql', line: 1 };
const env = (): RewriteEnvironment => ({
  store: new LocalDirectoryStore('/nonexistent'),
  loadWith: 'copy',
  settings: new SessionSettings(),
  notice: () => undefined,
});

const PLAIN = [
  'insert into t values (1)',
  "INSERT INTO public.bench_big (id, payload) VALUES (1, 'payload 1 xxxxxxxx')",
  "insert into s.t(a,b) values (-1, 2.50), (null, 'it''s'), (true, false)",
  'insert\ninto t\n(a)\nvalues\n(1),\n(2)',
  "insert into t values ('é ü ✓', ';')",
  `insert into t (id, v) values ${Array.from({ length: 2000 }, (_, i) => `(${i}, 'row ${i}')`).join(',\n')}`,
];

const NOT_PLAIN = [
  'insert into stv_sessions values (1)',
  'insert into pg_catalog.t values (1)',
  'insert into svv_table_info values (1)',
  'insert into t (procpid) values (1)',
  "insert into t values ('a\\'b')",
  "insert into t values ('a\\\\b')",
  'insert into "T" values (1)',
  'insert into t values (1::int)',
  'insert into t values (getdate())',
  'insert into t values (1) -- trailing comment',
  'insert into t /* c */ values (1)',
  'insert into t values (1) returning a',
  'insert into t values (1) on conflict do nothing',
  'insert into t select 1',
  "insert into t values ('a' || 'b')",
  'insert into t values (1e5)',
  'insert into t values (+1)',
  'insert into t values (default)',
  "insert into t values (E'x')",
  'insert into t values ($1)',
  'update t set a = 1',
  'insert into 1t values (1)',
];

/** A small deterministic generator (no Math.random: the same corpus every run). */
function* generated(count: number): Generator<string> {
  const names = ['t', 'public.t', 'stl_query', 'svv_tables', 'pg_class', 'pg_catalog.t', 'information_schema.x', 'T_Mixed', '"Quoted"'];
  const columns = ['a', 'procpid', 'current_query', 'reldiststyle', 'Payload', '"Q"', 'oid'];
  const constants = [
    '1',
    '-2',
    '3.25',
    'null',
    'TRUE',
    "'x'",
    "'it''s'",
    "'a\\nb'",
    '1e3',
    "'ü'",
    'now()',
    '1::int',
    "'a'||'b'",
    'default',
  ];
  let seed = 7;
  const pick = <T>(xs: readonly T[]): T => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return xs[seed % xs.length] as T;
  };
  for (let i = 0; i < count; i++) {
    const cols = i % 3 === 0 ? '' : ` (${pick(columns)}, ${pick(columns)})`;
    const rows = Array.from({ length: 1 + (i % 3) }, () => `(${pick(constants)}, ${pick(constants)})`).join(', ');
    yield `insert into ${pick(names)}${cols} values ${rows}`;
  }
}

describe('emulation pre-check: statements that need no rewrite', () => {
  before(() => loadSqlTokenizer());

  it('passes plain INSERT ... VALUES of constants, and the full rewrite leaves each as it is', () => {
    for (const sql of PLAIN) {
      expect(needsNoRewrite(sql), sql).to.equal(true);
      expect(rewriteInFull(sql, where, env()), sql).to.deep.equal([{ kind: 'sql', sql }]);
      expect(rewriteStatement(sql, where, env()), sql).to.deep.equal([{ kind: 'sql', sql }]);
    }
  });

  it('sends everything else through the full rewrite', () => {
    for (const sql of NOT_PLAIN) expect(needsNoRewrite(sql), sql).to.equal(false);
  });

  it('on a generated corpus, every statement it passes comes out of the full rewrite unchanged', () => {
    let passed = 0;
    for (const sql of generated(3000)) {
      if (!needsNoRewrite(sql)) continue;
      passed++;
      expect(rewriteInFull(sql, where, env()), sql).to.deep.equal([{ kind: 'sql', sql }]);
    }
    // The corpus exercises both sides: some pass, most do not.
    expect(passed).to.be.within(50, 2500);
  });

  it('still refuses a statement over 16 MB before the pre-check', () => {
    const big = `insert into t values ${Array.from({ length: 1_800_000 }, (_, i) => `(${i + 1_000_000})`).join(',')}`;
    expect(Buffer.byteLength(big)).to.be.greaterThan(16 * 1024 * 1024);
    expect(() => rewriteStatement(big, where, env())).to.throw(/over Redshift's 16 MB limit/);
  });
});
