/**
 * The snapshot of a Redshift cluster or Serverless workgroup, from its documented system views
 * (docs.aws.amazon.com/redshift/latest/dg/<page>.html; docs/drift.md lists each with what it gives):
 *
 * - tables: SVV_TABLES (r_SVV_TABLES), `table_type = 'BASE TABLE'`;
 * - columns: PG_TABLE_DEF (r_PG_TABLE_DEF) for type, NOT NULL, encoding, distribution and sort
 *   key position (table-design.ts, shared with the local reader), SVV_COLUMNS (r_SVV_COLUMNS)
 *   for defaults; an IDENTITY column's default reads `"identity"(oid, n, 'seed,step'::text)`;
 * - distribution style: PG_CLASS_INFO (r_PG_CLASS_INFO), reldiststyle 0 EVEN, 1 KEY, 8 ALL, AUTO otherwise;
 * - views: PG_VIEWS (PostgreSQL's catalog view, which Redshift keeps), materialized views named
 *   in SVV_MV_INFO (r_SVV_MV_INFO; an SVV view rather than STV_MV_INFO, as STV tables are the
 *   provisioned cluster's node state);
 * - functions and procedures: PG_PROC_INFO (r_PG_PROC_INFO), `prokind` 'f' or 'p';
 * - grants: SVV_RELATION_PRIVILEGES (r_SVV_RELATION_PRIVILEGES) and SVV_FUNCTION_PRIVILEGES
 *   (r_SVV_FUNCTION_PRIVILEGES), which list what was granted explicitly.
 *
 * Datashare objects (SVV_DATASHARE_OBJECTS) belong to other clusters and are not read. Each query
 * is a plain SELECT of the leader node's catalog, with no user tables involved (c_sql-functions-leader-node).
 */
import { quoteIdent } from '../dialects/dialect';
import type { Session } from '../warehouse/warehouse';
import { normaliseDefault, normaliseDefinition, routineKey, routineSnapshot } from './normalise';
import { applyTableDef, readTableDef, type TableDefRow } from './table-design';
import { emptySnapshot, inScope, type SchemaScope, type Snapshot, type TableSnapshot } from './snapshot';

export const REDSHIFT_QUERIES = {
  schemas: `SELECT trim(nspname) AS schema FROM pg_catalog.pg_namespace WHERE substring(nspname from 1 for 3) <> 'pg_' AND nspname <> 'information_schema'`,
  tables: `SELECT table_schema AS schema, table_name AS name FROM svv_tables WHERE table_type = 'BASE TABLE'`,
  columnTypes: `SELECT schemaname::text AS schemaname, tablename::text AS tablename, "column"::text AS "column", type, "notnull"
    FROM pg_table_def`,
  defaults: `SELECT table_schema AS schema, table_name AS name, column_name AS column, column_default FROM svv_columns
    WHERE column_default IS NOT NULL`,
  diststyles: `SELECT trim(n.nspname) AS schema, trim(c.relname) AS name, c.reldiststyle FROM pg_class_info c
    JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r'`,
  views: `SELECT schemaname::text AS schema, viewname::text AS name, definition FROM pg_catalog.pg_views`,
  materializedViews: `SELECT trim(schema_name) AS schema, trim(name) AS name FROM svv_mv_info`,
  routines: `SELECT trim(n.nspname) AS schema, trim(p.proname) AS name, pg_catalog.oidvectortypes(p.proargtypes) AS args,
    p.prokind AS kind, p.provolatile AS volatility, pg_catalog.format_type(p.prorettype, NULL) AS returns, trim(l.lanname) AS language, p.prosrc AS body
    FROM pg_proc_info p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace JOIN pg_catalog.pg_language l ON l.oid = p.prolang
    WHERE p.prokind IN ('f', 'p')`,
  relationGrants: `SELECT namespace_name AS schema, relation_name AS name, privilege_type, identity_name, identity_type
    FROM svv_relation_privileges`,
  functionGrants: `SELECT namespace_name AS schema, function_name AS name, argument_types, privilege_type, identity_name, identity_type
    FROM svv_function_privileges`,
} as const;

export type RedshiftRows = { -readonly [K in keyof typeof REDSHIFT_QUERIES]: Array<Record<string, unknown>> };

export async function readRedshiftSnapshot(session: Session, scope: SchemaScope): Promise<Snapshot> {
  const rows = {} as RedshiftRows;
  for (const key of Object.keys(REDSHIFT_QUERIES) as Array<keyof typeof REDSHIFT_QUERIES>) {
    if (key === 'columnTypes') continue;
    rows[key] = (await session.query(REDSHIFT_QUERIES[key])).rows;
  }
  const schemas = rows.schemas.map((r) => String(r.schema)).filter((s) => inScope(s, scope));
  // PG_TABLE_DEF shows only schemas on the search path (r_PG_TABLE_DEF): the compared ones.
  rows.columnTypes = await withSearchPath(session, schemas, () => session.query(REDSHIFT_QUERIES.columnTypes).then((r) => r.rows));
  const design = await readTableDef(session, 'pg_table_def', schemas.map(quoteIdent));
  return snapshotFromRedshiftRows(rows, design, scope);
}

async function withSearchPath<T>(session: Session, schemas: string[], fn: () => Promise<T[]>): Promise<T[]> {
  if (schemas.length === 0) return [];
  await session.query(`SET search_path TO ${schemas.map(quoteIdent).join(', ')}`);
  try {
    return await fn();
  } finally {
    await session.query('RESET search_path');
  }
}

const text = (v: unknown): string =>
  typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : '';

/** The snapshot the rows of REDSHIFT_QUERIES describe (pure: unit-tested with the AWS pages' example rows). */
export function snapshotFromRedshiftRows(rows: RedshiftRows, design: readonly TableDefRow[], scope: SchemaScope): Snapshot {
  const snap = emptySnapshot();
  const scoped = (list: Array<Record<string, unknown>>, column = 'schema') => list.filter((r) => inScope(text(r[column]), scope));
  snap.schemas = scoped(rows.schemas)
    .map((r) => text(r.schema))
    .sort();
  for (const r of scoped(rows.tables)) {
    snap.tables.set(`${text(r.schema)}.${text(r.name)}`, {
      columns: [],
      diststyle: 'AUTO',
      distkey: undefined,
      sortStyle: 'NONE',
      sortkeys: [],
    });
  }
  addColumns(snap.tables, scoped(rows.columnTypes, 'schemaname'), scoped(rows.defaults));
  for (const r of scoped(rows.diststyles)) {
    const table = snap.tables.get(`${text(r.schema)}.${text(r.name)}`);
    if (table) table.diststyle = ({ 0: 'EVEN', 1: 'KEY', 8: 'ALL' } as Record<number, string>)[Number(r.reldiststyle)] ?? 'AUTO';
  }
  applyTableDef(snap.tables, design);
  const materialized = new Set(rows.materializedViews.map((r) => `${text(r.schema)}.${text(r.name)}`));
  for (const r of scoped(rows.views)) {
    const key = `${text(r.schema)}.${text(r.name)}`;
    snap.views.set(key, {
      kind: materialized.has(key) ? 'materialized view' : 'view',
      definition: normaliseDefinition(text(r.definition)),
    });
  }
  for (const r of scoped(rows.routines)) {
    const row = {
      kind: text(r.kind),
      args: text(r.args),
      volatility: text(r.volatility),
      returns: text(r.returns),
      language: text(r.language),
    };
    snap.routines.set(
      routineKey(text(r.schema), text(r.name), row.args),
      routineSnapshot({ ...row, body: typeof r.body === 'string' ? r.body : '' }),
    );
  }
  for (const r of scoped(rows.relationGrants)) {
    snap.grants.push({ object: `${text(r.schema)}.${text(r.name)}`, grantee: grantee(r), privilege: text(r.privilege_type).toUpperCase() });
  }
  for (const r of scoped(rows.functionGrants)) {
    snap.grants.push({
      object: routineKey(text(r.schema), text(r.name), text(r.argument_types)),
      grantee: grantee(r),
      privilege: text(r.privilege_type).toUpperCase(),
    });
  }
  return snap;
}

/** `PUBLIC`, `user_name`, `group name`, `role name`: how GRANT ... TO spells the identity (r_GRANT). */
function grantee(r: Record<string, unknown>): string {
  const type = text(r.identity_type).toLowerCase();
  if (type === 'public') return 'PUBLIC';
  return type === 'group' || type === 'role' ? `${type.toUpperCase()} ${text(r.identity_name)}` : text(r.identity_name);
}

// "identity"(table oid, column number, 'seed,step'::text): how Redshift shows an IDENTITY column's default.
const IDENTITY_DEFAULT = /^"?(?:default_)?identity"?\(\s*\d+\s*,\s*\d+\s*,\s*'(-?\d+)\s*,\s*(-?\d+)'(?:::text)?\s*\)$/i;

function addColumns(
  tables: Map<string, TableSnapshot>,
  types: Array<Record<string, unknown>>,
  defaults: Array<Record<string, unknown>>,
): void {
  const defaultOf = new Map(defaults.map((r) => [`${text(r.schema)}.${text(r.name)}.${text(r.column)}`, text(r.column_default)]));
  for (const r of types) {
    const key = `${text(r.schemaname)}.${text(r.tablename)}`;
    const table = tables.get(key);
    if (!table) continue;
    const name = text(r.column);
    const raw = defaultOf.get(`${key}.${name}`);
    const identity = raw === undefined ? undefined : IDENTITY_DEFAULT.exec(raw);
    table.columns.push({
      name,
      type: text(r.type),
      nullable: r.notnull !== true && r.notnull !== 't',
      default: identity || raw === undefined || raw === '' ? undefined : normaliseDefault(raw),
      identity: identity ? `identity(${identity[1]}, ${identity[2]})` : undefined,
      encoding: 'none',
    });
  }
}
