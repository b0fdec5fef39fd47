/**
 * Tokens of one SQL text, from PostgreSQL's own scanner (libpg-query compiled to WebAssembly), so
 * strings, comments, dollar-quoted bodies and quoted identifiers are never mistaken for keywords.
 * Redshift's lexical grammar is PostgreSQL's (it forked from PostgreSQL 8.0), so the same scanner
 * serves both, with one difference: Redshift processes backslash escapes in ordinary literals
 * (sql-lexer.ts), so `\'` quotes are shown to the scanner as `''` first. Used by the lint
 * (runner/lint) and the Redshift emulation rewriter.
 *
 *   await loadSqlTokenizer();            // once, before the synchronous call
 *   for (const t of tokenizeSql(sql)) if (isWord(t, 'SERIAL')) ...
 *
 * The WebAssembly module is imported lazily so commands that never look at SQL stay fast.
 */
import { InputError } from '../errors';
import { lexSql, withStandardQuotes } from './sql-lexer';

export type SqlTokenKind =
  /** Unquoted keyword or identifier; `upper` holds it upper-cased. */
  | 'word'
  /** "Quoted identifier"; `value` holds the name without quotes. */
  | 'quoted-ident'
  /** Any string constant: '...', E'...', U&'...', B'...', X'...', $tag$...$tag$. */
  | 'string'
  | 'number'
  /** `$1`-style parameter. */
  | 'param'
  /** `-- ...` or `/* ... *\/`. */
  | 'comment'
  /** One of `( ) [ ] , ; . :`. */
  | 'punct'
  /** Any other operator: `::`, `=`, `<>`, `@>`, `||`, ... */
  | 'operator';

export interface SqlToken {
  kind: SqlTokenKind;
  /** Exactly as written. */
  text: string;
  /** `text` upper-cased for words; `text` otherwise. */
  upper: string;
  /** Identifier name (quotes removed, `""` unescaped) for quoted identifiers; `text` otherwise. */
  value: string;
  /** JavaScript string offsets into the scanned text, `[start, end)`. */
  start: number;
  end: number;
  /** 1-based line of the token's first character in the scanned text. */
  line: number;
}

interface RawToken {
  start: number;
  end: number;
  text: string;
  tokenName: string;
  keywordName: string;
}

interface Scanner {
  loadModule(): Promise<void>;
  scanSync(sql: string): { tokens: RawToken[] };
}

let scanner: Scanner | undefined;

/** Loads the WebAssembly scanner; idempotent. Call (and await) before `tokenizeSql`. */
export async function loadSqlTokenizer(): Promise<void> {
  if (scanner) return;
  const mod = (await import('libpg-query')) as unknown as Scanner;
  await mod.loadModule();
  scanner = mod;
}

/** `loadSqlTokenizer` then `tokenizeSql`. */
export async function tokenizeSqlAsync(sql: string, file?: string): Promise<SqlToken[]> {
  await loadSqlTokenizer();
  return tokenizeSql(sql, file);
}

/**
 * Every token of `sql`, comments included, in order. Throws an InputError (with `file` and the
 * line of the unterminated construct when it can tell) when the text cannot be scanned.
 */
export function tokenizeSql(sql: string, file?: string): SqlToken[] {
  if (!scanner) throw new Error('SQL tokenizer not loaded: await loadSqlTokenizer() first');
  let raw: RawToken[];
  try {
    // Same length as `sql`: offsets stay valid, token texts are read from `sql` itself.
    raw = scanner.scanSync(withStandardQuotes(sql, file)).tokens;
  } catch (err) {
    if (err instanceof InputError) throw err;
    // libpg-query loses the scanner's message on failure; the only scan errors are unterminated
    // constructs, which rsrun's own lexer locates.
    lexSql(sql, file, () => undefined);
    const name = digitLeadingName(sql, file);
    if (name) throw name;
    throw new InputError('cannot tokenize SQL: an unterminated quote, quoted identifier, comment or $$ body', {
      file,
      hint: 'close the quote, comment or $$ body that is left open',
      cause: err,
    });
  }
  const toChar = byteToCharOffsets(sql);
  const lines = new LineIndex(sql);
  return raw.map((t) => {
    const start = toChar(t.start);
    const end = toChar(t.end);
    const text = sql.slice(start, end);
    const kind = classify(t, text);
    return {
      kind,
      text,
      upper: kind === 'word' ? text.toUpperCase() : text,
      value: kind === 'quoted-ident' ? unquoteIdent(text) : text,
      start,
      end,
      line: lines.lineOf(start),
    };
  });
}

/**
 * The other scan error: a name that begins with a digit (`1_FULFILLED`), which PostgreSQL's scanner
 * rejects as trailing junk after a number. Redshift rejects it too: a standard identifier begins
 * with a letter or underscore (https://docs.aws.amazon.com/redshift/latest/dg/r_names.html).
 */
function digitLeadingName(sql: string, file: string | undefined): InputError | undefined {
  let found: InputError | undefined;
  lexSql(sql, file, (kind, start, end, line) => {
    const text = sql.slice(start, end);
    // Numbers that are a run of identifier characters too: 1e5, 0x1F, and 1e of 1e-5.
    if (found || kind !== 'code' || !/^\d[\d_]*[A-Za-z_$\u0080-\uffff]/.test(text)) return;
    if (/^(\d[\d_]*[eE]\d*|0[xX][\da-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+)$/.test(text)) return;
    found = new InputError(`${text} is not a valid name: a name without double quotes begins with a letter or underscore`, {
      file,
      line,
      hint: `rename it, or write it in double quotes ("${text.toLowerCase()}") wherever it is used`,
    });
  });
  return found;
}

/** Tokens without comments: what the server parses. */
export function codeTokens(tokens: readonly SqlToken[]): SqlToken[] {
  return tokens.filter((t) => t.kind !== 'comment');
}

/** Is `t` the unquoted word `word` (case-insensitive; pass `word` upper-case)? */
export function isWord(t: SqlToken | undefined, ...words: string[]): boolean {
  return t !== undefined && t.kind === 'word' && words.includes(t.upper);
}

/** Is `t` the punctuation or operator `text`? */
export function isSymbol(t: SqlToken | undefined, text: string): boolean {
  return t !== undefined && (t.kind === 'punct' || t.kind === 'operator') && t.text === text;
}

/**
 * Does the token sequence starting at `from` spell `words` (upper-case words; `'('` etc. for
 * symbols)? `matchWords(ts, i, 'CREATE', 'TABLE')`.
 */
export function matchWords(tokens: readonly SqlToken[], from: number, ...words: string[]): boolean {
  return words.every((w, k) => {
    const t = tokens[from + k];
    return /^[A-Z_]/.test(w) ? isWord(t, w) : isSymbol(t, w);
  });
}

/** Index of the token closing the bracket opened at `open` (`(`/`[`), or tokens.length. */
export function closingBracket(tokens: readonly SqlToken[], open: number): number {
  const o = tokens[open]?.text;
  const c = o === '[' ? ']' : ')';
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    const t = tokens[i] as SqlToken;
    if (t.kind !== 'punct') continue;
    if (t.text === o) depth++;
    else if (t.text === c && --depth === 0) return i;
  }
  return tokens.length;
}

/** Name of an identifier token (word lower-cased as the server folds it, quoted kept as written). */
export function identName(t: SqlToken): string {
  return t.kind === 'quoted-ident' ? t.value : t.text.toLowerCase();
}

const PUNCT = new Set(['(', ')', '[', ']', ',', ';', '.', ':']);

function classify(t: RawToken, text: string): SqlTokenKind {
  switch (t.tokenName) {
    case 'SQL_COMMENT':
    case 'C_COMMENT':
      return 'comment';
    case 'ICONST':
    case 'FCONST':
      return 'number';
    case 'PARAM':
      return 'param';
    default:
  }
  if (t.keywordName !== 'NO_KEYWORD') return 'word';
  if (text.startsWith('"') || /^u&"/i.test(text)) return 'quoted-ident';
  if (/^([ebxn]|u&)?'/i.test(text) || /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.test(text)) return 'string';
  if (t.tokenName === 'IDENT') return 'word';
  if (/^[0-9.]/.test(text) && /\d/.test(text)) return 'number';
  if (PUNCT.has(text)) return 'punct';
  return 'operator';
}

function unquoteIdent(text: string): string {
  const body = text.startsWith('"') ? text.slice(1, -1) : text.slice(3, -1);
  return body.replace(/""/g, '"');
}

/** The scanner reports UTF-8 byte offsets; map them to JavaScript string offsets. */
function byteToCharOffsets(sql: string): (byte: number) => number {
  if (Buffer.byteLength(sql, 'utf8') === sql.length) return (b) => b;
  const map = new Map<number, number>();
  let byte = 0;
  for (let i = 0; i < sql.length;) {
    map.set(byte, i);
    const cp = sql.codePointAt(i) as number;
    const units = cp > 0xffff ? 2 : 1;
    byte += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += units;
  }
  map.set(byte, sql.length);
  return (b) => map.get(b) ?? sql.length;
}

class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}
