/**
 * The conformance suite pins each Redshift behaviour the local engines emulate (issue 13 (a)) to
 * the AWS page it comes from, on both engines. Each `it` names the page; each expectation is what
 * that page shows or states.
 */
import { createRedshiftEmulation, LocalDirectoryStore } from '../../runner/dialects/redshift/emulation';
import type { StatementRewriter } from '../../runner/dialects/rewriter';
import type { Session, Warehouse } from '../../runner/warehouse/warehouse';
import type { EngineDatabase } from '../support/engines';

export const DG = 'https://docs.aws.amazon.com/redshift/latest/dg/';

export interface Emulated {
  session: Session;
  /** One Redshift statement through the emulation, as the engine and the test runner send it. */
  run(sql: string): Promise<Record<string, unknown>[]>;
  /** The error a statement raises (fails the test when it succeeds). */
  error(sql: string): Promise<{ message: string; code?: string; detail?: string; hint?: string }>;
  release(): Promise<void>;
}

export function emulation(): StatementRewriter {
  return createRedshiftEmulation({ s3Store: new LocalDirectoryStore('/nonexistent') });
}

/** A session on `warehouse` with the emulation prepared (compat schema installed). */
export async function emulatedSession(warehouse: Warehouse, rewriter: StatementRewriter = emulation()): Promise<Emulated> {
  const session = await warehouse.acquire();
  await rewriter.prepare(session);
  const run = async (sql: string) => {
    let rows: Record<string, unknown>[] = [];
    for (const step of rewriter.rewrite(sql, { file: 'conformance.sql', line: 1 })) {
      if (step.kind === 'sql') rows = (await session.query(step.sql)).rows;
      else await step.run(session);
    }
    return rows;
  };
  return {
    session,
    run,
    async error(sql) {
      try {
        await run(sql);
      } catch (err) {
        return err as { message: string; code?: string; detail?: string; hint?: string };
      }
      throw new Error(`expected an error from: ${sql}`);
    },
    release: () => session.release(),
  };
}

/** A warehouse with Redshift semantics (emulation on) on the engine's database. */
export function redshiftLike(db: EngineDatabase, maxConnections = 4): Warehouse {
  return db.warehouse({ emulateRedshift: true, maxConnections });
}
