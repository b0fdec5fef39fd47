/**
 * `PERCENTILE_CONT(p) WITHIN GROUP (ORDER BY x [ASC|DESC]) OVER ([PARTITION BY ...])` and the same
 * for PERCENTILE_DISC (r_WF_PERCENTILE_CONT, r_WF_PERCENTILE_DISC). PostgreSQL has no windowed
 * ordered-set aggregates, so, as for MEDIAN, the partition's values are collected with array_agg
 * over the same window and reduced in the compat schema (compat-aggregates.ts). The OVER clause
 * takes only PARTITION BY, as the pages say.
 */
import { COMPAT_SCHEMA } from './compat-schema-name';
import type { RewriteContext } from './rewrite-context';

/** Rewrites the call starting at token `i` and returns its last token. */
export function windowedPercentile(ctx: RewriteContext, i: number, rewritten: (from: number, to: number) => string): number {
  const name = (ctx.tok(i)?.upper ?? '').toLowerCase();
  const open = i + 1;
  const close = ctx.close(open);
  const within = ctx.isWord(close + 1, 'WITHIN') && ctx.isWord(close + 2, 'GROUP') && ctx.isSymbol(close + 3, '(');
  const group = within ? ctx.close(close + 3) : close;
  if (!within || !ctx.isWord(close + 4, 'ORDER') || !ctx.isWord(close + 5, 'BY'))
    throw ctx.invalid(i, `${name.toUpperCase()} needs WITHIN GROUP (ORDER BY expression)`, `see r_WF_${name.toUpperCase()}`);
  const descending = ctx.isWord(group - 1, 'DESC');
  const expressionEnd = ctx.isWord(group - 1, 'ASC', 'DESC') ? group - 2 : group - 1;
  const overOpen = group + 2;
  if (!ctx.isWord(group + 1, 'OVER') || !ctx.isSymbol(overOpen, '('))
    throw ctx.invalid(i, `${name.toUpperCase()} ... OVER needs a parenthesized window`, `see r_WF_${name.toUpperCase()}`);
  const end = ctx.close(overOpen);
  for (let k = overOpen + 1; k < end; k++) {
    if (ctx.isWord(k, 'ORDER', 'ROWS', 'RANGE'))
      throw ctx.invalid(i, `${name.toUpperCase()} ... OVER (...) takes only PARTITION BY`, `see r_WF_${name.toUpperCase()}`);
  }
  const values = `array_agg(${rewritten(close + 6, expressionEnd)}) ${rewritten(group + 1, end)}`;
  ctx.replace(i, end, `${COMPAT_SCHEMA}.${name}_of(${values}, ${rewritten(open + 1, close - 1)}, ${descending})`);
  return end;
}
