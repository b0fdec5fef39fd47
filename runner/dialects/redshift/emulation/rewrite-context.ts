/**
 * The working state of one statement's rewrite: its code tokens (comments dropped, so clause
 * matching never trips over them) and a list of range edits applied at the end. Everything not
 * covered by an edit is kept byte-for-byte, comments and whitespace included.
 */
import { InputError } from '../../../errors';
import type { StatementLocation } from '../../rewriter';
import { closingBracket, isSymbol, isWord, type SqlToken } from '../../sql-tokens';

interface Edit {
  start: number;
  end: number;
  text: string;
  seq: number;
}

export class RewriteContext {
  private readonly edits: Edit[] = [];

  constructor(
    readonly sql: string,
    /** Code tokens (no comments). */
    readonly tokens: readonly SqlToken[],
    readonly where: StatementLocation,
  ) {}

  tok(i: number): SqlToken | undefined {
    return this.tokens[i];
  }

  /** Replace tokens `from..to` (inclusive) with `text`. */
  replace(from: number, to: number, text: string): void {
    const a = this.tokens[from];
    const b = this.tokens[to];
    if (!a || !b) throw new Error(`rewrite: token range ${from}..${to} out of bounds`);
    this.replaceRange(a.start, b.end, text);
  }

  /** Remove tokens `from..to` (inclusive) and the whitespace before them. */
  remove(from: number, to: number): void {
    const a = this.tokens[from];
    const b = this.tokens[to];
    if (!a || !b) throw new Error(`rewrite: token range ${from}..${to} out of bounds`);
    const prev = this.tokens[from - 1];
    this.replaceRange(prev ? prev.end : a.start, b.end, '');
  }

  insertBefore(i: number, text: string): void {
    const t = this.tokens[i];
    if (!t) throw new Error(`rewrite: token ${i} out of bounds`);
    this.replaceRange(t.start, t.start, text);
  }

  insertAfter(i: number, text: string): void {
    const t = this.tokens[i];
    if (!t) throw new Error(`rewrite: token ${i} out of bounds`);
    this.replaceRange(t.end, t.end, text);
  }

  replaceRange(start: number, end: number, text: string): void {
    this.edits.push({ start, end, text, seq: this.edits.length });
  }

  /** Source text of tokens `from..to` inclusive, as written. */
  text(from: number, to: number): string {
    const a = this.tokens[from];
    const b = this.tokens[to];
    if (!a || !b || to < from) return '';
    return this.sql.slice(a.start, b.end);
  }

  /** Is the range `from..to` free of edits so far? (Used to skip regions already rewritten.) */
  untouched(from: number, to: number): boolean {
    const a = this.tokens[from];
    const b = this.tokens[to];
    if (!a || !b) return true;
    return !this.edits.some((e) => e.start < b.end && e.end > a.start);
  }

  /** The rewritten statement. */
  apply(): string {
    const sorted = [...this.edits].sort((x, y) => x.start - y.start || x.end - y.end || x.seq - y.seq);
    let out = '';
    let pos = 0;
    for (const e of sorted) {
      if (e.start < pos) throw new Error(`rewrite: overlapping edits at offset ${e.start} of: ${this.sql.slice(0, 80)}`);
      out += this.sql.slice(pos, e.start) + e.text;
      pos = e.end;
    }
    return out + this.sql.slice(pos);
  }

  get changed(): boolean {
    return this.edits.length > 0;
  }

  /** The InputError for a construct that cannot be emulated, located at token `i`. */
  unsupported(i: number, construct: string, hint: string): InputError {
    const t = this.tokens[i];
    return new InputError(`${construct} cannot be emulated on the PostgreSQL-based local engine`, {
      file: this.where.file,
      line: this.where.line + (t ? t.line - 1 : 0),
      hint,
    });
  }

  /** An InputError for Redshift SQL that Redshift itself would reject. */
  invalid(i: number, message: string, hint: string): InputError {
    const t = this.tokens[i];
    return new InputError(message, { file: this.where.file, line: this.where.line + (t ? t.line - 1 : 0), hint });
  }

  // --- token navigation -------------------------------------------------------------------

  isWord(i: number, ...words: string[]): boolean {
    return isWord(this.tokens[i], ...words);
  }

  isSymbol(i: number, text: string): boolean {
    return isSymbol(this.tokens[i], text);
  }

  /** Index of the bracket closing the one at `open`. */
  close(open: number): number {
    return closingBracket(this.tokens, open);
  }

  /** Top-level comma-separated ranges `[from, to]` (inclusive) between `open` and its closing bracket. */
  args(open: number): Array<[number, number]> {
    const close = this.close(open);
    const out: Array<[number, number]> = [];
    let depth = 0;
    let from = open + 1;
    for (let i = open + 1; i < close; i++) {
      const t = this.tokens[i] as SqlToken;
      if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
      else if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
      else if (depth === 0 && t.kind === 'punct' && t.text === ',') {
        out.push([from, i - 1]);
        from = i + 1;
      }
    }
    if (close > open + 1) out.push([from, close - 1]);
    return out;
  }

  /** After a (possibly schema-qualified) object name starting at `i`: the index following it. */
  skipName(i: number): number {
    let j = i;
    for (;;) {
      const t = this.tokens[j];
      if (!t || !(t.kind === 'word' || t.kind === 'quoted-ident')) return j;
      j++;
      if (this.isSymbol(j, '.')) j++;
      else return j;
    }
  }
}
