/**
 * Ownership and quotas in CREATE SCHEMA (r_CREATE_SCHEMA: `CREATE SCHEMA [ IF NOT EXISTS ] name
 * [ AUTHORIZATION username ] [ QUOTA {quota [MB | GB | TB] | UNLIMITED} ]`, and `CREATE SCHEMA
 * AUTHORIZATION username [ QUOTA ... ]`). Users are not emulated (local-scope.ts skips CREATE USER),
 * so `AUTHORIZATION labuser` would fail with "role labuser does not exist"; a quota limits disk
 * space, which never changes results. Both clauses are dropped with a notice; the schema itself is
 * created, named after the user when the statement names no schema (as the page's second form does).
 */
import type { Skip } from './local-scope';
import type { RewriteContext } from './rewrite-context';

export function dropSchemaOwnership(ctx: RewriteContext): Skip | undefined {
  if (!ctx.isWord(0, 'CREATE') || !ctx.isWord(1, 'SCHEMA')) return undefined;
  const dropped: string[] = [];
  for (let i = 2; i < ctx.tokens.length; i++) {
    if (ctx.isWord(i, 'AUTHORIZATION') && i + 1 < ctx.tokens.length) {
      // `CREATE SCHEMA AUTHORIZATION u` names the schema after u.
      if (i === 2) ctx.remove(i, i);
      else ctx.remove(i, i + 1);
      dropped.push('AUTHORIZATION');
      i++;
    } else if (ctx.isWord(i, 'QUOTA')) {
      const end = ctx.isWord(i + 2, 'MB', 'GB', 'TB') ? i + 2 : i + 1;
      ctx.remove(i, end);
      dropped.push('QUOTA');
      i = end;
    }
  }
  if (dropped.length === 0) return undefined;
  return {
    construct: `CREATE SCHEMA ... ${dropped.join(' ... ')}`,
    reason: 'schema owners and quotas are not emulated: the local warehouse has a single user, and a quota never changes results',
  };
}
