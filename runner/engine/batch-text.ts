/**
 * The text of one round trip: transactions of migrations, each
 *   BEGIN; <history: open>; <statement> ; ... <history: record>; COMMIT;
 * with the offset of every statement, so a server error position can be traced back to the
 * migration, statement, line and column it points at.
 */
import type { InTransactionSql } from '../ledger/schema-history';
import { STATEMENT_END, type PreparedSteps } from './steps';

export interface Span {
  /** Index of the migration in the round trip. */
  unit: number;
  /** Index of the statement in the migration. */
  step: number;
  /** Offsets of the statement's text in the round trip's text. */
  start: number;
  end: number;
}

/**
 * Spans are kept as numbers in typed arrays, four per statement, and the text as a list of pieces
 * the session sends without joining them (pg-batch-query.ts): a round trip of 80,000 one-row
 * INSERTs holds 1.3 MB of positions and references into the migration's text, rather than an
 * object per statement and a joined copy of megabytes (issue 14 defect 13).
 */
export class BatchText {
  private readonly parts: string[] = [];
  private length = 0;
  private spans = new Uint32Array(4 * 64);
  private count = 0;

  /** The round trip's text as pieces, for `Session.batch` (sent without being joined). */
  get pieces(): readonly string[] {
    return this.parts;
  }

  /** The round trip's text as one string (tests, messages). */
  get text(): string {
    return this.parts.join('');
  }

  private append(piece: string): void {
    this.parts.push(piece);
    this.length += piece.length;
  }

  /** Statements of the history (no spans: they are not the user's). */
  addSql(statements: readonly string[]): this {
    for (const s of statements) this.append(`${s};\n`);
    return this;
  }

  /** Adds a statement's text (`steps.textAt`) as statement `step` of migration `unit`. */
  addStep(unit: number, step: number, sql: string): this {
    if (4 * (this.count + 1) > this.spans.length) {
      const grown = new Uint32Array(this.spans.length * 2);
      grown.set(this.spans);
      this.spans = grown;
    }
    const k = 4 * this.count++;
    this.spans[k] = unit;
    this.spans[k + 1] = step;
    this.spans[k + 2] = this.length;
    this.spans[k + 3] = this.length + sql.length;
    this.append(sql);
    this.append(STATEMENT_END);
    return this;
  }

  /** Number of statements (spans) in the round trip. */
  get statements(): number {
    return this.count;
  }

  /** The statement a 1-based server error position points into, and the position inside it. */
  spanAt(position: number | undefined): { span: Span; offset: number } | undefined {
    if (position === undefined || position <= 0) return undefined;
    const at = position - 1;
    // Spans are in text order: the last one starting at or before `at`.
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.spans[4 * mid + 2] as number) <= at) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return undefined;
    const [unit = 0, step = 0, start = 0, end = 0] = this.spans.subarray(4 * found, 4 * found + 4);
    return at <= end ? { span: { unit, step, start, end }, offset: position - start } : undefined;
  }
}

/** One round trip of whole migrations, each in its own transaction with its history row. */
export function groupText(history: InTransactionSql, units: readonly { steps: PreparedSteps }[]): BatchText {
  const batch = new BatchText();
  units.forEach((u, ui) => {
    batch.addSql(['BEGIN', ...history.open]);
    for (let si = 0; si < u.steps.length; si++) batch.addStep(ui, si, u.steps.textAt(si));
    batch.addSql([...history.record, 'COMMIT']);
  });
  return batch.addSql(history.close);
}

/**
 * One migration too large for one round trip, cut into several that share its transaction: the
 * first opens it, the last records the row and commits. Each cut holds at most `maxBytes` of
 * statements (a single larger statement goes alone). Built one cut at a time as the caller sends
 * them: a 50 MB migration then holds one cut's text and spans in memory, not all of them.
 */
export function* chunkedText(history: InTransactionSql, steps: PreparedSteps, maxBytes: number): Generator<BatchText> {
  let current = new BatchText().addSql(['BEGIN', ...history.open]);
  let bytes = 0;
  for (let si = 0; si < steps.length; si++) {
    const sql = steps.textAt(si);
    const size = Buffer.byteLength(sql) + STATEMENT_END.length;
    if (bytes > 0 && bytes + size > maxBytes) {
      yield current;
      current = new BatchText();
      bytes = 0;
    }
    current.addStep(0, si, sql);
    bytes += size;
  }
  yield current.addSql([...history.record, 'COMMIT', ...history.close]);
}
