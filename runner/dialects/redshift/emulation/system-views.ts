/**
 * Redshift system views on the local engines, with Redshift's column names and types, installed in
 * the compat schema; statements that name them (unqualified, as on a cluster, or `pg_catalog.`)
 * are pointed there by catalog-references.ts, and routine bodies by `rewriteSystemRelations`. Each view's page gives its columns
 * (docs.aws.amazon.com/redshift/latest/dg/<page>.html):
 *
 * - STV_SESSIONS (r_STV_SESSIONS) and SYS_SESSION_HISTORY (SYS_SESSION_HISTORY): the server's live
 *   sessions (pg_stat_activity); regular users see only their own. Locally only active sessions
 *   are known: SYS_SESSION_HISTORY has no closed or timed-out rows.
 * - PG_TABLE_DEF (r_PG_TABLE_DEF): columns of the tables in schemas on the search path, with the
 *   ENCODE, DISTKEY and SORTKEY the DDL declared (table-design.ts); `none` where no encoding was
 *   given, as the page's example shows; interleaved sort key positions alternate in sign.
 * - SVV_TABLE_INFO (r_SVV_TABLE_INFO): user tables that hold rows ("doesn't return any information
 *   for empty tables"); diststyle EVEN, ALL, KEY(col) or AUTO(ALL) (what AUTO starts as,
 *   r_CREATE_TABLE_NEW), sortkey1 the first sort key column or AUTO(SORTKEY), encoded Y/N. Sizes
 *   are local (1 MB blocks of the local table); skew and unsorted figures have no local meaning
 *   and are reported as a freshly sorted, evenly spread table would be.
 * - SVV_TABLES (r_SVV_TABLES), SVV_COLUMNS (r_SVV_COLUMNS): from the catalog and information_schema.
 */
import { EMULATED_SYSTEM_RELATIONS } from '../system-relations';
import { COMPAT_SCHEMA } from './compat-schema-name';
import type { RewriteContext } from './rewrite-context';

/** The system views this file builds (each also listed in system-relations.ts). */
export const SYSTEM_VIEWS = ['stv_sessions', 'sys_session_history', 'pg_table_def', 'svv_table_info', 'svv_tables', 'svv_columns'] as const;

/** Points references to the emulated system views at the compat schema (inside procedure and function bodies). */
export function rewriteSystemRelations(ctx: RewriteContext): void {
  ctx.tokens.forEach((t, i) => {
    const name = t.kind === 'word' ? t.text.toLowerCase() : '';
    if (!(SYSTEM_VIEWS as readonly string[]).includes(name) || !EMULATED_SYSTEM_RELATIONS.has(name)) return;
    // A function of that name, or the name qualifying a column (`stv_sessions.process`), stays.
    if (ctx.isSymbol(i + 1, '(') || ctx.isSymbol(i + 1, '.')) return;
    const from = ctx.isSymbol(i - 1, '.') ? i - 2 : i;
    if (from !== i && !ctx.isWord(from, 'PG_CATALOG')) return;
    if (ctx.untouched(from, i)) ctx.replace(from, i, `${COMPAT_SCHEMA}.${name}`);
  });
}

// The sessions a regular user may see: their own (r_STV_SESSIONS, "Visibility of data"). The
// embedded engine's single backend is a 'standalone backend' without a user name.
const SESSIONS = `
FROM pg_catalog.pg_stat_activity a
WHERE a.pid IS NOT NULL AND coalesce(a.backend_type, 'client backend') IN ('client backend', 'standalone backend')
  AND (coalesce(a.usename::text, current_user::text) = current_user::text
       OR coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user), false))`;

const START = `(a.backend_start AT TIME ZONE 'UTC')::timestamp`;

export function systemViewsSql(s: string): string {
  return [designSql(s), sessionsSql(s), catalogSql(s), tableInfoSql(s)].join('\n');
}

/** The design metadata table and the functions table-design.ts calls. */
function designSql(s: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${s}.table_design (
  relid oid PRIMARY KEY,
  diststyle text NOT NULL,
  distkey text,
  sort_style text NOT NULL,
  sortkeys text[] NOT NULL,
  encodings jsonb NOT NULL,
  created timestamp
);
GRANT SELECT, INSERT, UPDATE, DELETE ON ${s}.table_design TO PUBLIC;

-- The table a DDL statement named, or NULL for a name PostgreSQL cannot parse (to_regclass raises on those).
CREATE OR REPLACE FUNCTION ${s}.relation_of(tbl text) RETURNS oid LANGUAGE plpgsql STABLE AS $f$
BEGIN
  RETURN to_regclass(tbl);
EXCEPTION WHEN OTHERS THEN
  RETURN NULL;
END $f$;

CREATE OR REPLACE FUNCTION ${s}.record_table_design(tbl text, p_diststyle text, p_distkey text, p_sort_style text,
  p_sortkeys text[], p_encodings jsonb, p_like text) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE
  rel oid := ${s}.relation_of(tbl);
  parent ${s}.table_design;
BEGIN
  IF rel IS NULL THEN RETURN; END IF;
  IF p_like IS NOT NULL THEN
    SELECT * INTO parent FROM ${s}.table_design WHERE relid = ${s}.relation_of(p_like);
    IF FOUND THEN
      p_diststyle := parent.diststyle; p_distkey := parent.distkey; p_sort_style := parent.sort_style; p_sortkeys := parent.sortkeys;
    END IF;
  END IF;
  INSERT INTO ${s}.table_design AS d VALUES (rel, coalesce(p_diststyle, CASE WHEN p_distkey IS NULL THEN 'AUTO' ELSE 'KEY' END),
      p_distkey, coalesce(p_sort_style, 'AUTO'), p_sortkeys, p_encodings, (now() AT TIME ZONE 'UTC')::timestamp)
    ON CONFLICT (relid) DO UPDATE SET diststyle = excluded.diststyle, distkey = excluded.distkey, sort_style = excluded.sort_style,
      sortkeys = excluded.sortkeys, encodings = excluded.encodings, created = excluded.created;
END $f$;

CREATE OR REPLACE FUNCTION ${s}.alter_table_design(tbl text, p_diststyle text, p_distkey text, p_sort_style text,
  p_sortkeys text[], p_column text, p_codec text) RETURNS void LANGUAGE plpgsql AS $f$
DECLARE rel oid := ${s}.relation_of(tbl);
BEGIN
  IF rel IS NULL THEN RETURN; END IF;
  INSERT INTO ${s}.table_design VALUES (rel, 'AUTO', NULL, 'AUTO', ARRAY[]::text[], '{}'::jsonb, NULL) ON CONFLICT (relid) DO NOTHING;
  UPDATE ${s}.table_design SET
    diststyle = coalesce(p_diststyle, diststyle),
    distkey = CASE WHEN p_distkey IS NULL THEN distkey WHEN p_distkey = '' THEN NULL ELSE p_distkey END,
    sort_style = coalesce(p_sort_style, sort_style),
    sortkeys = coalesce(p_sortkeys, sortkeys),
    encodings = CASE WHEN p_column IS NULL THEN encodings ELSE encodings || jsonb_build_object(p_column, p_codec) END
  WHERE relid = rel;
END $f$;
`;
}

function sessionsSql(s: string): string {
  return `
CREATE OR REPLACE VIEW ${s}.stv_sessions AS
SELECT ${START} AS starttime, a.pid::integer AS process,
  coalesce(a.usename::text, current_user::text)::character(50) AS user_name,
  coalesce(a.datname::text, current_database()::text)::character(50) AS db_name,
  0::integer AS timeout_sec
${SESSIONS};

CREATE OR REPLACE VIEW ${s}.sys_session_history AS
SELECT coalesce(a.usesysid, (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = current_user))::text::character(50) AS user_id,
  a.pid::integer AS session_id,
  coalesce(a.datname::text, current_database()::text)::character(50) AS database_name,
  'active'::character(9) AS status, 0::integer AS session_timeout, ${START} AS start_time, NULL::timestamp AS end_time
${SESSIONS};
`;
}

/** PG_TABLE_DEF, SVV_TABLES, SVV_COLUMNS: the catalog as Redshift's views show it. */
function catalogSql(s: string): string {
  return `
CREATE OR REPLACE VIEW ${s}.pg_table_def AS
SELECT n.nspname AS schemaname, c.relname AS tablename, a.attname AS "column",
  pg_catalog.format_type(a.atttypid, a.atttypmod)::text AS type,
  coalesce(d.encodings ->> a.attname::text, 'none')::character(32) AS encoding,
  coalesce(d.distkey = a.attname::text, false) AS distkey,
  coalesce(CASE WHEN d.sort_style = 'INTERLEAVED' AND k.pos % 2 = 1 THEN -k.pos ELSE k.pos END, 0)::integer AS sortkey,
  a.attnotnull AS "notnull"
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN ${s}.table_design d ON d.relid = c.oid
LEFT JOIN LATERAL (SELECT p.pos::integer AS pos FROM unnest(d.sortkeys) WITH ORDINALITY AS p(col, pos) WHERE p.col = a.attname::text) k ON true
WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY (pg_catalog.current_schemas(false));

CREATE OR REPLACE VIEW ${s}.svv_tables AS
SELECT current_database()::text AS table_catalog, n.nspname::text AS table_schema, c.relname::text AS table_name,
  CASE WHEN c.relkind IN ('v', 'm') THEN 'VIEW' ELSE 'BASE TABLE' END::text AS table_type,
  pg_catalog.obj_description(c.oid, 'pg_class')::text AS remarks
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname <> '${s}' AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
  AND (pg_catalog.pg_has_role(c.relowner, 'USAGE')
       OR pg_catalog.has_table_privilege(c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER'));

CREATE OR REPLACE VIEW ${s}.svv_columns AS
SELECT c.table_catalog::text AS table_catalog, c.table_schema::text AS table_schema, c.table_name::text AS table_name,
  c.column_name::text AS column_name, c.ordinal_position::integer AS ordinal_position, c.column_default::text AS column_default,
  c.is_nullable::text AS is_nullable, c.data_type::text AS data_type, c.character_maximum_length::integer AS character_maximum_length,
  c.numeric_precision::integer AS numeric_precision, c.numeric_precision_radix::integer AS numeric_precision_radix,
  c.numeric_scale::integer AS numeric_scale, c.datetime_precision::integer AS datetime_precision, c.interval_type::text AS interval_type,
  c.interval_precision::text AS interval_precision, c.character_set_catalog::text AS character_set_catalog,
  c.character_set_schema::text AS character_set_schema, c.character_set_name::text AS character_set_name,
  c.collation_catalog::text AS collation_catalog, c.collation_schema::text AS collation_schema, c.collation_name::text AS collation_name,
  c.domain_name::text AS domain_name,
  pg_catalog.col_description(to_regclass(quote_ident(c.table_schema) || '.' || quote_ident(c.table_name)), c.dtd_identifier::integer)::text AS remarks
FROM information_schema.columns c
WHERE c.table_schema <> '${s}' AND c.table_schema NOT LIKE 'pg\\_toast%' AND c.table_schema NOT LIKE 'pg\\_temp%';
`;
}

/** SVV_TABLE_INFO counts each table's rows (empty tables are not listed), so it is a function. */
function tableInfoSql(s: string): string {
  return `
CREATE OR REPLACE FUNCTION ${s}.svv_table_info_rows() RETURNS TABLE (o_database text, o_schema text, o_table_id oid, o_table text,
  o_encoded text, o_diststyle text, o_sortkey1 text, o_max_varchar integer, o_sortkey1_enc character(32), o_sortkey_num integer,
  o_size bigint, o_tbl_rows numeric(38,0), o_sorted boolean, o_key boolean, o_create_time timestamp)
LANGUAGE plpgsql STABLE AS $f$
DECLARE
  r record;
  n bigint;
BEGIN
  FOR r IN
    SELECT c.oid, ns.nspname, c.relname, coalesce(d.diststyle, 'AUTO') AS diststyle, d.distkey,
      coalesce(d.sort_style, 'AUTO') AS sort_style, coalesce(d.sortkeys, ARRAY[]::text[]) AS sortkeys,
      coalesce(d.encodings, '{}'::jsonb) AS encodings, d.created
    FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace ns ON ns.oid = c.relnamespace
    LEFT JOIN ${s}.table_design d ON d.relid = c.oid
    WHERE c.relkind IN ('r', 'p', 'm') AND ns.nspname NOT IN ('information_schema', '${s}') AND ns.nspname NOT LIKE 'pg\\_%'
      AND pg_catalog.has_table_privilege(c.oid, 'SELECT')
  LOOP
    EXECUTE format('SELECT count(*) FROM %s', r.oid::regclass) INTO n;
    CONTINUE WHEN n = 0;
    o_database := current_database(); o_schema := r.nspname; o_table_id := r.oid; o_table := r.relname;
    o_encoded := CASE WHEN r.encodings <> '{}'::jsonb THEN 'Y' ELSE 'N' END;
    o_diststyle := CASE r.diststyle WHEN 'KEY' THEN 'KEY(' || r.distkey || ')' WHEN 'AUTO' THEN 'AUTO(ALL)' ELSE r.diststyle END;
    o_sorted := r.sort_style IN ('COMPOUND', 'INTERLEAVED') AND cardinality(r.sortkeys) > 0;
    o_key := r.diststyle = 'KEY';
    o_sortkey1 := CASE WHEN o_sorted THEN r.sortkeys[1] WHEN r.sort_style = 'AUTO' THEN 'AUTO(SORTKEY)' END;
    o_sortkey1_enc := CASE WHEN o_sorted THEN coalesce(r.encodings ->> r.sortkeys[1], 'none') END;
    o_sortkey_num := CASE WHEN o_sorted THEN cardinality(r.sortkeys) ELSE 0 END;
    SELECT max(a.atttypmod - 4) INTO o_max_varchar FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = 'pg_catalog.varchar'::regtype;
    o_size := ceil(pg_catalog.pg_total_relation_size(r.oid) / 1048576.0)::bigint;
    o_tbl_rows := n;
    o_create_time := r.created;
    RETURN NEXT;
  END LOOP;
END $f$;

CREATE OR REPLACE VIEW ${s}.svv_table_info AS
SELECT o_database AS database, o_schema AS schema, o_table_id AS table_id, o_table AS "table", o_encoded AS encoded,
  o_diststyle AS diststyle, o_sortkey1 AS sortkey1, o_max_varchar AS max_varchar, o_sortkey1_enc::character(32) AS sortkey1_enc,
  o_sortkey_num AS sortkey_num, o_size AS size, 0::numeric(10,4) AS pct_used, 0::bigint AS empty,
  CASE WHEN o_sorted THEN 0 END::numeric(5,2) AS unsorted, 0::numeric(5,2) AS stats_off, o_tbl_rows::numeric(38,0) AS tbl_rows,
  CASE WHEN o_sorted THEN 1 END::numeric(19,2) AS skew_sortkey1, CASE WHEN o_key THEN 1 END::numeric(19,2) AS skew_rows,
  o_tbl_rows::numeric(38,0) AS estimated_visible_rows, NULL::text AS risk_event, CASE WHEN o_sorted THEN 0 END::numeric(12,2) AS vacuum_sort_benefit,
  o_create_time AS create_time
FROM ${s}.svv_table_info_rows();
`;
}
