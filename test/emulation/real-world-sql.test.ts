/**
 * Public Redshift SQL beyond the shared corpus (test/fixtures/real-world/*, sources in each
 * SOURCE.md), applied statement by statement through the emulation on both engines: every
 * statement applies, is skipped with a notice, or is refused by name, and the outcome is the same
 * on both engines.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { createRedshiftEmulation, LocalDirectoryStore } from '../../runner/dialects/redshift/emulation';
import { InputError, messageOf } from '../../runner/errors';
import { splitSql } from '../../runner/migrations/split-sql';
import type { Session } from '../../runner/warehouse/warehouse';
import { describeEachEngine } from '../support/engines';

const REAL_WORLD = path.join(__dirname, '..', 'fixtures', 'real-world');
const QUERY_PATTERNS = path.join(REAL_WORLD, 'aws-query-patterns');
const UDFS = path.join(REAL_WORLD, 'aws-redshift-udfs');

type Rewriter = ReturnType<typeof createRedshiftEmulation>;

/** Applies one file statement by statement; returns how many applied and the refusals by file:line. */
async function applyFile(rewriter: Rewriter, session: Session, dir: string, file: string) {
  const refused: string[] = [];
  let applied = 0;
  for (const stmt of splitSql(await readFile(path.join(dir, file), 'utf8'), file)) {
    let steps;
    try {
      steps = rewriter.rewrite(stmt.sql, { file, line: stmt.line });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      refused.push(`${err.file}:${err.line}: ${messageOf(err)}`);
      continue;
    }
    for (const step of steps) {
      if (step.kind === 'sql') await session.query(step.sql);
      else await step.run(session);
    }
    applied++;
  }
  return { applied, refused };
}

describeEachEngine('real-world Redshift SQL through the emulation', (db) => {
  (describe('aws-samples/amazon-redshift-query-patterns-and-optimizations', () => {
    let session: Session;
    before(async () => {
      session = await db.warehouse({ emulateRedshift: true }).acquire();
    });
    after(async () => session?.release());

    it('applies the schema setup and the query patterns; only the STV_SLICES query is refused, by name', async () => {
      const notices: string[] = [];
      const refused: string[] = [];
      const rewriter = createRedshiftEmulation({ s3Store: new LocalDirectoryStore('/nonexistent'), onNotice: (m) => notices.push(m) });
      await rewriter.prepare(session);
      let applied = 0;
      for (const file of ['V1__schema_setup.sql', 'V2__query_patterns_optimization.sql']) {
        const outcome = await applyFile(rewriter, session, QUERY_PATTERNS, file);
        refused.push(...outcome.refused);
        applied += outcome.applied;
      }
      expect(refused).to.deep.equal(['V1__schema_setup.sql:19: STV_SLICES is a Redshift system table, not available locally']);
      // Users and groups skipped, grants skipped, the schema's AUTHORIZATION dropped: all named.
      expect(notices.map((n) => n.replace(/ locally: .*/, ''))).to.deep.equal([
        'V1__schema_setup.sql:22: CREATE GROUP skipped',
        'V1__schema_setup.sql:23: CREATE GROUP skipped',
        'V1__schema_setup.sql:24: CREATE USER skipped',
        'V1__schema_setup.sql:25: CREATE USER skipped',
        'V1__schema_setup.sql:27: CREATE SCHEMA ... AUTHORIZATION dropped',
        'V1__schema_setup.sql:30: GRANT skipped',
        'V1__schema_setup.sql:31: GRANT skipped',
      ]);
      expect(applied).to.be.at.least(30);
    });
  }),
    describe('aws-samples/amazon-redshift-udfs: SQL UDFs against their own expected outputs', () => {
      let session: Session;
      let rewriter: Rewriter;
      before(async () => {
        session = await db.warehouse({ emulateRedshift: true }).acquire();
        rewriter = createRedshiftEmulation({ s3Store: new LocalDirectoryStore('/nonexistent') });
        await rewriter.prepare(session);
      });
      after(async () => session?.release());

      for (const name of ['f_mask_varchar', 'f_mask_bigint', 'f_mask_timestamp']) {
        it(`${name} returns the repository's output.csv for its input.csv`, async () => {
          expect(await applyFile(rewriter, session, UDFS, `${name}.sql`)).to.deep.equal({ applied: 1, refused: [] });
          const inputs = (await readFile(path.join(UDFS, `${name}.input.csv`), 'utf8')).trim().split('\n');
          const outputs = (await readFile(path.join(UDFS, `${name}.output.csv`), 'utf8')).trim().split('\n');
          const actual: string[] = [];
          for (const args of inputs) {
            const [step] = rewriter.rewrite(`SELECT ${name}(${args})::varchar AS v`, { file: 'test', line: 1 });
            if (step?.kind !== 'sql') throw new Error('expected a plain statement');
            const { rows } = await session.query(step.sql);
            actual.push(String(rows[0]?.v ?? 'null'));
          }
          expect(actual.length).to.equal(outputs.length);
          actual.forEach((value, i) => {
            // The 'F' (fully masked) timestamp is 1/1/2021 plus (random() * 100)::int - 50 days, and the
            // cast rounds: -50..50 days, so only its range is fixed.
            if (name === 'f_mask_timestamp' && inputs[i]?.endsWith("'F'")) {
              expect(value >= '2020-11-12' && value < '2021-02-21', value).to.equal(true);
            } else expect(value, inputs[i]).to.equal(outputs[i]);
          });
        });
      }
    }));
  describe('aws-samples/amazon-redshift-udfs: stored procedures run with their own usage examples', () => {
    let session: Session;
    let rewriter: Rewriter;
    before(async () => {
      session = await db.warehouse({ emulateRedshift: true }).acquire();
      rewriter = createRedshiftEmulation({ s3Store: new LocalDirectoryStore('/nonexistent') });
      await rewriter.prepare(session);
    });
    after(async () => session?.release());

    /** Runs statements through the emulation and returns the rows of the last one. */
    async function run(...statements: string[]) {
      let rows: Record<string, unknown>[] = [];
      for (const sql of statements) {
        for (const step of rewriter.rewrite(sql, { file: 'usage', line: 1 })) {
          if (step.kind !== 'sql') throw new Error(`expected plain statements: ${sql}`);
          rows = (await session.query(step.sql)).rows as Record<string, unknown>[];
        }
      }
      return rows;
    }

    it('sp_connect_by_prior walks the hierarchy as its usage example shows (a backslash-escaped quote in the filter)', async () => {
      expect(await applyFile(rewriter, session, UDFS, 'sp_connect_by_prior.sql')).to.deep.equal({ applied: 1, refused: [] });
      await run(
        'CREATE TEMP TABLE tmp_employee ( emp_title VARCHAR, emp_id INT, mgr_id INT, dept VARCHAR)',
        `INSERT INTO tmp_employee VALUES ('Chairman', 100, NULL, 'Board'), ('CEO', 101, 100, 'Board'),
           ('CTO', 102, 101, 'IT'), ('CMO', 103, 101, 'Sales/Mkt'), ('VP Analytics', 104, 102, 'IT'),
           ('VP Engineering', 105, 102, 'IT'), ('Sales Director', 106, 103, 'Sales/Mkt'),
           ('Sales Mgr West', 107, 106, 'Sales/Mkt'), ('Sales Mgr East', 108, 106, 'Sales/Mkt'),
           ('Sales Mgr South', 109, 106, 'Sales/Mkt')`,
      );
      const first = await run(
        "CALL sp_connect_by_prior('dept,emp_title','tmp_employee','emp_id','mgr_id','mgr_id IS NULL','',3,'tmp_result')",
        'SELECT emp_title, level, emp_id FROM tmp_result ORDER BY level, mgr_id, emp_id',
      );
      expect(first.map((r) => `${r.emp_title}|${r.level}|${r.emp_id}`)).to.deep.equal([
        'Chairman|1|100',
        'CEO|2|101',
        'CTO|3|102',
        'CMO|3|103',
      ]);
      // The example's comment starts with emp_id = 101 (the CEO, dept Board, filtered out: no rows on
      // Redshift either); its printed result is the one for mgr_id = 101.
      const second = await run(
        "CALL sp_connect_by_prior('dept,emp_title','tmp_employee','emp_id','mgr_id','mgr_id = 101','dept=\\'Sales/Mkt\\'',3,'tmp_result')",
        'SELECT emp_title, level, emp_id FROM tmp_result ORDER BY level, mgr_id, emp_id',
      );
      expect(second.map((r) => `${r.emp_title}|${r.level}|${r.emp_id}`)).to.deep.equal([
        'CMO|1|103',
        'Sales Director|2|106',
        'Sales Mgr West|3|107',
        'Sales Mgr East|3|108',
        'Sales Mgr South|3|109',
      ]);
    });

    it('sp_pivot_for returns its pivot through a REFCURSOR as its usage example shows', async () => {
      expect(await applyFile(rewriter, session, UDFS, 'sp_pivot_for.sql')).to.deep.equal({ applied: 1, refused: [] });
      await run('BEGIN');
      try {
        const rows = await run(
          'CREATE TEMP TABLE tmp_state_metrics ( country VARCHAR, state VARCHAR, entries INTEGER)',
          `INSERT INTO tmp_state_metrics VALUES ('USA', NULL, 15177), ('USA', NULL, 1), ('USA', 'AK', 7001),
             ('USA', 'AK', 1), ('USA', 'AL', 20225), ('USA', 'AL', 1), ('USA', 'AR', 22772), ('USA', 'AR', 1),
             ('USA', 'AZ', 4577), ('USA', 'AZ', 1), ('USA', 'CA', 17877), ('USA', 'CA', 1), ('USA', 'CO', 19503),
             ('USA', 'CO', 1)`,
          "CALL sp_pivot_for ('country','tmp_state_metrics','state','SUM','entries','state IS NOT NULL','pivot_result')",
          'FETCH ALL FROM pivot_result',
        );
        // quote_ident('AK') is "AK" (r_QUOTE_IDENT), and the cluster folds it in the dynamic SQL the
        // cursor runs: the pivot's columns are ak, al, ... (r_enable_case_sensitive_identifier).
        expect(rows.map((r) => Object.entries(r).map(([k, v]) => `${k}=${String(v)}`))).to.deep.equal([
          ['country=USA', 'ak=7002', 'al=20226', 'ar=22773', 'az=4578', 'ca=17878', 'co=19504'],
        ]);
      } finally {
        await run('END');
      }
    });
  });
});
