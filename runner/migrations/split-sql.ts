/**
 * Splits SQL text into statements the way Redshift's lexer sees it: `;` ends a statement only
 * outside 'strings' (doubled quotes, and backslash escapes as Redshift processes them),
 * "identifiers", -- line comments, nested /* block comments *\/ and $tag$ dollar-quoted bodies $tag$.
 * The lexing itself is runner/dialects/sql-lexer.ts.
 *
 * Why hand-written: the candidates on npm (dbgate-query-splitter, sql-split, pgsql-ast-parser)
 * each miss part of this list (nested block comments, Redshift's backslash escapes, or Redshift
 * syntax a parser rejects), and a wrong split silently changes what a migration does. This is one
 * linear scan, so a 50 MB migration costs one pass and no copies beyond the statements themselves.
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

export interface ScannedSql {
  statements: SqlStatement[];
  comments: SqlComment[];
  /** The text that was scanned (without a UTF-8 BOM). */
  text: string;
}

export function splitSql(text: string, file: string): SqlStatement[] {
  return scanSql(text, file).statements;
}

export function scanSql(input: string, file: string): ScannedSql {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const statements: SqlStatement[] = [];
  const comments: SqlComment[] = [];
  // Start of the current statement's first token (-1 while only whitespace/comments were seen).
  let stmtStart = -1;
  let stmtLine = 0;
  const endStatement = (end: number) => {
    if (stmtStart >= 0) {
      const sql = text.slice(stmtStart, end).trimEnd();
      if (sql.length > 0) statements.push({ sql, index: statements.length, line: stmtLine, offset: stmtStart });
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
