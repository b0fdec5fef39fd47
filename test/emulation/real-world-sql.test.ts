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
            // The 'F' (fully masked) timestamp is 1/1/2021 plus a random -50..49 days: only its range is fixed.
            if (name === 'f_mask_timestamp' && inputs[i]?.endsWith("'F'")) {
              expect(value >= '2020-11-12' && value < '2021-02-20', value).to.equal(true);
            } else expect(value, inputs[i]).to.equal(outputs[i]);
          });
        });
      }
    }));
});
