/**
 * Where strings, quoted identifiers, dollar-quoted bodies and comments begin and end in Redshift
 * SQL: the one hand-written lexer of rsrun. The statement splitter (migrations/split-sql.ts) cuts
 * statements with it, and the token reader (sql-tokens.ts) uses it to tell PostgreSQL's scanner
 * about Redshift's string escapes; test/migrations/lexers-agree.test.ts proves the two lexers
 * agree on real Redshift SQL.
 *
 * Redshift, forked from PostgreSQL 8.0, processes backslash escapes in ordinary '...' literals
 * (PostgreSQL 8.0 had standard_conforming_strings off): `'it\'s'` is one string, and two
 * backslashes stand for one. The AWS pages say so where it shows: pattern-matching-conditions-posix
 * ("escape the character using two backslashes ('\\')"), r_patternmatching_condition_like (the
 * default escape character is "two backslashes ('\\')") and r_STRTOL (a num_string that "begins
 * with the null character ('\0')" converts to 0).
 */
import { InputError } from '../errors';

export type LexemeKind =
  /** '...', E'...', B'...', X'...', N'...', U&'...' */
  | 'string'
  | 'quoted-ident'
  /** $tag$ ... $tag$ */
  | 'dollar'
  | 'line-comment'
  | 'block-comment'
  | 'semicolon'
  /** Anything else that is not whitespace: a run of identifier characters, or one other character. */
  | 'code';

/** Called for every lexeme in order; `start`/`end` are string offsets `[start, end)`, `line` is 1-based. */
export type LexemeVisitor = (kind: LexemeKind, start: number, end: number, line: number) => void;

const NL = 10;
const QUOTE = 39;
const DQUOTE = 34;
const BACKSLASH = 92;
export const isIdentChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || c > 127;
const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;

/**
 * Visits the lexemes of `text`. Throws an InputError naming `file` and the line where an
 * unterminated string, identifier, comment or dollar-quoted body starts.
 */
export function lexSql(text: string, file: string | undefined, visit: LexemeVisitor): void {
  const n = text.length;
  let line = 1;
  let i = 0;
  const countLines = (from: number, to: number) => {
    for (let k = text.indexOf('\n', from); k !== -1 && k < to; k = text.indexOf('\n', k + 1)) line++;
  };
  const unterminated = (what: string, startLine: number, hint: string): never => {
    throw new InputError(`unterminated ${what} starting here`, { file, line: startLine, hint });
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === NL) {
      line++;
      i++;
      continue;
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      // Ends before \n or \r, as in PostgreSQL's scanner (non_newline).
      let stop = i + 2;
      while (stop < n && text.charCodeAt(stop) !== NL && text.charCodeAt(stop) !== 13) stop++;
      visit('line-comment', i, stop, line);
      i = stop;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const end = blockCommentEnd(text, i);
      if (end < 0) unterminated('block comment /*', line, 'close it with */ (block comments nest: each /* needs its own */)');
      visit('block-comment', i, end, line);
      countLines(i, end);
      i = end;
      continue;
    }
    if (c === 59) {
      visit('semicolon', i, i + 1, line);
      i++;
      continue;
    }
    if (c === QUOTE || c === DQUOTE) {
      const end = quotedEnd(text, i, c === QUOTE && backslashEscapes(text, i));
      if (end < 0) {
        unterminated(
          c === QUOTE ? "string literal '" : 'quoted identifier "',
          line,
          c === QUOTE
            ? "close it with ' (inside, write a quote as '' or \\'; a backslash escapes the next character, so write \\\\ for one backslash)"
            : 'close it with " (inside, write a quote as two quotes)',
        );
      }
      // A prefix letter (E, B, X, N, U&) belongs to the string: start there.
      const start = c === QUOTE ? prefixStart(text, i) : i;
      visit(c === QUOTE ? 'string' : 'quoted-ident', start, end, line);
      countLines(i, end);
      i = end;
      continue;
    }
    if (c === 36 && (i === 0 || !isIdentChar(text.charCodeAt(i - 1)))) {
      let k = i + 1;
      if (k < n && isIdentStart(text.charCodeAt(k))) {
        while (k < n && isIdentChar(text.charCodeAt(k)) && text.charCodeAt(k) !== 36) k++;
      }
      if (text.charCodeAt(k) === 36) {
        const tag = text.slice(i, k + 1);
        const close = text.indexOf(tag, k + 1);
        if (close === -1) unterminated(`dollar-quoted body ${tag}`, line, `close it with ${tag}`);
        const end = close + tag.length;
        visit('dollar', i, end, line);
        countLines(i, end);
        i = end;
        continue;
      }
    }
    if (isIdentChar(c)) {
      let k = i + 1;
      while (k < n && isIdentChar(text.charCodeAt(k))) k++;
      // E'...', B'...', X'...', N'...': the letter is the string's prefix, visited with it.
      if (text.charCodeAt(k) === QUOTE && k === i + 1 && isStringPrefix(c)) {
        i = k;
        continue;
      }
      if (text.charCodeAt(k) === 38 /* & */ && k === i + 1 && (c === 85 || c === 117) && text.charCodeAt(k + 1) === QUOTE) {
        i = k + 1; // U&'...'
        continue;
      }
      visit('code', i, k, line);
      i = k;
      continue;
    }
    visit('code', i, i + 1, line);
    i++;
  }
}

/** E, B, X, N (either case). */
function isStringPrefix(c: number): boolean {
  return c === 69 || c === 101 || c === 66 || c === 98 || c === 88 || c === 120 || c === 78 || c === 110;
}

/** Offset where the string whose quote is at `quote` starts, its prefix included. */
function prefixStart(text: string, quote: number): number {
  const p = text.charCodeAt(quote - 1);
  const before = quote > 1 ? text.charCodeAt(quote - 2) : 32;
  if (p === 38 && (before === 85 || before === 117) && (quote < 3 || !isIdentChar(text.charCodeAt(quote - 3)))) return quote - 2;
  if (quote > 0 && isStringPrefix(p) && !isIdentChar(before)) return quote - 1;
  return quote;
}

/**
 * Does a backslash escape the next character in the string starting at `quote`? In every
 * ordinary or E'...' literal, yes (see the file comment); not in U&'...' (its escapes are \XXXX
 * and never end the string early) nor in B'...'/X'...' (no backslashes are valid there).
 */
function backslashEscapes(text: string, quote: number): boolean {
  const start = prefixStart(text, quote);
  if (start === quote) return true;
  const p = text.charCodeAt(start);
  return p === 69 || p === 101 || p === 78 || p === 110;
}

/** End offset (after the closing quote) of the quoted text starting at `open`, or -1. */
function quotedEnd(text: string, open: number, escapes: boolean): number {
  const q = text.charCodeAt(open);
  const n = text.length;
  let k = open + 1;
  for (;;) {
    if (k >= n) return -1;
    const d = text.charCodeAt(k);
    if (escapes && d === BACKSLASH) {
      k += 2;
      continue;
    }
    if (d === q) {
      if (text.charCodeAt(k + 1) === q) {
        k += 2;
        continue;
      }
      return k + 1;
    }
    k++;
  }
}

/** End offset of the (nested) block comment starting at `open`, or -1. */
function blockCommentEnd(text: string, open: number): number {
  const n = text.length;
  let depth = 1;
  let k = open + 2;
  while (k < n && depth > 0) {
    const d = text.charCodeAt(k);
    if (d === 47 && text.charCodeAt(k + 1) === 42) {
      depth++;
      k += 2;
    } else if (d === 42 && text.charCodeAt(k + 1) === 47) {
      depth--;
      k += 2;
    } else k++;
  }
  return depth > 0 ? -1 : k;
}

/**
 * The text with every backslash-escaped quote (`\'`) inside a string literal replaced by a
 * doubled quote (`''`): same length, same string boundaries, but readable by a lexer that follows
 * standard_conforming_strings (PostgreSQL's scanner, as libpg-query builds it). Returns `text`
 * itself when there is nothing to replace.
 */
export function withStandardQuotes(text: string, file?: string): string {
  if (!text.includes("\\'")) return text;
  const chars: string[] = [];
  let copied = 0;
  lexSql(text, file, (kind, start, end) => {
    if (kind !== 'string' || !backslashEscapes(text, text.indexOf("'", start))) return;
    for (let k = text.indexOf('\\', start); k !== -1 && k < end - 1; k = text.indexOf('\\', k + 2)) {
      if (text.charCodeAt(k + 1) === QUOTE) {
        chars.push(text.slice(copied, k), "''");
        copied = k + 2;
      }
    }
  });
  if (copied === 0) return text;
  chars.push(text.slice(copied));
  return chars.join('');
}
