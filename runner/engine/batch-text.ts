/**
 * The text of one round trip: transactions of migrations, each
 *   BEGIN; <history: open>; <statement> ; ... <history: record>; COMMIT;
 * with the offset of every statement, so a server error position can be traced back to the
 * migration, statement, line and column it points at.
 */
import type { InTransactionSql } from '../ledger/schema-history';
import { STATEMENT_END, stepText, type Step } from './steps';

export interface Span {
  /** Index of the migration in the round trip. */
  unit: number;
  /** Index of the statement in the migration. */
  step: number;
  /** Offsets of the statement's text in the round trip's text. */
  start: number;
  end: number;
}

export class BatchText {
  text = '';
  readonly spans: Span[] = [];

  /** Statements of the history (no spans: they are not the user's). */
  addSql(statements: readonly string[]): this {
    for (const s of statements) this.text += `${s};\n`;
    return this;
  }

  addStep(unit: number, step: number, s: Step): this {
    const sql = stepText(s);
    this.spans.push({ unit, step, start: this.text.length, end: this.text.length + sql.length });
    this.text += sql + STATEMENT_END;
    return this;
  }

  /** The statement a 1-based server error position points into, and the position inside it. */
  spanAt(position: number | undefined): { span: Span; offset: number } | undefined {
    if (position === undefined || position <= 0) return undefined;
    const at = position - 1;
    const span = this.spans.find((s) => at >= s.start && at <= s.end);
    return span ? { span, offset: position - span.start } : undefined;
  }
}

/** One round trip of whole migrations, each in its own transaction with its history row. */
export function groupText(history: InTransactionSql, units: readonly { steps: readonly Step[] }[]): BatchText {
  const batch = new BatchText();
  units.forEach((u, ui) => {
    batch.addSql(['BEGIN', ...history.open]);
    u.steps.forEach((s, si) => batch.addStep(ui, si, s));
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
export function* chunkedText(history: InTransactionSql, steps: readonly Step[], maxBytes: number): Generator<BatchText> {
  let current = new BatchText().addSql(['BEGIN', ...history.open]);
  let bytes = 0;
  for (const [si, s] of steps.entries()) {
    const size = Buffer.byteLength(stepText(s)) + STATEMENT_END.length;
    if (bytes > 0 && bytes + size > maxBytes) {
      yield current;
      current = new BatchText();
      bytes = 0;
    }
    current.addStep(0, si, s);
    bytes += size;
  }
  yield current.addSql([...history.record, 'COMMIT', ...history.close]);
}
