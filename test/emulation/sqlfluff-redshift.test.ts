/**
 * sqlfluff's Redshift dialect fixtures (test/fixtures/real-world/sqlfluff-redshift, SOURCE.md): 79
 * files of Redshift syntax written by people outside this project, statement by statement through
 * the emulation on both engines. The fixtures are parser tests, so most statements name tables
 * that do not exist: "relation does not exist" is an expected answer. What must not happen is a
 * raw PostgreSQL syntax error (SQLSTATE 42601) on Redshift syntax, a crash, or the two engines
 * answering differently.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { createRedshiftEmulation, LocalDirectoryStore } from '../../runner/dialects/redshift/emulation';
import { loadSqlTokenizer } from '../../runner/dialects/sql-tokens';
import { InputError, messageOf } from '../../runner/errors';
import { lintFiles, sourceFromText } from '../../runner/lint/lint';
import { splitSql } from '../../runner/migrations/split-sql';
import type { Session } from '../../runner/warehouse/warehouse';
import { describeEachEngine } from '../support/engines';

const DIR = path.join(__dirname, '..', 'fixtures', 'real-world', 'sqlfluff-redshift');

/**
 * Statements of the fixtures that Redshift itself would not accept (parser tests of sqlfluff's
 * grammar, which is more permissive than the cluster's): PostgreSQL's syntax error is the right answer.
 */
const NOT_REDSHIFT: Record<string, string> = {
  'select.sql:1': 'SUM(*) is not an aggregate call (r_SUM)',
  'select_exclude.sql:31': 'a trailing comma before FROM (r_SELECT_list)',
  'select_from_with_parenthesis.sql:3': 'a parenthesized table name is not a FROM item (r_FROM_clause30)',
  'select_lateral_column_alias.sql:1': '(1 as one) is not an expression (r_SELECT_list)',
};

type Outcome = 'applied' | 'skipped' | 'refused' | `error ${string}`;

/** Runs every fixture, each file in a schema of its own; the outcome of each statement by file:line. */
async function runFixtures(session: Session): Promise<Map<string, Outcome>> {
  const outcomes = new Map<string, Outcome>();
  const files = (await readdir(DIR)).filter((f) => f.endsWith('.sql')).sort();
  for (const [n, file] of files.entries()) {
    let notices = 0;
    const rewriter = createRedshiftEmulation({ s3Store: new LocalDirectoryStore(DIR), onNotice: () => notices++ });
    await rewriter.prepare(session);
    await session.query(`CREATE SCHEMA sqlfluff_${n}`);
    await session.query(`SET search_path TO sqlfluff_${n}, public`);
    for (const stmt of splitSql(await readFile(path.join(DIR, file), 'utf8'), file)) {
      outcomes.set(`${file}:${stmt.line}`, await runOne(session, rewriter, stmt.sql, file, stmt.line, () => notices));
    }
    // A file may end inside a transaction block (transactions.sql): it ends with the file.
    if (session.inTransaction()) await session.query('ROLLBACK');
    await session.query('RESET search_path');
  }
  return outcomes;
}

async function runOne(
  session: Session,
  rewriter: ReturnType<typeof createRedshiftEmulation>,
  sql: string,
  file: string,
  line: number,
  notices: () => number,
): Promise<Outcome> {
  const before = notices();
  try {
    const steps = rewriter.rewrite(sql, { file, line });
    // A database is the server's, not the test's: rewritten, never created or dropped here.
    if (/^\s*(create|drop|alter)\s+database\b/i.test(sql)) return steps.length === 0 ? 'skipped' : 'applied';
    for (const step of steps) {
      if (step.kind === 'sql') await session.query(step.sql);
      else await step.run(session);
    }
    return notices() > before ? 'skipped' : 'applied';
  } catch (err) {
    if (session.inTransaction()) await session.query('ROLLBACK');
    if (err instanceof InputError) return 'refused';
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string') throw new Error(`${file}:${line}: crashed: ${messageOf(err)}`, { cause: err });
    return `error ${code}`;
  }
}

const byEngine = new Map<string, Map<string, Outcome>>();

describeEachEngine('sqlfluff Redshift fixtures through the emulation', (db) =>
  // A describe of its own: its after hook releases the session before the engine's closes the pool.
  describe('statement by statement', () => {
    let session: Session;
    before(async () => {
      session = await db.warehouse({ emulateRedshift: true }).acquire();
    });
    after(async () => session?.release());

    it('gives no raw syntax error on Redshift syntax, and no crash', async function () {
      this.timeout(300_000);
      const outcomes = await runFixtures(session);
      byEngine.set(db.engine, outcomes);
      const syntaxErrors = [...outcomes].filter(([, o]) => o === 'error 42601').map(([at]) => at);
      expect(syntaxErrors).to.deep.equal(Object.keys(NOT_REDSHIFT));
      const counts = new Map<string, number>();
      for (const o of outcomes.values()) counts.set(o.split(' ')[0] as string, (counts.get(o.split(' ')[0] as string) ?? 0) + 1);
      console.log(`      ${outcomes.size} statements: ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ')}`);
      // Most fixtures run against tables they never create; still, some run for real, on both engines.
      expect(counts.get('applied') ?? 0).to.be.at.least(55);
      expect(counts.get('refused') ?? 0).to.be.at.least(90);
      // The engine that runs second compares with the first: both give every statement the same outcome.
      const [, first] = [...byEngine].find(([engine]) => engine !== db.engine) ?? [];
      if (first)
        expect([...outcomes].filter(([at, o]) => first.get(at) !== o).map(([at, o]) => `${at}: ${o} / ${first.get(at)}`)).to.deep.equal([]);
    });
  }),
);

describe('sqlfluff Redshift fixtures: the lint', () => {
  before(loadSqlTokenizer);

  // Statement by statement: the files are collections of examples, not migrations, so the rules
  // on a migration as a whole (RS102: a VACUUM with other statements) do not apply to them.
  it('the lint finds no error in any statement', async () => {
    const sources = [];
    for (const file of (await readdir(DIR)).filter((f) => f.endsWith('.sql')).sort()) {
      for (const stmt of splitSql(await readFile(path.join(DIR, file), 'utf8'), file)) {
        sources.push(sourceFromText(`${file}:${stmt.line}`, 'versioned', stmt.sql));
      }
    }
    const errors = (await lintFiles(sources)).filter((f) => f.severity === 'error').map((f) => `${f.file}:${f.line} ${f.rule}`);
    expect(errors).to.deep.equal([]);
  });
});
