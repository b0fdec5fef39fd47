/**
 * PartiQL over SUPER values (query-super, r_SUPER_type) that has no PostgreSQL spelling:
 *
 * - navigation by dot: `c.address.city`, where `c` is a range variable of the FROM clause and
 *   `address` a SUPER column; PostgreSQL reads `c` as a schema and fails with "missing FROM-clause
 *   entry for table".
 * - unnesting in FROM: `FROM customers c, c.orders o` iterates the array `c.orders`; PostgreSQL
 *   looks for a table named `orders` in a schema `c`.
 *
 * Both are refused by name, with file and line, like navigation after a subscript
 * (query-shapes.ts): SUPER is jsonb locally, and a faithful rewrite needs the column types
 * (a SUPER string compared with a VARCHAR, cast to VARCHAR, or returned, differs from a jsonb one).
 */
import { FROM_ENDS, NOT_ALIAS } from './query-shapes';
import type { RewriteContext } from './rewrite-context';

const HINT =
  'SUPER is jsonb on the local warehouse: keep queries that navigate or unnest SUPER values in a project deployed to Redshift only, or test them on a cluster';

export function refusePartiqlNavigation(ctx: RewriteContext): void {
  const rangeVariables = new Set<string>();
  for (const i of fromItemStarts(ctx)) {
    if (!isName(ctx, i)) continue;
    const end = ctx.skipName(i);
    if (end - i === 3 && rangeVariables.has(nameOf(ctx, i))) {
      throw ctx.unsupported(i, `PartiQL unnesting of a SUPER array in FROM (${ctx.text(i, end - 1)})`, HINT);
    }
    const alias = ctx.isWord(end, 'AS') ? end + 1 : end;
    const aliased = isName(ctx, alias) && !NOT_ALIAS.has(ctx.tok(alias)?.upper ?? '');
    rangeVariables.add(nameOf(ctx, aliased ? alias : end - 1));
  }
  if (rangeVariables.size === 0) return;
  ctx.tokens.forEach((_, i) => {
    if (ctx.isSymbol(i - 1, '.') || !isName(ctx, i) || !rangeVariables.has(nameOf(ctx, i))) return;
    if (ctx.isSymbol(i + 1, '.') && isName(ctx, i + 2) && ctx.isSymbol(i + 3, '.') && isName(ctx, i + 4) && !ctx.isSymbol(i + 5, '(')) {
      throw ctx.unsupported(i, `PartiQL navigation into a SUPER value (${ctx.text(i, i + 4)})`, HINT);
    }
  });
}

function isName(ctx: RewriteContext, i: number): boolean {
  const t = ctx.tok(i);
  return t !== undefined && (t.kind === 'word' || t.kind === 'quoted-ident');
}

function nameOf(ctx: RewriteContext, i: number): string {
  const t = ctx.tok(i);
  if (!t) return '';
  return t.kind === 'quoted-ident' ? t.text.slice(1, -1) : t.text.toLowerCase();
}

/** Indexes of the tokens starting a FROM item: after FROM, JOIN, or a comma of a FROM list (one forward pass). */
function fromItemStarts(ctx: RewriteContext): number[] {
  const starts: number[] = [];
  // inFrom[depth]: is the current nesting level inside a FROM list?
  const inFrom: boolean[] = [false];
  ctx.tokens.forEach((t, i) => {
    const depth = inFrom.length - 1;
    if (ctx.isSymbol(i, '(')) inFrom.push(false);
    else if (ctx.isSymbol(i, ')')) {
      if (inFrom.length > 1) inFrom.pop();
    } else if (ctx.isWord(i, 'FROM')) inFrom[depth] = true;
    else if (t.kind === 'word' && (FROM_ENDS.has(t.upper) || t.upper === 'SELECT')) inFrom[depth] = false;
    if (ctx.isWord(i - 1, 'FROM', 'JOIN') || (ctx.isSymbol(i - 1, ',') && inFrom[depth])) starts.push(i);
  });
  return starts;
}
