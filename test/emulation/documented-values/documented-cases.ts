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

/** WINSALES, the window function pages' sample table (c_Window_functions), as they create and fill it. */
export const WINSALES = `CREATE TABLE winsales(salesid int, dateid date, sellerid int, buyerid char(10), qty int, qty_shipped int);
INSERT INTO winsales VALUES
  (30001, '8/2/2003', 3, 'b', 10, 10), (10001, '12/24/2003', 1, 'c', 10, 10), (10005, '12/24/2003', 1, 'a', 30, null),
  (40001, '1/9/2004', 4, 'a', 40, null), (10006, '1/18/2004', 1, 'c', 10, null), (20001, '2/12/2004', 2, 'b', 20, 20),
  (40005, '2/12/2004', 4, 'a', 10, 10), (20002, '2/16/2004', 2, 'c', 20, 20), (30003, '4/18/2004', 3, 'b', 15, null),
  (30004, '4/18/2004', 3, 'b', 20, null), (30007, '9/7/2004', 3, 'c', 30, null)`;

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
