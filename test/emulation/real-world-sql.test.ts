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

const QUERY_PATTERNS = path.join(__dirname, '..', 'fixtures', 'real-world', 'aws-query-patterns');

describeEachEngine('real-world Redshift SQL through the emulation', (db) =>
  describe('aws-samples/amazon-redshift-query-patterns-and-optimizations', () => {
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
        for (const stmt of splitSql(await readFile(path.join(QUERY_PATTERNS, file), 'utf8'), file)) {
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
);
