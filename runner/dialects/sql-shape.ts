/**
 * Just enough structure over a statement's tokens for the lint: qualified names, data types,
 * CREATE TABLE column lists and the relations a query reads. Not a parser: each helper reads
 * the token shapes the Redshift and PostgreSQL grammars share and gives up quietly otherwise.
 */
import { closingBracket, identName, isSymbol, isWord, type SqlToken } from './sql-tokens';

export interface QualifiedName {
  /** Folded parts: lower-case for unquoted words, as written for quoted identifiers. */
  parts: string[];
  first: SqlToken;
  /** Index just after the name. */
  end: number;
  /** `#name` (Redshift temporary table) or declared TEMP/TEMPORARY. */
  temp: boolean;
}

const isName = (t: SqlToken | undefined): t is SqlToken => t !== undefined && (t.kind === 'word' || t.kind === 'quoted-ident');

/** Reads `a`, `a.b`, `"A".b`, `#tmp` starting at `i`. */
export function readName(ts: readonly SqlToken[], i: number): QualifiedName | undefined {
  let k = i;
  let temp = false;
  if (isSymbol(ts[k], '#') && isName(ts[k + 1]) && (ts[k + 1] as SqlToken).start === (ts[k] as SqlToken).end) {
    temp = true;
    k++;
  }
  const first = ts[k];
  if (!isName(first)) return undefined;
  const parts = [identName(first)];
  k++;
  while (isSymbol(ts[k], '.') && isName(ts[k + 1])) {
    parts.push(identName(ts[k + 1] as SqlToken));
    k += 2;
  }
  return { parts, first: ts[i] as SqlToken, end: k, temp };
}

/** Key for comparing table names across statements. */
export const nameKey = (n: QualifiedName): string => n.parts.join('.');

/** Do two names denote the same table, when one of them may omit the schema? */
export function sameTable(a: QualifiedName, b: QualifiedName): boolean {
  if (a.parts.length === b.parts.length) return nameKey(a) === nameKey(b);
  return a.parts[a.parts.length - 1] === b.parts[b.parts.length - 1];
}

export interface TypeRef {
  /** Upper-case, multi-word types joined by one space (`DOUBLE PRECISION`, `BIT VARYING`). */
  name: string;
  at: SqlToken;
  /** Type modifiers, e.g. `[256]` for VARCHAR(256); `MAX` becomes 65535. */
  args: number[];
  array: boolean;
  end: number;
}

const SECOND_WORD: Record<string, string[]> = {
  DOUBLE: ['PRECISION'],
  CHARACTER: ['VARYING'],
  CHAR: ['VARYING'],
  NATIONAL: ['CHARACTER', 'CHAR'],
  BIT: ['VARYING'],
};

/** Reads a data type starting at `i` (after a column name, `::`, `CAST(... AS`, `TYPE`). */
export function readType(ts: readonly SqlToken[], i: number): TypeRef | undefined {
  let k = i;
  // Schema-qualified type (pg_catalog.int4): the last part names it.
  while (isName(ts[k]) && isSymbol(ts[k + 1], '.') && isName(ts[k + 2])) k += 2;
  const at = ts[k];
  if (!isName(at)) return undefined;
  let name = at.kind === 'quoted-ident' ? `"${at.value}"` : at.upper;
  k++;
  const second = SECOND_WORD[name];
  if (second && isWord(ts[k], ...second)) {
    name = `${name} ${(ts[k] as SqlToken).upper}`;
    k++;
    if (name.startsWith('NATIONAL') && isWord(ts[k], 'VARYING')) {
      name += ' VARYING';
      k++;
    }
  }
  const args: number[] = [];
  if (isSymbol(ts[k], '(')) {
    const close = closingBracket(ts, k);
    for (let j = k + 1; j < close; j++) {
      const t = ts[j] as SqlToken;
      if (t.kind === 'number') args.push(Number(t.text));
      else if (isWord(t, 'MAX')) args.push(65535);
    }
    k = close + 1;
  }
  if (
    (name === 'TIME' || name === 'TIMESTAMP') &&
    isWord(ts[k], 'WITH', 'WITHOUT') &&
    isWord(ts[k + 1], 'TIME') &&
    isWord(ts[k + 2], 'ZONE')
  )
    k += 3;
  let array = false;
  while (isSymbol(ts[k], '[')) {
    array = true;
    k = closingBracket(ts, k) + 1;
  }
  if (isWord(ts[k], 'ARRAY')) {
    array = true;
    k++;
  }
  return { name, at, args, array, end: k };
}

export interface ColumnDef {
  name: SqlToken;
  type: TypeRef | undefined;
  /** Tokens after the type: DEFAULT, NOT NULL, ENCODE, CHECK, COLLATE ... */
  attrs: SqlToken[];
}

export interface TableDef {
  name: QualifiedName;
  temp: boolean;
  external: boolean;
  columns: ColumnDef[];
  /** Table-level constraint / LIKE / key elements of the column list. */
  elements: SqlToken[][];
  /** Tokens after the column list (or after the name for CTAS). */
  options: SqlToken[];
  /** CREATE TABLE ... AS SELECT. */
  asSelect: boolean;
  /** CREATE TABLE t (LIKE parent ...): distribution and sort keys are inherited. */
  like: boolean;
}

const TABLE_ELEMENT_START = new Set([
  'CONSTRAINT',
  'PRIMARY',
  'UNIQUE',
  'FOREIGN',
  'CHECK',
  'EXCLUDE',
  'LIKE',
  'DISTKEY',
  'SORTKEY',
  'INTERLEAVED',
  'COMPOUND',
]);

/** Parses `CREATE [LOCAL|GLOBAL] [TEMP|TEMPORARY|UNLOGGED|EXTERNAL] TABLE [IF NOT EXISTS] name ...`. */
export function parseCreateTable(ts: readonly SqlToken[]): TableDef | undefined {
  if (!isWord(ts[0], 'CREATE')) return undefined;
  let k = 1;
  let temp = false;
  let external = false;
  while (isWord(ts[k], 'LOCAL', 'GLOBAL', 'TEMP', 'TEMPORARY', 'UNLOGGED', 'EXTERNAL')) {
    if (isWord(ts[k], 'TEMP', 'TEMPORARY')) temp = true;
    if (isWord(ts[k], 'EXTERNAL')) external = true;
    k++;
  }
  if (!isWord(ts[k], 'TABLE')) return undefined;
  k++;
  if (isWord(ts[k], 'IF') && isWord(ts[k + 1], 'NOT') && isWord(ts[k + 2], 'EXISTS')) k += 3;
  const name = readName(ts, k);
  if (!name) return undefined;
  k = name.end;
  const def: TableDef = { name, temp: temp || name.temp, external, columns: [], elements: [], options: [], asSelect: false, like: false };
  if (isSymbol(ts[k], '(')) {
    const close = closingBracket(ts, k);
    for (const element of splitTopLevel(ts.slice(k + 1, close))) {
      const head = element[0];
      if (!head) continue;
      if (head.kind === 'word' && TABLE_ELEMENT_START.has(head.upper)) {
        if (head.upper === 'LIKE') def.like = true;
        def.elements.push(element);
        continue;
      }
      const type = readType(element, 1);
      def.columns.push({ name: head, type, attrs: element.slice(type ? type.end : 1) });
    }
    k = close + 1;
  }
  def.options = ts.slice(k);
  def.asSelect = def.options.some((t) => isWord(t, 'AS')) && def.columns.length === 0;
  return def;
}

/** Splits tokens on commas that are not inside brackets. */
export function splitTopLevel(ts: readonly SqlToken[]): SqlToken[][] {
  const out: SqlToken[][] = [[]];
  let depth = 0;
  for (const t of ts) {
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
    else if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
    if (depth === 0 && t.kind === 'punct' && t.text === ',') {
      out.push([]);
      continue;
    }
    (out[out.length - 1] as SqlToken[]).push(t);
  }
  return out;
}

/**
 * Relations a statement reads or writes through FROM / JOIN (including subqueries), minus CTE
 * names and table functions. `FROM` inside `EXTRACT(x FROM y)`, `TRIM(... FROM ...)` and the
 * like is not a table reference: only brackets that open a subquery count.
 */
export function referencedRelations(ts: readonly SqlToken[]): QualifiedName[] {
  const ctes = new Set<string>();
  const out: QualifiedName[] = [];
  const stack: boolean[] = []; // true = bracket opens a subquery
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i] as SqlToken;
    if (isSymbol(t, '(')) {
      stack.push(isWord(ts[i + 1], 'SELECT', 'WITH', 'VALUES'));
      continue;
    }
    if (isSymbol(t, ')')) {
      stack.pop();
      continue;
    }
    // WITH name AS ( ... ), name2 AS ( ... )
    if (
      isName(t) &&
      isWord(ts[i + 1], 'AS') &&
      isSymbol(ts[i + 2], '(') &&
      (isWord(ts[i - 1], 'WITH', 'RECURSIVE') || isSymbol(ts[i - 1], ','))
    ) {
      ctes.add(identName(t));
      continue;
    }
    const inQuery = stack.length === 0 || stack[stack.length - 1] === true;
    if (!inQuery || !isWord(t, 'FROM', 'JOIN')) continue;
    let k = i + 1;
    for (;;) {
      if (isWord(ts[k], 'ONLY', 'LATERAL')) k++;
      const name = readName(ts, k);
      if (!name) break;
      const isFunction = isSymbol(ts[name.end], '(');
      if (!isFunction && !(name.parts.length === 1 && ctes.has(name.parts[0] as string))) out.push(name);
      k = isFunction ? closingBracket(ts, name.end) + 1 : name.end;
      if (isWord(ts[k], 'AS')) k++;
      if (isName(ts[k]) && !isReservedAfterFrom(ts[k] as SqlToken)) k++;
      if (!isSymbol(ts[k], ',')) break;
      k++;
    }
  }
  return out;
}

const AFTER_FROM = new Set([
  'WHERE',
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'CROSS',
  'NATURAL',
  'ON',
  'USING',
  'GROUP',
  'ORDER',
  'HAVING',
  'LIMIT',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'MINUS',
  'WINDOW',
  'QUALIFY',
  'OFFSET',
  'SET',
  'FOR',
]);
const isReservedAfterFrom = (t: SqlToken) => t.kind === 'word' && AFTER_FROM.has(t.upper);
