/**
 * Statements that only a cluster can carry out, refused by name, file and line instead of
 * PostgreSQL's "syntax error at or near ...":
 *
 * - CREATE MODEL (r_CREATE_MODEL) trains a model in Amazon SageMaker and creates its prediction
 *   function from it.
 * - CREATE DATABASE ... FROM DATASHARE / FROM INTEGRATION / FROM ARN, and the ISOLATION LEVEL and
 *   IAM_ROLE options (r_CREATE_DATABASE): a database that is a consumer of a datashare, a zero-ETL
 *   integration's target or a Glue Data Catalog's, and settings of the cluster's database.
 * - MERGE ... REMOVE DUPLICATES (r_MERGE), the simplified mode, whose rules on duplicate source
 *   rows PostgreSQL's MERGE does not have.
 */
import type { RewriteContext } from './rewrite-context';

const ON_A_CLUSTER = 'keep the statement in a migration deployed to Redshift only, or run it on a cluster';

export function refuseClusterOnly(ctx: RewriteContext): void {
  if (ctx.isWord(0, 'CREATE') && ctx.isWord(1, 'MODEL')) {
    throw ctx.unsupported(0, 'CREATE MODEL (Redshift ML trains the model in Amazon SageMaker)', ON_A_CLUSTER);
  }
  if (ctx.isWord(0, 'CREATE') && ctx.isWord(1, 'DATABASE')) {
    const at = ctx.tokens.findIndex((t, i) => i > 2 && t.kind === 'word' && ['FROM', 'ISOLATION', 'IAM_ROLE'].includes(t.upper));
    if (at > 0) {
      const clause = ctx.isWord(at, 'FROM') ? `FROM ${ctx.tok(at + 1)?.upper ?? ''}` : (ctx.tok(at)?.upper as string);
      throw ctx.unsupported(at, `CREATE DATABASE ... ${clause.trim()}`, ON_A_CLUSTER);
    }
  }
  if (ctx.isWord(0, 'MERGE')) {
    const at = ctx.tokens.findIndex((t, i) => t.kind === 'word' && t.upper === 'REMOVE' && ctx.isWord(i + 1, 'DUPLICATES'));
    if (at > 0) throw ctx.unsupported(at, 'MERGE ... REMOVE DUPLICATES', 'write the MERGE with WHEN MATCHED / WHEN NOT MATCHED clauses');
  }
}
