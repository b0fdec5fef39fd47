/**
 * Splits SQL text into statements the way Redshift's lexer sees it: `;` ends a statement only
 * outside 'strings' (doubled quotes, and backslash escapes as Redshift processes them),
 * "identifiers", -- line comments, nested /* block comments *\/ and $tag$ dollar-quoted bodies $tag$.
 * The lexing itself is runner/dialects/sql-lexer.ts.
 *
 * Why hand-written: the candidates on npm (dbgate-query-splitter, sql-split, pgsql-ast-parser)
 * each miss part of this list (nested block comments, Redshift's backslash escapes, or Redshift
 * syntax a parser rejects), and a wrong split silently changes what a migration does. This is one
 * linear scan, so a 50 MB migration costs one pass, and its statements are kept as offsets into the
 * text rather than copies (CompactStatements).
 */
import { lexSql } from '../dialects/sql-lexer';

export interface SqlStatement {
  /** Statement text from its first token up to (not including) the terminating `;`. */
  sql: string;
  /** 0-based position in the file. */
  index: number;
  /** 1-based line of the statement's first token. */
  line: number;
  /** Character offset of the first token in the (BOM-stripped) text. */
  offset: number;
  /** INI changesets: the key the statement is written under (`query2`), for messages. */
  key?: string;
}

export interface SqlComment {
  /** Comment text without the `--` / `/*` markers, trimmed. */
  text: string;
  line: number;
  kind: 'line' | 'block';
}

/**
 * Statements as a migration holds them: a plain array (INI changesets, tests), or the compact list
 * `indexSql` makes (offsets into the file's text, each statement's text sliced when asked for).
 */
export interface StatementList extends Iterable<SqlStatement> {
  readonly length: number;
  at(index: number): SqlStatement | undefined;
  /** Statement `index`'s text or line without building its object (compact and file-backed lists). */
  sqlAt?(index: number): string;
  lineAt?(index: number): number;
}

/**
 * The statements of one text as three numbers each (start, end, line) in typed arrays: a migration
 * of 500,000 one-row INSERTs then holds 6 MB of offsets beside its text, where an object and a
 * string per statement cost over 100 MB (issue 14 defect 13). `at` slices on demand: V8 keeps a
 * slice as a reference into the text, and the caller drops it when done.
 */
export class CompactStatements implements StatementList {
  private starts = new Uint32Array(64);
  private ends = new Uint32Array(64);
  private lines = new Uint32Array(64);
  private count = 0;

  constructor(readonly text: string) {}

  get length(): number {
    return this.count;
  }

  /** Appends the statement at `[start, end)` (already trimmed), first token on `line`. */
  push(start: number, end: number, line: number): void {
    if (this.count === this.starts.length) {
      const grow = (a: Uint32Array) => {
        const b = new Uint32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.starts = grow(this.starts);
      this.ends = grow(this.ends);
      this.lines = grow(this.lines);
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.lines[this.count] = line;
    this.count++;
  }

  sqlAt(index: number): string {
    if (!this.has(index)) throw new RangeError(`internal: no statement ${index + 1} of ${this.count}`);
    return this.text.slice(this.starts[index], this.ends[index]);
  }

  lineAt(index: number): number {
    if (!this.has(index)) throw new RangeError(`internal: no statement ${index + 1} of ${this.count}`);
    return this.lines[index] as number;
  }

  private has(index: number): boolean {
    return Number.isInteger(index) && index >= 0 && index < this.count;
  }

  at(index: number): SqlStatement | undefined {
    if (!this.has(index)) return undefined;
    const offset = this.starts[index] as number;
    return { sql: this.text.slice(offset, this.ends[index]), index, line: this.lines[index] as number, offset };
  }

  *[Symbol.iterator](): Iterator<SqlStatement> {
    for (let i = 0; i < this.count; i++) yield this.at(i) as SqlStatement;
  }
}

/** The text of statement `index` of `list`, without building its object where the list is compact. */
export function sqlAt(list: StatementList, index: number): string {
  if (list.sqlAt) return list.sqlAt(index);
  const s = list.at(index);
  if (!s) throw new RangeError(`internal: no statement ${index + 1} of ${list.length}`);
  return s.sql;
}

/**
 * The first statement starting on a line after `line` (lines never decrease along a list): a
 * binary search, so a file-backed list reads one statement, not the file up to it.
 */
export function statementAfterLine(list: StatementList, line: number): SqlStatement | undefined {
  const lineOf = (i: number) => (list.lineAt ? list.lineAt(i) : (list.at(i) as SqlStatement).line);
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lineOf(mid) > line) hi = mid;
    else lo = mid + 1;
  }
  return list.at(lo);
}

export interface IndexedSql {
  statements: CompactStatements;
  comments: SqlComment[];
  /** The text that was scanned (without a UTF-8 BOM). */
  text: string;
}

export interface ScannedSql {
  statements: SqlStatement[];
  comments: SqlComment[];
  /** The text that was scanned (without a UTF-8 BOM). */
  text: string;
}

export function splitSql(text: string, file: string): SqlStatement[] {
  return scanSql(text, file).statements;
}

/** `indexSql` with every statement materialised: for the small files of tests and the lint. */
export function scanSql(input: string, file: string): ScannedSql {
  const indexed = indexSql(input, file);
  return { ...indexed, statements: [...indexed.statements] };
}

const WHITESPACE = /\s/;

/** Splits `input` into statements kept as offsets (see CompactStatements), and its comments. */
export function indexSql(input: string, file: string): IndexedSql {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const statements = new CompactStatements(text);
  const comments: SqlComment[] = [];
  // Start of the current statement's first token (-1 while only whitespace/comments were seen).
  let stmtStart = -1;
  let stmtLine = 0;
  const endStatement = (end: number) => {
    if (stmtStart >= 0) {
      // What String.prototype.trimEnd removes (\s is the same WhiteSpace + LineTerminator set).
      let last = end;
      while (last > stmtStart && WHITESPACE.test(text.charAt(last - 1))) last--;
      if (last > stmtStart) statements.push(stmtStart, last, stmtLine);
    }
    stmtStart = -1;
  };
  lexSql(text, file, (kind, start, end, line) => {
    switch (kind) {
      case 'line-comment':
        comments.push({ text: text.slice(start + 2, end).trim(), line, kind: 'line' });
        return;
      case 'block-comment':
        comments.push({ text: text.slice(start + 2, end - 2).trim(), line, kind: 'block' });
        return;
      case 'semicolon':
        endStatement(start);
        return;
      default:
        if (stmtStart < 0) {
          stmtStart = start;
          stmtLine = line;
        }
    }
  });
  endStatement(text.length);
  return { statements, comments, text };
}

/**
 * Maps a 1-based character position in `sql` (as servers report error positions) to a 1-based
 * line and column, relative to `firstLine`.
 */
export function positionToLine(sql: string, position: number, firstLine: number): { line: number; column: number } {
  let line = firstLine;
  let lastNl = -1;
  const limit = Math.min(Math.max(position - 1, 0), sql.length);
  for (let k = sql.indexOf('\n'); k !== -1 && k < limit; k = sql.indexOf('\n', k + 1)) {
    line++;
    lastNl = k;
  }
  return { line, column: limit - lastNl };
}
