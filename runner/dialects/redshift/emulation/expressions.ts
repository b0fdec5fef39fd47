/**
 * Expression-level rewrites over any statement: Redshift functions PostgreSQL lacks are called in
 * the compat schema (`rsrun_compat.name(...)`, see compat-schema.ts), bare date parts become
 * string literals, SYSDATE becomes a call, and the aggregates whose syntax differs (LISTAGG,
 * MEDIAN, APPROXIMATE COUNT) are respelled in PostgreSQL's syntax.
 *
 * Calls are qualified rather than relying on search_path: a migration that sets its own
 * search_path keeps working, and PostgreSQL built-ins with the same name but another meaning
 * (JSON_EXTRACT_PATH_TEXT on json, DATE_TRUNC without Redshift's date-part abbreviations) are
 * not shadowed for SQL that is not Redshift's.
 */
import { sqlString } from './sql-literals';
import { COMPAT_SCHEMA, COMPAT_FUNCTIONS } from './compat-schema';
import { rewriteType } from './data-types';
import { RewriteContext } from './rewrite-context';
import { codeTokens, tokenizeSql } from '../../sql-tokens';

/** Functions whose Redshift form takes a bare date part as first argument (r_Dateparts_for_datetime_functions). */
const DATEPART_FIRST = new Set(['DATEADD', 'DATEDIFF', 'DATE_PART', 'PGDATE_PART', 'DATE_TRUNC']);

/** Same meaning under another PostgreSQL name. */
const RENAMES: Record<string, string> = {
  // NVL(expr1, expr2 [, ...]) "is identical to COALESCE" (r_NVL_function).
  NVL: 'coalesce',
  // LEN counts characters; trailing blanks of CHAR are ignored as by PostgreSQL's length(bpchar) (r_LEN).
  LEN: 'length',
  // TEXTLEN is a synonym of LEN (r_LEN).
  TEXTLEN: 'length',
  PGDATE_PART: `${COMPAT_SCHEMA}.date_part`,
};

export function rewriteExpressions(ctx: RewriteContext, from = 0, to = ctx.tokens.length - 1): void {
  for (let i = from; i <= to; i++) {
    const t = ctx.tok(i);
    if (!t) break;
    if (t.kind === 'operator' && t.text === '::') {
      rewriteType(ctx, i + 1, 'cast');
      continue;
    }
    if (t.kind !== 'word') continue;
    const qualified = ctx.isSymbol(i - 1, '.');
    if (qualified) continue;
    const w = t.upper;
    const call = ctx.isSymbol(i + 1, '(');

    if (w === 'SYSDATE' && !call) {
      // SYSDATE is written without parentheses (r_SYSDATE): the transaction's start time.
      ctx.replace(i, i, `${COMPAT_SCHEMA}.sysdate()`);
      continue;
    }
    if (w === 'APPROXIMATE' && ctx.isWord(i + 1, 'COUNT', 'PERCENTILE_DISC')) {
      // APPROXIMATE COUNT(DISTINCT x) estimates with HyperLogLog, relative error ~2% (r_COUNT):
      // the exact count is within that bound, so locally the exact value is returned.
      ctx.replaceRange(t.start, (ctx.tok(i + 1) as { start: number }).start, '');
      continue;
    }
    if (!call) continue;
    if (w === 'CAST') {
      castType(ctx, i + 1);
      continue;
    }
    if (DATEPART_FIRST.has(w)) literalDatePart(ctx, i + 1);
    if (RENAMES[w] !== undefined) {
      ctx.replace(i, i, RENAMES[w] as string);
    } else if (w === 'DECODE' && ctx.args(i + 1).length >= 3) {
      i = decode(ctx, i);
    } else if (w === 'LISTAGG') {
      i = listagg(ctx, i);
    } else if (w === 'MEDIAN') {
      i = median(ctx, i);
    } else if (COMPAT_FUNCTIONS.has(t.text.toLowerCase())) {
      ctx.insertBefore(i, `${COMPAT_SCHEMA}.`);
    }
  }
}

function castType(ctx: RewriteContext, open: number): void {
  const close = ctx.close(open);
  let depth = 0;
  for (let j = open + 1; j < close; j++) {
    if (ctx.isSymbol(j, '(')) depth++;
    else if (ctx.isSymbol(j, ')')) depth--;
    else if (depth === 0 && ctx.isWord(j, 'AS')) {
      rewriteType(ctx, j + 1, 'cast');
      return;
    }
  }
}

/** `DATEADD(day, ...)` → `DATEADD('day', ...)`: Redshift takes date parts as bare words. */
function literalDatePart(ctx: RewriteContext, open: number): void {
  const [first] = ctx.args(open);
  if (!first || first[0] !== first[1]) return;
  const t = ctx.tok(first[0]);
  if (t && t.kind === 'word') ctx.replace(first[0], first[0], sqlString(t.text.toLowerCase()));
}

/**
 * DECODE(expr, search, result [, search, result]... [, default]) → CASE. A NULL expression
 * matches a NULL search (r_DECODE_expression), hence IS NOT DISTINCT FROM. With two arguments
 * it is PostgreSQL's own decode(text, format), left alone.
 */
function decode(ctx: RewriteContext, i: number): number {
  const open = i + 1;
  const args = ctx.args(open);
  const [expr, ...rest] = args as [[number, number], ...Array<[number, number]>];
  const e = `(${ctx.text(expr[0], expr[1])})`;
  let out = 'CASE';
  let k = 0;
  for (; k + 1 < rest.length; k += 2) {
    const [s, r] = [rest[k] as [number, number], rest[k + 1] as [number, number]];
    out += ` WHEN ${e} IS NOT DISTINCT FROM (${ctx.text(s[0], s[1])}) THEN ${ctx.text(r[0], r[1])}`;
  }
  if (k < rest.length) {
    const d = rest[k] as [number, number];
    out += ` ELSE ${ctx.text(d[0], d[1])}`;
  }
  out += ' END';
  return replaceWhole(ctx, i, ctx.close(open), out);
}

/**
 * LISTAGG(expr [, delimiter]) WITHIN GROUP (ORDER BY ...) → string_agg(expr::text, delimiter ORDER BY ...).
 * Without a delimiter values are concatenated (r_LISTAGG). As a window function (OVER) with
 * WITHIN GROUP, PostgreSQL cannot order inside the window aggregate: an error says so.
 */
function listagg(ctx: RewriteContext, i: number): number {
  const open = i + 1;
  const close = ctx.close(open);
  const args = ctx.args(open);
  if (args.length < 1 || args.length > 2) throw ctx.invalid(i, 'LISTAGG takes (expression [, delimiter])', 'see r_LISTAGG');
  const [expr, delim] = args as [[number, number], [number, number] | undefined];
  let distinct = '';
  let e0 = expr[0];
  if (ctx.isWord(e0, 'DISTINCT')) {
    distinct = 'DISTINCT ';
    e0++;
  }
  const value = `(${ctx.text(e0, expr[1])})::text`;
  const delimiter = delim ? ctx.text(delim[0], delim[1]) : "''";
  let orderBy = '';
  let end = close;
  if (ctx.isWord(close + 1, 'WITHIN') && ctx.isWord(close + 2, 'GROUP') && ctx.isSymbol(close + 3, '(')) {
    const wgClose = ctx.close(close + 3);
    orderBy = ` ${ctx.text(close + 4, wgClose - 1)}`;
    end = wgClose;
    if (ctx.isWord(end + 1, 'OVER')) {
      throw ctx.unsupported(
        i,
        'LISTAGG ... WITHIN GROUP (ORDER BY ...) OVER (...)',
        'aggregate with GROUP BY and join back, or drop WITHIN GROUP from the window form',
      );
    }
    if (distinct && orderBy) {
      // PostgreSQL requires DISTINCT aggregates to order by the aggregated value itself.
      orderBy = orderBy.replace(/^\s*ORDER\s+BY\s+/i, ' ORDER BY ');
    }
  }
  return replaceWhole(ctx, i, end, `string_agg(${distinct}${value}, ${delimiter}${orderBy})`);
}

/** MEDIAN(expr) = PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY expr) (r_MEDIAN). */
function median(ctx: RewriteContext, i: number): number {
  const open = i + 1;
  const close = ctx.close(open);
  if (ctx.isWord(close + 1, 'OVER')) {
    throw ctx.unsupported(
      i,
      'MEDIAN(...) OVER (...)',
      'PostgreSQL has no ordered-set window aggregates: compute the median per group with GROUP BY and join back',
    );
  }
  const inner = ctx.text(open + 1, close - 1);
  return replaceWhole(ctx, i, close, `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${inner})`);
}

/**
 * Replaces tokens `from..to` with `text` built from their own source, after rewriting the Redshift
 * expressions inside it (nested NVL, DATEADD, ...), and returns `to` so the caller's scan resumes
 * after the replaced range (edits never overlap).
 */
function replaceWhole(ctx: RewriteContext, from: number, to: number, text: string): number {
  const inner = new RewriteContext(text, codeTokens(tokenizeSql(text, ctx.where.file)), ctx.where);
  rewriteExpressions(inner);
  ctx.replace(from, to, inner.apply());
  return to;
}
