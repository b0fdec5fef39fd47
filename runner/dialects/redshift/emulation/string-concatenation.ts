/**
 * `+` between strings concatenates on Redshift: AWS's own NVL2 example selects
 * `(firstname + ' ' + lastname) as name` (r_NVL2), and real procedures build SQL text with
 * `'... ' + var + ' ...'`. PostgreSQL has no text + text operator.
 *
 * The rewriter cannot know column types, so it decides per chain: the operands joined by `+` at
 * one nesting level, between operators that bind less tightly (comparisons, `||`, AND, commas,
 * keywords, brackets). A chain with a string literal among its operands is a concatenation and
 * every `+` in it becomes `||`; other chains stay arithmetic. Operands keep their grouping: `*`, `/`,
 * `::` and function calls bind tighter than both `+` and `||`. A chain of column names only
 * (`a + b` on two VARCHARs) is left to the server, which then says that the operator does not exist.
 */
import type { SqlToken } from '../../sql-tokens';
import type { RewriteContext } from './rewrite-context';

/** Words that end an operand: keywords of clauses and of predicates binding less tightly than `+`. */
const BOUNDARY_WORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'IS',
  'IN',
  'LIKE',
  'ILIKE',
  'SIMILAR',
  'BETWEEN',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'CASE',
  'AS',
  'FROM',
  'WHERE',
  'SELECT',
  'ON',
  'USING',
  'GROUP',
  'ORDER',
  'BY',
  'HAVING',
  'LIMIT',
  'OFFSET',
  'UNION',
  'INTERSECT',
  'EXCEPT',
  'MINUS',
  'DISTINCT',
  'ALL',
  'ASC',
  'DESC',
  'NULLS',
  'INTO',
  'VALUES',
  'SET',
  'RETURN',
  'RETURNS',
  'RAISE',
  'INFO',
  'NOTICE',
  'EXCEPTION',
  'EXECUTE',
  'PERFORM',
  'IF',
  'LOOP',
  'ELSIF',
  'JOIN',
  'LEFT',
  'RIGHT',
  'FULL',
  'INNER',
  'CROSS',
  'OUTER',
  'WITH',
  'COLLATE',
  'ESCAPE',
  'TOP',
  'OVER',
  'PARTITION',
  'WITHIN',
]);

/** Operators binding at least as tightly as `+`: they stay inside an operand. */
const TIGHT_OPERATORS = new Set(['*', '/', '%', '^', '::', '.', '[', ']']);

/**
 * Called on a `+` token at `i` that no earlier chain covered; returns the indexes of the `+`
 * tokens of its chain (to skip later) after turning them into `||` when the chain concatenates.
 */
export function concatenationChain(ctx: RewriteContext, i: number): number[] {
  if (!isBinaryPlus(ctx, i)) return [i];
  const pluses = [i];
  let hasString = operandHasString(ctx, operandStart(ctx, i - 1), i - 1);
  let k = i;
  for (;;) {
    const end = operandEnd(ctx, k + 1);
    if (end < k + 1) return pluses;
    if (ctx.tok(k + 1)?.kind === 'string' && end === k + 1) hasString = true;
    else if (operandHasString(ctx, k + 1, end)) hasString = true;
    if (!ctx.isSymbol(end + 1, '+')) break;
    k = end + 1;
    pluses.push(k);
  }
  if (hasString) for (const p of pluses) ctx.replace(p, p, '||');
  return pluses;
}

/** Type names whose values `+` concatenates (r_Character_types): the last cast of an operand decides. */
const CHARACTER_TYPES = new Set(['TEXT', 'VARCHAR', 'CHAR', 'CHARACTER', 'BPCHAR', 'NCHAR', 'NVARCHAR']);

/**
 * A string literal, possibly cast to a character type, is the whole operand: `'x'`, `'x'::text`.
 * A literal cast to anything else is that type's value: `'2024-01-01'::date + 30` adds days and
 * `'1'::int + 1.5` adds numbers, as on Redshift.
 */
function operandHasString(ctx: RewriteContext, from: number, to: number): boolean {
  if (from > to || ctx.tok(from)?.kind !== 'string') return false;
  if (from === to) return true;
  if (!ctx.isSymbol(from + 1, '::')) return false;
  let lastCast = from + 1;
  for (let k = from + 2; k <= to; k++) if (ctx.isSymbol(k, '::')) lastCast = k;
  const type = ctx.tok(lastCast + 1);
  return type?.kind === 'word' && CHARACTER_TYPES.has(type.upper);
}

function isBinaryPlus(ctx: RewriteContext, i: number): boolean {
  const prev = ctx.tok(i - 1);
  if (!prev) return false;
  if (prev.kind === 'punct') return prev.text === ')' || prev.text === ']';
  if (prev.kind === 'operator') return false;
  return !(prev.kind === 'word' && BOUNDARY_WORDS.has(prev.upper));
}

function isBoundary(t: SqlToken | undefined): boolean {
  if (!t) return true;
  if (t.kind === 'punct') return t.text === ',' || t.text === ';' || t.text === '(' || t.text === ')';
  if (t.kind === 'operator') return !TIGHT_OPERATORS.has(t.text) && t.text !== '+' && t.text !== '-';
  return t.kind === 'word' && BOUNDARY_WORDS.has(t.upper);
}

/** First token of the operand ending at `end` (walking back over brackets and tight operators). */
function operandStart(ctx: RewriteContext, end: number): number {
  let j = end;
  for (;;) {
    const t = ctx.tok(j);
    if (!t) return j + 1;
    if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) {
      j = openerOf(ctx, j) - 1;
      continue;
    }
    if (t.kind === 'word' && t.upper === 'END' && !ctx.isWord(j + 1, 'IF', 'LOOP', 'CASE')) {
      j = caseOf(ctx, j) - 1;
      continue;
    }
    if (isBoundary(t) || ctx.isSymbol(j, '+') || ctx.isSymbol(j, '-')) return j + 1;
    j--;
  }
}

/** Last token of the operand starting at `start`, or start - 1 when there is none. */
function operandEnd(ctx: RewriteContext, start: number): number {
  let j = start;
  // A leading sign belongs to the operand: 'a' + -1.
  if (ctx.isSymbol(j, '-') || ctx.isSymbol(j, '+')) j++;
  let last = start - 1;
  for (;;) {
    const t = ctx.tok(j);
    if (!t) return last;
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) {
      j = ctx.close(j);
      last = j;
      j++;
      continue;
    }
    if (t.kind === 'word' && t.upper === 'CASE') {
      // CASE ... END is one primary expression.
      j = endOf(ctx, j);
      last = j;
      j++;
      continue;
    }
    if (isBoundary(t) || ctx.isSymbol(j, '+') || ctx.isSymbol(j, '-')) return last;
    last = j;
    j++;
  }
}

/** Index of the END closing the CASE at `open` (nested CASEs and brackets skipped). */
function endOf(ctx: RewriteContext, open: number): number {
  let depth = 0;
  for (let j = open; j < ctx.tokens.length; j++) {
    if (ctx.isSymbol(j, '(')) j = ctx.close(j);
    else if (ctx.isWord(j, 'CASE')) depth++;
    else if (ctx.isWord(j, 'END') && --depth === 0) return j;
  }
  return ctx.tokens.length - 1;
}

/** Index of the CASE opened by the END at `end`. */
function caseOf(ctx: RewriteContext, end: number): number {
  let depth = 0;
  for (let j = end; j >= 0; j--) {
    if (ctx.isSymbol(j, ')')) j = openerOf(ctx, j);
    else if (ctx.isWord(j, 'END') && !ctx.isWord(j + 1, 'IF', 'LOOP', 'CASE')) depth++;
    else if (ctx.isWord(j, 'CASE') && --depth === 0) return j;
  }
  return 0;
}

/** Index of the bracket opening the one closing at `close`. */
function openerOf(ctx: RewriteContext, close: number): number {
  const c = ctx.tok(close)?.text;
  const o = c === ']' ? '[' : '(';
  let depth = 0;
  for (let j = close; j >= 0; j--) {
    const t = ctx.tok(j);
    if (t?.kind !== 'punct') continue;
    if (t.text === c) depth++;
    else if (t.text === o && --depth === 0) return j;
  }
  return 0;
}
