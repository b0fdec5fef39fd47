/**
 * Redshift's system relations (STV_, STL_, SVV_, SVL_, SYS_, SVCS_, STCS_ and the catalog
 * tables PG_TABLE_DEF, PG_LIBRARY, ...) as the local warehouse sees them.
 *
 * EMULATED_SYSTEM_RELATIONS lists the ones the local warehouse provides. The emulation rewriter
 * qualifies a reference to one of them with SYSTEM_RELATIONS_SCHEMA (`stl_load_errors` →
 * `rsrun_compat.stl_load_errors`), so whoever adds a name here creates the relation in that
 * schema when the compat schema is installed. Every other system relation stops the statement
 * with "<NAME> is a Redshift system table, not available locally" before it reaches the server.
 *
 * Sources (docs.aws.amazon.com/redshift/latest/dg/<page>.html): cm_chap_system-tables (the STL,
 * STV, SVV, SVL, SYS and SVCS/STCS families), c_intro_catalog_views (the catalog tables
 * Redshift adds to PostgreSQL's).
 */

/** The schema holding the emulated system relations (the compat schema). */
export const SYSTEM_RELATIONS_SCHEMA = 'rsrun_compat';

/** Lower-case names of the system relations the local warehouse emulates. */
export const EMULATED_SYSTEM_RELATIONS: ReadonlySet<string> = new Set([
  // COPY ... MAXERROR records rejected rows here (copy-from-s3.ts), as on a cluster (r_STL_LOAD_ERRORS).
  'stl_load_errors',
  // Redshift's column names and types over the local catalog (emulation/system-views.ts).
  'stv_sessions',
  'sys_session_history',
  'svv_table_info',
  'pg_table_def',
  'svv_tables',
  'svv_columns',
]);

const SYSTEM_PREFIX = /^(stv|stl|svv|svl|sys|svcs|stcs)_[a-z0-9_]+$/;

/** Catalog tables Redshift has and PostgreSQL does not (c_intro_catalog_views). */
const REDSHIFT_CATALOG_TABLES = new Set([
  'pg_attribute_info',
  'pg_class_info',
  'pg_database_info',
  'pg_external_schema',
  'pg_library',
  'pg_proc_info',
  'pg_statistic_indicator',
  'pg_table_def',
  'pg_user_info',
]);

/** Is `name` (as folded: lower case, unqualified) a Redshift system relation? */
export function isRedshiftSystemRelation(name: string): boolean {
  return SYSTEM_PREFIX.test(name) || REDSHIFT_CATALOG_TABLES.has(name);
}

/** How to keep a migration that reads a system relation out of local runs. */
export const SYSTEM_RELATION_HINT =
  'system tables exist only on a cluster, so this migration cannot run on the local warehouse: keep views and scripts that read them in a separate rsrun project deployed to Redshift only, or read a table of your own (schema-qualified) that has the same columns';
