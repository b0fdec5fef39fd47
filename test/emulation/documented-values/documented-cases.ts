/**
 * Runs values AWS documents for Redshift functions through the emulation on both local engines.
 * Each case names its page (docs.aws.amazon.com/redshift/latest/dg/<page>.html) and runs the page's
 * SQL (column aliases and ::text added so results compare as text); where a page queries the TICKIT
 * sample database, the setup creates the rows the page prints. A refusal is a statement a cluster
 * answers and the local warehouse cannot reproduce: it must fail with rsrun's message naming the
 * function, never answer with another value.
 */
import { expect } from 'chai';
import { createRedshiftEmulation, LocalDirectoryStore } from '../../../runner/dialects/redshift/emulation';
import type { Session } from '../../../runner/warehouse/warehouse';
import { describeEachEngine } from '../../support/engines';

export type Case = [page: string, sql: string, expected: string | null | Array<string | null>];
export type Refusal = [page: string, sql: string, message: RegExp];

export interface DocumentedValues {
  /** Statements separated by `;` creating the pages' sample rows. */
  setup?: string;
  cases: Case[];
  refusals?: Refusal[];
  /** The number of documented values the cases check at least (a guard against lost cases). */
  atLeast: number;
}

export function countValues(cases: Case[]): number {
  return cases.flatMap(([, , e]) => (Array.isArray(e) ? e : [e])).length;
}

export function describeDocumentedValues(title: string, spec: DocumentedValues): void {
  describeEachEngine(`documented Redshift values: ${title}`, (db) =>
    // Nested, so this block's session is released before the engine block closes its pools.
    describe("on the pages' sample rows", () => {
      const rewriter = createRedshiftEmulation({ s3Store: new LocalDirectoryStore('/nonexistent') });
      let session: Session;

      const run = async (sql: string) => {
        let rows: Array<Record<string, unknown>> = [];
        for (const step of rewriter.rewrite(sql, { file: 'documented.sql', line: 1 })) {
          if (step.kind !== 'sql') throw new Error(`expected SQL for ${sql}`);
          rows = (await session.query<Record<string, unknown>>(step.sql)).rows;
        }
        return rows;
      };

      before(async () => {
        session = await db.warehouse({ emulateRedshift: true }).acquire();
        await rewriter.prepare(session);
        for (const statement of (spec.setup ?? '').split(';')) if (statement.trim()) await run(statement);
      });
      after(async () => session?.release());

      it(`covers at least ${spec.atLeast} documented values (${countValues(spec.cases)})`, () => {
        expect(countValues(spec.cases)).to.be.at.least(spec.atLeast);
      });

      for (const [page, sql, expected] of spec.cases) {
        it(`${page}: ${sql}`, async () => {
          const values = (await run(sql)).map((r) => (r.v === null || r.v === undefined ? null : String(r.v)));
          expect(Array.isArray(expected) ? values : values[0]).to.deep.equal(expected);
        });
      }

      for (const [page, sql, message] of spec.refusals ?? []) {
        it(`${page} (refused locally): ${sql}`, async () => {
          const error = await run(sql).then(
            () => undefined,
            (e: unknown) => e as Error,
          );
          expect(error, 'the statement should fail').to.be.instanceOf(Error);
          expect((error as Error).message).to.match(message);
        });
      }
    }),
  );
}
