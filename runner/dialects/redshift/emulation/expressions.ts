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
import { hasRedshiftEscapes, redshiftLiteralValue, sqlString } from './sql-literals';
import { COMPAT_SCHEMA, COMPAT_FUNCTIONS } from './compat-schema';
import { TEXT_FIRST_FUNCTIONS } from './compat-semantics';
import { rewriteType } from './data-types';
import { RewriteContext } from './rewrite-context';
import { concatenationChain } from './string-concatenation';
import { windowedPercentile } from './window-percentile';
import { codeTokens, tokenizeSql, type SqlToken } from '../../sql-tokens';

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
  // REPLICATE "is a synonym for the REPEAT function" (r_REPLICATE).
  REPLICATE: `${COMPAT_SCHEMA}.repeat`,
};

/** Window functions taking `IGNORE NULLS | RESPECT NULLS` after their arguments (r_WF_first_value, r_WF_LAG, ...). */
const NULLS_TREATMENT = new Set(['FIRST_VALUE', 'LAST_VALUE', 'NTH_VALUE', 'LAG', 'LEAD']);

/**
 * Redshift functions without a faithful local equivalent: refused by name rather than left to
 * PostgreSQL's "function does not exist" or, worse, a different value.
 */
const NOT_EMULATED: Record<string, string> = {
  // r_CHECKSUM does not document its algorithm, so no local value could match the cluster's.
  CHECKSUM: 'compare with MD5() or SHA2() in local runs; CHECKSUM values exist only on a cluster',
  // r_is_float: SUPER is jsonb locally, which keeps every number as numeric (compat-super.ts).
  IS_FLOAT: 'the local SUPER (jsonb) stores every number as a decimal; test with IS_DECIMAL, which is true for both locally',
};

/**
 * HyperLogLog (hyperloglog-functions: HLL, HLL_CREATE_SKETCH, HLL_CARDINALITY, HLL_COMBINE, ...)
 * and spatial functions (ST_Point-function, ST_AsText-function, ... over GEOMETRY and GEOGRAPHY):
 * whole families without a local engine behind them (no HLLSKETCH type, no PostGIS in either
 * local engine), refused by name rather than left to "function does not exist".
 */
function notEmulatedFamily(name: string): string {
  return name.startsWith('ST_')
    ? 'spatial functions need GEOMETRY/GEOGRAPHY, which the local warehouse does not have: keep spatial SQL in a project deployed to Redshift only, or test it on a cluster'
    : 'HyperLogLog sketches (HLLSKETCH) exist only on a cluster: count exactly with COUNT(DISTINCT x) in local runs (APPROXIMATE COUNT(DISTINCT x) is emulated exactly)';
}

export function rewriteExpressions(ctx: RewriteContext, from = 0, to = ctx.tokens.length - 1): void {
  const chained = new Set<number>();
  for (let i = from; i <= to; i++) {
    const t = ctx.tok(i);
    if (!t) break;
    if (t.kind === 'operator' && t.text === '+' && !chained.has(i)) {
      for (const p of concatenationChain(ctx, i)) chained.add(p);
      continue;
    }
    if (hasRedshiftEscapes(t)) {
      literal(ctx, i);
      continue;
    }
    if (t.kind === 'operator' && t.text === '::') {
      rewriteType(ctx, i + 1, 'cast');
      continue;
    }
    if (t.kind !== 'word') continue;
    if (isMaxLengthType(ctx, i)) {
      // VARCHAR(MAX) wherever a type is written: PL/pgSQL DECLARE sections, RETURNS, arguments (r_Character_types).
      rewriteType(ctx, i, 'cast');
      continue;
    }
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
    if (w === 'ARRAY' && !ctx.isWord(i + 2, 'SELECT', 'WITH')) {
      // ARRAY(a, b, ...) builds a SUPER array (r_array); ARRAY(SELECT ...) is PostgreSQL's, left alone.
      // Its result column is named "array" there, as a bare select item's name comes from the function.
      ctx.replace(i, i, 'jsonb_build_array');
      if (isBareSelectItem(ctx, i, ctx.close(i + 1))) ctx.insertAfter(ctx.close(i + 1), ' AS "array"');
    } else if (w === 'OBJECT') {
      // OBJECT(key1, value1, ...) builds a SUPER object (r_object_function), a column named "object".
      ctx.replace(i, i, 'jsonb_build_object');
      if (isBareSelectItem(ctx, i, ctx.close(i + 1))) ctx.insertAfter(ctx.close(i + 1), ' AS "object"');
    } else if (RENAMES[w] !== undefined) {
      ctx.replace(i, i, RENAMES[w]);
    } else if (w === 'DECODE' && ctx.args(i + 1).length >= 3) {
      i = decode(ctx, i);
    } else if (w === 'LISTAGG') {
      i = listagg(ctx, i);
    } else if (w === 'MEDIAN') {
      i = median(ctx, i);
    } else if (w === 'AVG') {
      i = average(ctx, i);
    } else if (w === 'EXTRACT') {
      i = extract(ctx, i);
    } else if (
      NULLS_TREATMENT.has(w) &&
      ctx.isWord(ctx.close(i + 1) + 1, 'IGNORE', 'RESPECT') &&
      ctx.isWord(ctx.close(i + 1) + 2, 'NULLS')
    ) {
      i = nullsTreatment(ctx, i, false);
    } else if (
      // FIRST_VALUE and LAST_VALUE take it inside the parentheses too: `first_value(venuename ignore nulls)` (r_WF_first_value).
      (w === 'FIRST_VALUE' || w === 'LAST_VALUE') &&
      ctx.isWord(ctx.close(i + 1) - 2, 'IGNORE', 'RESPECT') &&
      ctx.isWord(ctx.close(i + 1) - 1, 'NULLS')
    ) {
      i = nullsTreatment(ctx, i, true);
    } else if (w === 'CONVERT' && ctx.args(i + 1).length === 2) {
      i = convert(ctx, i);
    } else if (w === 'RATIO_TO_REPORT') {
      i = ratioToReport(ctx, i);
    } else if ((w === 'PERCENTILE_CONT' || w === 'PERCENTILE_DISC') && isWindowed(ctx, ctx.close(i + 1))) {
      i = windowedPercentile(ctx, i, (from, to) => rewrittenText(ctx, from, to));
    } else if (w === 'HLL' || w.startsWith('HLL_') || w.startsWith('ST_')) {
      throw ctx.unsupported(i, `${w}()`, notEmulatedFamily(w));
    } else if (NOT_EMULATED[w] !== undefined) {
      throw ctx.unsupported(i, `${w}()`, NOT_EMULATED[w]);
    } else if (COMPAT_FUNCTIONS.has(t.text.toLowerCase()) || Object.hasOwn(TEXT_FIRST_FUNCTIONS, t.text.toLowerCase())) {
      ctx.insertBefore(i, `${COMPAT_SCHEMA}.`);
    }
  }
}

/** A literal with backslash escapes becomes the standard literal of the value Redshift reads. */
function literal(ctx: RewriteContext, i: number): void {
  const value = redshiftLiteralValue((ctx.tok(i) as { text: string }).text);
  if (value === undefined) {
    throw ctx.invalid(i, 'invalid byte sequence for encoding "UTF8" in a string literal', 'octal/hex escapes must spell UTF-8 bytes');
  }
  ctx.replace(i, i, sqlString(value));
}

/** `VARCHAR(MAX)`, `CHARACTER VARYING(MAX)`, `NVARCHAR(MAX)`, `CHAR(MAX)` not rewritten yet. */
function isMaxLengthType(ctx: RewriteContext, i: number): boolean {
  const open = ctx.isWord(i + 1, 'VARYING') ? i + 2 : i + 1;
  return (
    ctx.isWord(i, 'VARCHAR', 'NVARCHAR', 'CHARACTER', 'CHAR', 'NCHAR') &&
    ctx.isSymbol(open, '(') &&
    ctx.isWord(open + 1, 'MAX') &&
    ctx.isSymbol(open + 2, ')') &&
    ctx.untouched(i, open + 2) &&
    !ctx.isSymbol(i - 1, '.')
  );
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
 * LISTAGG([DISTINCT] expr [, delimiter]) [WITHIN GROUP (ORDER BY ...)] (r_LISTAGG): "NULL values
 * and empty strings are ignored", the default delimiter concatenates. Rewritten as
 * array_to_string over array_agg(... ORDER BY ...), which accepts DISTINCT with the documented
 * `listagg(distinct x, ', ') within group (order by x)`; empty strings are removed from the
 * array and a list of nothing is NULL. The window form with WITHIN GROUP has no PostgreSQL
 * equivalent (no ordered aggregates over windows): an error says so.
 */
function listagg(ctx: RewriteContext, i: number): number {
  const open = i + 1;
  const close = ctx.close(open);
  const args = ctx.args(open);
  if (args.length < 1 || args.length > 2) throw ctx.invalid(i, 'LISTAGG takes (expression [, delimiter])', 'see r_LISTAGG');
  const [expr, delim] = args as [[number, number], [number, number] | undefined];
  const distinct = ctx.isWord(expr[0], 'DISTINCT');
  const e0 = distinct ? expr[0] + 1 : expr[0];
  const value = ctx.text(e0, expr[1]);
  const delimiter = delim ? ctx.text(delim[0], delim[1]) : "''";
  let orderBy = '';
  let end = close;
  if (ctx.isWord(close + 1, 'WITHIN') && ctx.isWord(close + 2, 'GROUP') && ctx.isSymbol(close + 3, '(')) {
    const wgClose = ctx.close(close + 3);
    orderBy = ` ${ctx.text(close + 4, wgClose - 1)}`;
    end = wgClose;
    if (distinct && !ordersBy(ctx, close + 4, wgClose - 1, value)) {
      throw ctx.unsupported(
        i,
        'LISTAGG(DISTINCT x) WITHIN GROUP (ORDER BY another expression)',
        'order a DISTINCT list by the listed expression itself',
      );
    }
  }
  let list = `array_agg(${distinct ? 'DISTINCT ' : ''}(${value})${orderBy})`;
  if (ctx.isWord(end + 1, 'OVER')) {
    // The window form (r_WF_LISTAGG: OVER ([PARTITION BY ...]) only): PostgreSQL cannot order inside
    // a window aggregate, so the window itself is ordered and framed over the whole partition.
    const overOpen = end + 2;
    const overClose = ctx.close(overOpen);
    const partition = ctx.text(overOpen + 1, overClose - 1);
    list = `array_agg((${value})) OVER (${partition}${orderBy} ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)`;
    if (distinct) list = `${COMPAT_SCHEMA}.array_distinct(${list})`;
    end = overClose;
  }
  return replaceWhole(ctx, i, end, `NULLIF(array_to_string(array_remove((${list})::text[], ''), ${delimiter}), '')`);
}

/** Is `ORDER BY a [ASC|DESC] ...` between `from..to` ordering by `value` alone? */
function ordersBy(ctx: RewriteContext, from: number, to: number, value: string): boolean {
  const norm = (text: string) => text.replace(/[\s()]+/g, '').toLowerCase();
  const keys = ctx
    .text(from, to)
    .replace(/^\s*ORDER\s+BY\s+/i, '')
    .replace(/\s+(ASC|DESC)\b|\s+NULLS\s+(FIRST|LAST)\b/gi, '');
  return norm(keys) === norm(value);
}

/**
 * AVG(x): BIGINT for integer x, DECIMAL(38, s) for DECIMAL(p, s), DOUBLE PRECISION for floats
 * (r_AVG). PostgreSQL returns numeric for integers, so the result is passed through
 * avg_as(AVG(x), MIN(x)), MIN(x) telling the function x's type (compat-semantics.ts).
 */
function average(ctx: RewriteContext, i: number): number {
  const open = i + 1;
  const close = ctx.close(open);
  const [arg] = ctx.args(open);
  if (!arg) return close;
  const quantifier = ctx.isWord(arg[0], 'DISTINCT', 'ALL') ? `${ctx.tok(arg[0])?.text ?? ''} ` : '';
  const inner = rewrittenText(ctx, quantifier ? arg[0] + 1 : arg[0], arg[1]);
  const { end, over } = windowClause(ctx, close);
  ctx.replace(i, end, `${COMPAT_SCHEMA}.avg_as(${ctx.tok(i)?.text ?? 'avg'}(${quantifier}${inner})${over}, min(${inner})${over})`);
  return end;
}

/**
 * EXTRACT(part FROM expr) → extract_part('part', expr): Redshift returns the integer of that part
 * alone (r_EXTRACT_function, r_Dateparts_for_datetime_functions; compat-semantics.ts).
 */
function extract(ctx: RewriteContext, i: number): number {
  const open = i + 1;
  const close = ctx.close(open);
  const part = ctx.tok(open + 1);
  if (!part || !ctx.isWord(open + 2, 'FROM') || close <= open + 3) return close;
  const name = part.kind === 'string' ? part.text : sqlString(part.text.toLowerCase());
  ctx.replace(i, close, `${COMPAT_SCHEMA}.extract_part(${name}, ${rewrittenText(ctx, open + 3, close - 1)})`);
  return close;
}

/**
 * CONVERT(type, expression) is CAST(expression AS type) (r_CONVERT_function). PostgreSQL's own
 * convert(bytes, from, to) takes three arguments and is left alone.
 */
function convert(ctx: RewriteContext, i: number): number {
  const open = i + 1;
  const [type, expr] = ctx.args(open) as [[number, number], [number, number]];
  return replaceWhole(ctx, i, ctx.close(open), `CAST((${ctx.text(expr[0], expr[1])}) AS ${ctx.text(type[0], type[1])})`);
}

/**
 * RATIO_TO_REPORT(x) OVER ([PARTITION BY ...]) (r_WF_RATIO_TO_REPORT): the row's value over the sum
 * of the window's values, a FLOAT8; NULL for a NULL value.
 */
function ratioToReport(ctx: RewriteContext, i: number): number {
  const open = i + 1;
  const close = ctx.close(open);
  const { end, over } = windowClause(ctx, close);
  if (!over) throw ctx.invalid(i, 'RATIO_TO_REPORT needs an OVER ([PARTITION BY ...]) clause', 'see r_WF_RATIO_TO_REPORT');
  const x = `(${rewrittenText(ctx, open + 1, close - 1)})::double precision`;
  ctx.replace(i, end, `(${x} / sum(${x})${over})`);
  return end;
}

/**
 * `f(x [, n]) IGNORE NULLS OVER (...)`, which PostgreSQL cannot parse: the non-NULL values of the
 * frame are collected with array_agg over the same window and picked by position (compat-semantics.ts).
 * FIRST_VALUE/LAST_VALUE/NTH_VALUE keep their frame; LAG and LEAD, which take none, look at the rows
 * before or after the current one. `RESPECT NULLS` is the default and is dropped.
 */
function nullsTreatment(ctx: RewriteContext, i: number, inside: boolean): number {
  const open = i + 1;
  const close = ctx.close(open);
  // `treatment` is the IGNORE/RESPECT token, `last` the token before OVER.
  const treatment = inside ? close - 2 : close + 1;
  const last = inside ? close : close + 2;
  if (ctx.isWord(treatment, 'RESPECT')) {
    if (inside) ctx.remove(treatment, treatment + 1);
    else ctx.replace(treatment, treatment + 1, '');
    return i;
  }
  const w = ctx.tok(i)?.upper ?? '';
  const { end, over } = windowClause(ctx, last);
  if (!over || !ctx.isSymbol(last + 2, '('))
    throw ctx.invalid(i, `${w} ... IGNORE NULLS needs an OVER (...) clause`, 'see r_WF_first_value');
  const [x, n] = ctx.args(open).map(([a, b]) => rewrittenText(ctx, a, inside && b === close - 1 ? b - 2 : b));
  const offset = n ?? '1';
  const spec = rewrittenText(ctx, last + 3, end - 1);
  const values = `array_agg(${x ?? 'NULL'})`;
  const call: Record<string, string> = {
    FIRST_VALUE: `${COMPAT_SCHEMA}.nth_non_null(${values}${over}, 1)`,
    LAST_VALUE: `${COMPAT_SCHEMA}.nth_last_non_null(${values}${over}, 1)`,
    NTH_VALUE: `${COMPAT_SCHEMA}.nth_non_null(${values}${over}, ${offset})`,
    LAG: `${COMPAT_SCHEMA}.nth_last_non_null(${values} OVER (${spec} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), ${offset})`,
    LEAD: `${COMPAT_SCHEMA}.nth_non_null(${values} OVER (${spec} ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), ${offset})`,
  };
  ctx.replace(i, end, call[w] as string);
  return end;
}

/** Is the aggregate call closing at `close` (with its WITHIN GROUP, if any) a window function? */
function isWindowed(ctx: RewriteContext, close: number): boolean {
  const within = ctx.isWord(close + 1, 'WITHIN') && ctx.isWord(close + 2, 'GROUP') && ctx.isSymbol(close + 3, '(');
  return ctx.isWord(within ? ctx.close(close + 3) + 1 : close + 1, 'OVER');
}

/** The text of tokens `from..to` with the Redshift expressions inside it rewritten. */
function rewrittenText(ctx: RewriteContext, from: number, to: number): string {
  const text = ctx.text(from, to);
  const inner = new RewriteContext(text, codeTokens(tokenizeSql(text, ctx.where.file)), ctx.where);
  rewriteExpressions(inner);
  return inner.apply();
}

/**
 * MEDIAN(expr) [OVER ([PARTITION BY ...])] (r_MEDIAN, r_WF_MEDIAN): the partition's values are
 * collected with array_agg, which PostgreSQL allows as a window function too, and reduced by
 * median_of (compat-semantics.ts), which also gives Redshift's result type.
 */
function median(ctx: RewriteContext, i: number): number {
  const open = i + 1;
  const close = ctx.close(open);
  const { end, over } = windowClause(ctx, close);
  ctx.replace(i, end, `${COMPAT_SCHEMA}.median_of(array_agg(${rewrittenText(ctx, open + 1, close - 1)})${over})`);
  return end;
}

/** `OVER (...)` or `OVER name` after token `close`, rewritten; `end` is its last token (or `close`). */
function windowClause(ctx: RewriteContext, close: number): { end: number; over: string } {
  if (!ctx.isWord(close + 1, 'OVER')) return { end: close, over: '' };
  const end = ctx.isSymbol(close + 2, '(') ? ctx.close(close + 2) : close + 2;
  return { end, over: ` ${rewrittenText(ctx, close + 1, end)}` };
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

const ITEM_FOLLOWERS = new Set(['FROM', 'INTO', 'UNION', 'INTERSECT', 'EXCEPT', 'WHERE', 'GROUP', 'ORDER', 'LIMIT', 'HAVING']);
const CLAUSE_WORDS = new Set([...ITEM_FOLLOWERS, 'BY', 'ON', 'SET', 'VALUES', 'RETURNING', 'USING', 'WHEN', 'THEN', 'ELSE']);

/** Whether tokens first..last are a whole item of a SELECT list without an alias. */
function isBareSelectItem(ctx: RewriteContext, first: number, last: number): boolean {
  const next = ctx.tok(last + 1);
  const ends =
    !next || (next.kind === 'punct' && [',', ')', ';'].includes(next.text)) || (next.kind === 'word' && ITEM_FOLLOWERS.has(next.upper));
  if (!ends || !(ctx.isSymbol(first - 1, ',') || ctx.isWord(first - 1, 'SELECT', 'DISTINCT', 'ALL'))) return false;
  let depth = 0;
  for (let j = first - 1; j >= 0; j--) {
    const t = ctx.tok(j) as SqlToken;
    if (t.kind === 'punct' && t.text === ')') depth++;
    else if (t.kind === 'punct' && t.text === '(' && depth-- === 0) return false;
    else if (depth === 0 && t.kind === 'word' && t.upper === 'SELECT') return true;
    else if (depth === 0 && t.kind === 'word' && CLAUSE_WORDS.has(t.upper)) return false;
  }
  return false;
}
