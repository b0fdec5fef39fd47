/**
 * The snapshot of a PostgreSQL or embedded warehouse, from pg_catalog. Distribution, sort keys and
 * encodings come from what the Redshift emulation recorded when the DDL ran, through the same
 * PG_TABLE_DEF query a cluster answers (table-design.ts). Privileges are those granted to others
 * than the owner; locally the emulation skips GRANT in migrations (emulation/local-scope.ts), so
 * what shows here on both sides was granted by hand.
 */
import { quoteIdent } from '../dialects/dialect';
import { COMPAT_SCHEMA } from '../dialects/redshift/emulation/compat-schema-name';
import type { Session } from '../warehouse/warehouse';
import { normaliseDefault, normaliseDefinition, routineKey, routineSnapshot, type RoutineRow } from './normalise';
import { applyTableDef, diststyleOf, readTableDef } from './table-design';
import { emptySnapshot, inScope, type SchemaScope, type Snapshot, type TableSnapshot } from './snapshot';

/** Where the emulation keeps its views and the recorded design. */
export const EMULATION_SCHEMA = COMPAT_SCHEMA;

const USER_SCHEMAS = `substring(n.nspname from 1 for 3) <> 'pg_' AND n.nspname <> 'information_schema'`;

interface ColumnRow {
  schema: string;
  table: string;
  column: string;
  type: string;
  notnull: boolean;
  default: string | null;
  identity: string;
  seqstart: string | null;
  seqincrement: string | null;
}

const COLUMNS_SQL = `
SELECT n.nspname AS schema, c.relname AS table, a.attname AS column, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
  a.attnotnull AS notnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default, a.attidentity::text AS identity,
  s.seqstart::text AS seqstart, s.seqincrement::text AS seqincrement
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
LEFT JOIN pg_catalog.pg_depend dep ON dep.refobjid = c.oid AND dep.refobjsubid = a.attnum AND dep.deptype = 'i'
  AND dep.classid = 'pg_catalog.pg_class'::regclass
LEFT JOIN pg_catalog.pg_sequence s ON s.seqrelid = dep.objid
WHERE c.relkind IN ('r', 'p') AND ${USER_SCHEMAS}
ORDER BY 1, 2, a.attnum`;

const VIEWS_SQL = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind, pg_catalog.pg_get_viewdef(c.oid, true) AS definition
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND ${USER_SCHEMAS}`;

const ROUTINES_SQL = `
SELECT n.nspname AS schema, p.proname AS name, pg_catalog.oidvectortypes(p.proargtypes) AS args,
  pg_catalog.pg_get_function_arguments(p.oid) AS signature, p.provolatile::text AS volatility, p.prokind::text AS kind, pg_catalog.format_type(p.prorettype, NULL) AS returns, l.lanname AS language, p.prosrc AS body
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE p.prokind IN ('f', 'p') AND ${USER_SCHEMAS}`;

// Redshift's privileges (r_GRANT); PostgreSQL's TRUNCATE, TRIGGER and MAINTAIN have no counterpart.
const GRANTS_SQL = `
SELECT n.nspname AS schema, c.relname AS name, NULL::text AS args, g.privilege_type AS privilege,
  CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(g.grantee)::text END AS grantee
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) g
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND g.grantee <> c.relowner AND ${USER_SCHEMAS}
  AND g.privilege_type IN ('SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REFERENCES')
UNION ALL
SELECT n.nspname, p.proname, pg_catalog.oidvectortypes(p.proargtypes), g.privilege_type,
  CASE WHEN g.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(g.grantee)::text END
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
CROSS JOIN LATERAL pg_catalog.aclexplode(p.proacl) g
WHERE g.grantee <> p.proowner AND NOT (g.grantee = 0 AND g.privilege_type = 'EXECUTE') AND ${USER_SCHEMAS}`;

interface Named {
  schema: string;
  name: string;
}
type ViewRow = Named & { kind: string; definition: string };
type GrantRow = Named & { args: string | null; privilege: string; grantee: string };

export async function readLocalSnapshot(session: Session, scope: SchemaScope): Promise<Snapshot> {
  const snap = emptySnapshot();
  const inScopeRow = <R extends { schema: string }>(rows: R[]) => rows.filter((r) => inScope(r.schema, scope));
  const schemas = await session.query<{ schema: string }>(
    `SELECT n.nspname AS schema FROM pg_catalog.pg_namespace n WHERE ${USER_SCHEMAS}`,
  );
  snap.schemas = inScopeRow(schemas.rows)
    .map((r) => r.schema)
    .sort();
  readTables(snap.tables, inScopeRow((await session.query<ColumnRow>(COLUMNS_SQL)).rows));
  for (const r of inScopeRow((await session.query<ViewRow>(VIEWS_SQL)).rows)) {
    snap.views.set(`${r.schema}.${r.name}`, {
      kind: r.kind === 'm' ? 'materialized view' : 'view',
      definition: normaliseDefinition(r.definition),
    });
  }
  for (const r of inScopeRow((await session.query<Named & RoutineRow>(ROUTINES_SQL)).rows)) {
    snap.routines.set(routineKey(r.schema, r.name, r.args), routineSnapshot(r));
  }
  for (const r of inScopeRow((await session.query<GrantRow>(GRANTS_SQL)).rows)) {
    const object = r.args === null ? `${r.schema}.${r.name}` : routineKey(r.schema, r.name, r.args);
    snap.grants.push({ object, grantee: r.grantee, privilege: r.privilege });
  }
  await readDesign(session, snap);
  return snap;
}

function readTables(tables: Map<string, TableSnapshot>, rows: ColumnRow[]): void {
  for (const r of rows) {
    const key = `${r.schema}.${r.table}`;
    let table = tables.get(key);
    if (!table) {
      table = { columns: [], diststyle: 'AUTO', distkey: undefined, sortStyle: 'NONE', sortkeys: [] };
      tables.set(key, table);
    }
    const identity = r.identity !== '' && r.seqstart !== null ? `identity(${r.seqstart}, ${r.seqincrement ?? '1'})` : undefined;
    table.columns.push({
      name: r.column,
      type: r.type,
      nullable: !r.notnull,
      default: r.default === null ? undefined : normaliseDefault(r.default),
      identity,
      encoding: 'none',
    });
  }
}

/** The recorded design, when the emulation ran here (a warehouse without it has Redshift's defaults). */
async function readDesign(session: Session, snap: Snapshot): Promise<void> {
  const installed = await session.query<{ present: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS present`, [
    `${EMULATION_SCHEMA}.table_design`,
  ]);
  if (installed.rows[0]?.present !== true || snap.tables.size === 0) return;
  const schemas = [...new Set([...snap.tables.keys()].map((k) => k.slice(0, k.indexOf('.'))))];
  applyTableDef(snap.tables, await readTableDef(session, `${EMULATION_SCHEMA}.pg_table_def`, schemas.map(quoteIdent)));
  const styles = await session.query<{ schema: string; name: string; diststyle: string }>(
    `SELECT n.nspname AS schema, c.relname AS name, d.diststyle
     FROM ${EMULATION_SCHEMA}.table_design d JOIN pg_catalog.pg_class c ON c.oid = d.relid
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace`,
  );
  for (const r of styles.rows) {
    const table = snap.tables.get(`${r.schema}.${r.name}`);
    if (table) table.diststyle = diststyleOf(r.diststyle);
  }
}
