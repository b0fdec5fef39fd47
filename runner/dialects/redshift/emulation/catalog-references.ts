/**
 * References to what only a Redshift cluster has: system tables and views (STL_, STV_, SVV_, SVL_,
 * SYS_, ... and the PG_ catalog tables Redshift adds), catalog columns PostgreSQL does not have,
 * and Redshift's catalog functions. Each stops the statement with rsrun's own message before it
 * reaches the server, instead of PostgreSQL's "relation does not exist"; the system relations the
 * local warehouse emulates (../system-relations.ts) are qualified with their schema instead.
 */
import { isSymbol, type SqlToken } from '../../sql-tokens';
import { referencedRelations, readName } from '../../sql-shape';
import { EMULATED_SYSTEM_RELATIONS, isRedshiftSystemRelation, SYSTEM_RELATION_HINT, SYSTEM_RELATIONS_SCHEMA } from '../system-relations';
import type { RewriteContext } from './rewrite-context';

/**
 * Columns of PostgreSQL catalogs that exist only in Redshift's versions of them: pg_attribute's
 * distribution, sort key and encoding (diagnostic-queries-for-query-tuning), pg_class's
 * distribution style and creation time (r_PG_CLASS_INFO), and pg_stat_activity's PostgreSQL 8.0
 * names that Redshift keeps.
 */
export const REDSHIFT_CATALOG_COLUMNS = new Set([
  'attisdistkey',
  'attsortkeyord',
  'attencodingtype',
  'reldiststyle',
  'releffectivediststyle',
  'relcreationtime',
  'procpid',
  'current_query',
]);

/** Catalog functions only Redshift has (r_PG_LAST_QUERY_ID, r_PG_LAST_COPY_ID, r_PG_GET_COLS, ...). */
const REDSHIFT_CATALOG_FUNCTIONS = new Set([
  'pg_last_query_id',
  'pg_last_copy_id',
  'pg_last_copy_count',
  'pg_last_unload_count',
  'pg_last_unload_id',
  'pg_get_late_binding_view_cols',
  'pg_get_cols',
  'pg_get_iam_role_by_user',
  'pg_get_grantee_by_iam_role',
  'pg_get_session_roles',
]);

/** Throws for a reference only a cluster can answer; qualifies references to emulated relations. */
/**
 * Redshift's SHOW commands list objects from the cluster's catalog (r_SHOW_TABLE, r_SHOW_VIEW,
 * r_SHOW_COLUMNS, r_SHOW_TABLES, r_SHOW_SCHEMAS, r_SHOW_DATABASES, r_SHOW_GRANTS,
 * r_SHOW_PROCEDURE, r_SHOW_EXTERNAL_TABLE, r_SHOW_MODEL, r_SHOW_DATASHARES): PostgreSQL's SHOW only
 * reads a setting and fails with "syntax error at or near ...". `SHOW setting` still runs.
 */
const SHOW_OBJECTS = new Set([
  'TABLE',
  'TABLES',
  'VIEW',
  'COLUMNS',
  'SCHEMAS',
  'DATABASES',
  'GRANTS',
  'PROCEDURE',
  'PROCEDURES',
  'FUNCTIONS',
  'EXTERNAL',
  'MODEL',
  'DATASHARES',
  'CONSTRAINTS',
]);

/** SHOW commands complete without an argument (r_SHOW_DATABASES, r_SHOW_DATASHARES). */
const STANDALONE_SHOW = new Set(['DATABASES', 'DATASHARES']);

export function checkCatalogReferences(ctx: RewriteContext): void {
  const shown = ctx.tok(1);
  if (
    ctx.isWord(0, 'SHOW') &&
    shown?.kind === 'word' &&
    SHOW_OBJECTS.has(shown.upper) &&
    (ctx.tokens.length > 2 || STANDALONE_SHOW.has(shown.upper))
  ) {
    throw ctx.unsupported(
      0,
      `SHOW ${shown.upper}`,
      'the listing comes from the cluster catalog: query information_schema (or SVV_TABLES, SVV_COLUMNS) locally, or run it on a cluster',
    );
  }
  for (const rel of relationReferences(ctx)) {
    const schema = rel.parts.length === 2 ? rel.parts[0] : undefined;
    if (rel.parts.length > 2 || (schema !== undefined && schema !== 'pg_catalog')) continue;
    const name = rel.parts[rel.parts.length - 1] as string;
    if (!isRedshiftSystemRelation(name)) continue;
    const first = ctx.tokens.indexOf(rel.first);
    if (EMULATED_SYSTEM_RELATIONS.has(name)) {
      ctx.replace(first, rel.end - 1, `${SYSTEM_RELATIONS_SCHEMA}.${name}`);
      continue;
    }
    throw ctx.invalid(first, `${name.toUpperCase()} is a Redshift system table, not available locally`, SYSTEM_RELATION_HINT);
  }
  ctx.tokens.forEach((t, i) => {
    if (t.kind !== 'word' || isSymbol(ctx.tok(i + 1), '.')) return;
    const word = t.text.toLowerCase();
    const call = isSymbol(ctx.tok(i + 1), '(');
    if (!call && REDSHIFT_CATALOG_COLUMNS.has(word) && !isColumnDefinition(ctx, i)) {
      throw ctx.invalid(
        i,
        `${word.toUpperCase()} is a column of Redshift's own catalog tables, not available locally`,
        SYSTEM_RELATION_HINT,
      );
    }
    if (call && (REDSHIFT_CATALOG_FUNCTIONS.has(word) || (word === 'makeaclitem' && ctx.args(i + 1).length === 5))) {
      throw ctx.invalid(i, `${word.toUpperCase()}() is a Redshift catalog function, not available locally`, SYSTEM_RELATION_HINT);
    }
  });
}

/** FROM/JOIN references (subqueries included) and `LIKE name` in CREATE TABLE. */
function relationReferences(ctx: RewriteContext): ReturnType<typeof referencedRelations> {
  const refs = referencedRelations(ctx.tokens);
  if (ctx.isWord(0, 'CREATE')) {
    ctx.tokens.forEach((t, i) => {
      if (t.kind === 'word' && t.upper === 'LIKE' && isSymbol(ctx.tok(i - 1), '(')) {
        const name = readName(ctx.tokens, i + 1);
        if (name) refs.push(name);
      }
    });
  }
  return refs;
}

/** `CREATE TABLE t (procpid int)`: a user column may carry the name. */
function isColumnDefinition(ctx: RewriteContext, i: number): boolean {
  const prev: SqlToken | undefined = ctx.tok(i - 1);
  return ctx.isWord(0, 'CREATE', 'ALTER') && (isSymbol(prev, '(') || isSymbol(prev, ',')) && ctx.tok(i + 1)?.kind === 'word';
}
