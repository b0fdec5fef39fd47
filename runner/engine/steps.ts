/**
 * A migration's statements made ready to send: rewritten for the target when emulating Redshift,
 * either as SQL (which can travel in a multi-statement round trip) or as client-side work (an
 * emulated COPY from S3 that streams rows), which needs a round trip of its own.
 */
import type { StatementRewriter } from '../dialects/rewriter';
import { InputError } from '../errors';
import { statementLabel } from './error-location';
import type { Migration } from '../migrations/migration';
import type { SqlStatement } from '../migrations/split-sql';
import type { Session } from '../warehouse/warehouse';
import type { StagedRow } from '../ledger/schema-history';
import type { ExecutionPlanItem } from './planning';

export interface Step {
  source: SqlStatement;
  /** The SQL to send instead of the source, one statement each; undefined when `action` does the work. */
  parts: string[] | undefined;
  action: ((session: Session) => Promise<void>) | undefined;
}

/** A pending migration ready to go: its statements prepared and the history row it will record. */
export interface PreparedMigration {
  item: ExecutionPlanItem;
  steps: Step[];
  row: StagedRow;
}

/**
 * What ends a statement in a round trip. The newline first: a statement whose last line is a
 * `-- comment` would otherwise swallow the `;` and run into the next statement.
 */
export const STATEMENT_END = '\n;\n';

export function prepareSteps(m: Migration, rewriter: StatementRewriter | undefined): Step[] {
  return m.statements.map((s) => {
    if (!rewriter) return { source: s, parts: [s.sql], action: undefined };
    const rewritten = rewriteNamed(rewriter, m, s);
    const sql = rewritten.flatMap((r) => (r.kind === 'sql' ? [r.sql] : []));
    if (sql.length === rewritten.length) return { source: s, parts: sql, action: undefined };
    return {
      source: s,
      parts: undefined,
      action: async (session: Session) => {
        for (const r of rewritten) {
          if (r.kind === 'sql') await session.query(r.sql);
          else await r.run(session);
        }
      },
    };
  });
}

/**
 * The rewriter locates what it cannot emulate by file and line; the migration and statement (an
 * INI changeset's section and key) are added so the message names them as a failed statement does.
 */
function rewriteNamed(rewriter: StatementRewriter, m: Migration, s: SqlStatement): ReturnType<StatementRewriter['rewrite']> {
  try {
    return rewriter.rewrite(s.sql, { file: m.file, line: s.line });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw new InputError(`${m.script}: ${statementLabel(m, s)}: ${err.message}`, {
      ...(err.file !== undefined ? { file: err.file } : {}),
      ...(err.line !== undefined ? { line: err.line } : {}),
      ...(err.column !== undefined ? { column: err.column } : {}),
      ...(err.hint !== undefined ? { hint: err.hint } : {}),
      cause: err,
    });
  }
}

/** A migration goes in a multi-statement round trip when it is transactional, new, and needs no client-side work. */
export function batchable(item: ExecutionPlanItem, steps: readonly Step[]): boolean {
  return item.transactional && item.reason !== 'resume' && steps.every((x) => x.parts !== undefined);
}

/** The text a step sends in a round trip. */
export function stepText(step: Step): string {
  return (step.parts ?? []).join(STATEMENT_END);
}

/** Bytes a migration's statements add to a round trip (Redshift's 16 MB statement cap counts bytes). */
export function stepsBytes(steps: readonly Step[]): number {
  return steps.reduce((n, s) => n + Buffer.byteLength(stepText(s)) + STATEMENT_END.length, 0);
}
