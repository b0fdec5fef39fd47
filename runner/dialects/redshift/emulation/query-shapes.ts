/**
 * Query syntax Redshift accepts and PostgreSQL spells differently (r_SELECT_synopsis):
 *
 * - `SELECT TOP n ...` (r_SELECT_list: TOP number limits the rows returned) → `SELECT ... LIMIT n`
 *   at the end of that query level.
 * - `MINUS` is a synonym of EXCEPT (r_UNION) → EXCEPT.
 * - A subquery in FROM without an alias: Redshift runs it (AWS's own amazon-redshift-utils views
 *   rely on it, though r_FROM_clause30's grammar shows an alias), PostgreSQL 15 refuses it and
 *   PostgreSQL 16 and later accept it. So that both local engines answer alike, every such
 *   subquery is given `AS rsrun_subquery_<n>`.
 * - PIVOT and UNPIVOT (r_FROM_clause-pivot-unpivot-examples) need the source's columns, which the
 *   rewriter does not know: an error names them and shows the CASE / UNION ALL form.
 * - `SELECT * EXCLUDE col, ...` (r_SELECT_list) needs the columns `*` stands for: an error names it.
 * - PartiQL `FROM t, UNPIVOT t.obj AS value AT key` (query-super) unpivots a SUPER object: an error
 *   names it, as for the other PartiQL navigation below.
 * - QUALIFY filters on window functions (r_QUALIFY_clause); PostgreSQL has no equivalent clause and
 *   the rewrite would need the select list's aliases resolved: an error says so.
 * - PartiQL navigation into a SUPER value, `c_orders[0].o_orderkey` (query-super): SUPER is JSONB
 *   locally, where `.name` after a subscript means a composite type's field and fails with
 *   PostgreSQL's "column notation ... applied to type jsonb"; emulating it would differ silently
 *   (a SUPER string cast to VARCHAR has no quotes, a JSONB one has), so an error names it.
 */
import type { RewriteContext } from './rewrite-context';

/** Keywords that end a FROM clause at its nesting level. */
export const FROM_ENDS = new Set([
  'WHERE',
  'GROUP',
  'HAVING',
  'ORDER',
  'LIMIT',
  'OFFSET',
  'UNION',
  'INTERSECT',
  'EXCEPT',
  'MINUS',
  'QUALIFY',
  'WINDOW',
  'RETURNING',
  'ON',
  'USING',
  'SET',
  'VALUES',
  'INTO',
  'FOR',
]);
const JOIN_WORDS = new Set(['JOIN', 'FROM']);
/** Words after a FROM item that are not its alias. */
export const NOT_ALIAS = new Set([
  ...FROM_ENDS,
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'CROSS',
  'NATURAL',
  'OUTER',
  'AS',
  'PIVOT',
  'UNPIVOT',
]);

export function rewriteQueryShapes(ctx: RewriteContext): void {
  aliasFromSubqueries(ctx);
  ctx.tokens.forEach((t, i) => {
    if (ctx.isSymbol(i, ']') && ctx.isSymbol(i + 1, '.') && ['word', 'quoted-ident'].includes(ctx.tok(i + 2)?.kind ?? '')) {
      throw ctx.unsupported(
        i + 1,
        `PartiQL navigation into a SUPER value (...].${ctx.tok(i + 2)?.text})`,
        'SUPER is JSONB on the local warehouse: keep queries that navigate SUPER values in a project deployed to Redshift only, or test them on a cluster',
      );
    }
    if (t.kind !== 'word') return;
    if (t.upper === 'MINUS' && i > 0) ctx.replace(i, i, 'EXCEPT');
    else if (t.upper === 'UNPIVOT' && i > 0 && !ctx.isSymbol(i + 1, '(') && !ctx.isWord(i + 1, 'INCLUDE', 'EXCLUDE')) {
      throw ctx.unsupported(
        i,
        'PartiQL UNPIVOT of a SUPER object (UNPIVOT ... AS value AT key)',
        'SUPER is JSONB on the local warehouse: keep queries that unpivot SUPER objects in a project deployed to Redshift only, or test them on a cluster',
      );
    } else if (t.upper === 'EXCLUDE' && isSelectListExclude(ctx, i)) {
      throw ctx.unsupported(i, 'SELECT ... EXCLUDE', 'list the columns to keep instead of the ones to exclude');
    } else if (
      (t.upper === 'PIVOT' || t.upper === 'UNPIVOT') &&
      (ctx.isSymbol(i + 1, '(') || ctx.isWord(i + 1, 'INCLUDE', 'EXCLUDE')) &&
      i > 0
    ) {
      throw ctx.unsupported(
        i,
        t.upper,
        t.upper === 'PIVOT'
          ? 'write the pivot as SUM(CASE WHEN col = value THEN x END) per value'
          : 'write the unpivot as a UNION ALL of one SELECT per column',
      );
    } else if (t.upper === 'QUALIFY') {
      throw ctx.unsupported(
        i,
        'QUALIFY',
        'filter on the window function in an outer query: SELECT * FROM (SELECT ..., rank() OVER (...) AS r FROM ...) WHERE r = 1',
      );
    } else if (t.upper === 'TOP' && ctx.isWord(i - 1, 'SELECT') && ctx.tok(i + 1)?.kind === 'number') top(ctx, i);
  });
}

/** EXCLUDE after a select list, not a column named exclude nor a window frame's or UNPIVOT's. */
function isSelectListExclude(ctx: RewriteContext, i: number): boolean {
  const prev = ctx.tok(i - 1);
  const next = ctx.tok(i + 1);
  if (!prev || !next || ctx.isWord(i - 1, 'SELECT', 'DISTINCT', 'ALL', 'AS', 'UNPIVOT')) return false;
  if (prev.kind === 'punct' && prev.text !== ')') return false;
  if (next.kind === 'punct' || ctx.isWord(i + 1, 'FROM', 'NULLS', 'CURRENT', 'GROUP', 'TIES', 'NO')) return next.text === '(';
  return next.kind === 'word' || next.kind === 'quoted-ident';
}

function top(ctx: RewriteContext, i: number): void {
  const end = queryLevelEnd(ctx, i);
  for (let j = i + 2; j < end; j++) {
    if (ctx.isSymbol(j, '(')) j = ctx.close(j);
    else if (ctx.isWord(j, 'UNION', 'INTERSECT', 'EXCEPT', 'MINUS', 'LIMIT')) {
      throw ctx.unsupported(i, `SELECT TOP ... ${ctx.tok(j)?.upper}`, 'write LIMIT n at the end of the query instead of TOP n');
    }
  }
  const count = ctx.tok(i + 1)?.text as string;
  ctx.remove(i, i + 1);
  ctx.insertAfter(end - 1, ` LIMIT ${count}`);
}

/** Index of the token closing the query level that token `i` is in (the `)` or tokens.length). */
function queryLevelEnd(ctx: RewriteContext, i: number): number {
  let depth = 0;
  for (let j = i; j < ctx.tokens.length; j++) {
    if (ctx.isSymbol(j, '(')) depth++;
    else if (ctx.isSymbol(j, ')') && depth-- === 0) return j;
  }
  return ctx.tokens.length;
}

function aliasFromSubqueries(ctx: RewriteContext): void {
  // inFrom[depth]: is the current nesting level inside a FROM clause?
  const inFrom: boolean[] = [false];
  let n = 0;
  for (let i = 0; i < ctx.tokens.length; i++) {
    const t = ctx.tok(i);
    if (!t) break;
    const depth = inFrom.length - 1;
    if (t.kind === 'word' && JOIN_WORDS.has(t.upper)) inFrom[depth] = true;
    else if (t.kind === 'word' && FROM_ENDS.has(t.upper)) inFrom[depth] = false;
    if (ctx.isSymbol(i, '(')) {
      const opensFromItem = inFrom[depth] && (ctx.isWord(i - 1, 'FROM', 'JOIN', 'LATERAL') || ctx.isSymbol(i - 1, ','));
      if (opensFromItem && ctx.isWord(i + 1, 'SELECT', 'WITH')) {
        const close = ctx.close(i);
        const next = ctx.tok(close + 1);
        const aliased =
          next && (next.kind === 'quoted-ident' || (next.kind === 'word' && !NOT_ALIAS.has(next.upper)) || next.upper === 'AS');
        if (!aliased && close < ctx.tokens.length) ctx.insertAfter(close, ` AS rsrun_subquery_${++n}`);
      }
      inFrom.push(false);
    } else if (ctx.isSymbol(i, ')') && inFrom.length > 1) inFrom.pop();
  }
}
