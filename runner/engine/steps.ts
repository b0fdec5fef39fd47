/**
 * A migration's statements made ready to send: rewritten for the target when emulating Redshift,
 * either as SQL (which can travel in a multi-statement round trip) or as client-side work (an
 * emulated COPY from S3 that streams rows), which needs a round trip of its own.
 */
import type { StatementRewriter } from '../dialects/rewriter';
import { InputError } from '../errors';
import { statementLabel } from './error-location';
import type { Migration } from '../migrations/migration';
import { sqlAt, type SqlStatement, type StatementList } from '../migrations/split-sql';
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
  steps: PreparedSteps;
  row: StagedRow;
}

/**
 * What ends a statement in a round trip. The newline first: a statement whose last line is a
 * `-- comment` would otherwise swallow the `;` and run into the next statement.
 */
export const STATEMENT_END = '\n;\n';

/**
 * A migration's steps, holding only those the rewriter changed: a statement sent as written is
 * rebuilt from the migration's statement list when asked for. A migration of 500,000 one-row
 * INSERTs then holds no object per statement between preparing and sending (issue 14 defect 13).
 * Each statement is still rewritten once, in order, up front: the rewriter's session settings
 * follow the order statements are rewritten in, and batching needs to know which need client work.
 */
export class PreparedSteps implements Iterable<Step> {
  private readonly changed = new Map<number, Step>();
  private size = 0;
  private sqlOnly = true;

  constructor(private readonly statements: StatementList) {}

  get length(): number {
    return this.statements.length;
  }

  /** Bytes the steps add to a round trip (Redshift's 16 MB statement cap counts bytes). */
  get bytes(): number {
    return this.size;
  }

  /** True when every step is SQL, so the migration can travel in a multi-statement round trip. */
  get allSql(): boolean {
    return this.sqlOnly;
  }

  /** Steps held because the rewriter changed them (the others are rebuilt when asked for). */
  get kept(): number {
    return this.changed.size;
  }

  at(index: number): Step {
    const step = this.changed.get(index);
    if (step) return step;
    const source = this.statements.at(index);
    if (!source) throw new RangeError(`internal: no statement ${index + 1} of ${this.statements.length}`);
    return { source, parts: [source.sql], action: undefined };
  }

  /** The text step `index` sends in a round trip, without building the step. */
  textAt(index: number): string {
    const step = this.changed.get(index);
    if (step) return stepText(step);
    return sqlAt(this.statements, index);
  }

  *[Symbol.iterator](): Iterator<Step> {
    for (let i = 0; i < this.length; i++) yield this.at(i);
  }

  /** Records step `index`; kept only when it differs from the statement as written. */
  add(index: number, step: Step): void {
    const part = step.parts?.length === 1 ? step.parts[0] : undefined;
    if (part === undefined || part !== step.source.sql) this.changed.set(index, step);
    if (step.parts === undefined) this.sqlOnly = false;
    this.size += Buffer.byteLength(stepText(step)) + STATEMENT_END.length;
  }
}

export function prepareSteps(m: Migration, rewriter: StatementRewriter | undefined): PreparedSteps {
  const steps = new PreparedSteps(m.statements);
  for (const s of m.statements) steps.add(s.index, prepareStep(m, s, rewriter));
  return steps;
}

function prepareStep(m: Migration, s: SqlStatement, rewriter: StatementRewriter | undefined): Step {
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
export function batchable(item: ExecutionPlanItem, steps: PreparedSteps): boolean {
  return item.transactional && item.reason !== 'resume' && steps.allSql;
}

/** The text a step sends in a round trip. */
export function stepText(step: Step): string {
  return (step.parts ?? []).join(STATEMENT_END);
}
