/**
 * The Redshift system tables and views the local emulation provides, lower-case. A statement that
 * names any other STV_/STL_/SVL_/SVV_/SYS_ relation needs a cluster.
 *
 * - STV_SESSIONS, SYS_SESSION_HISTORY, SVV_TABLE_INFO, PG_TABLE_DEF, SVV_TABLES, SVV_COLUMNS:
 *   emulation/system-views.ts, with Redshift's column names and types.
 */
export const EMULATED_SYSTEM_RELATIONS: ReadonlySet<string> = new Set([
  'stv_sessions',
  'sys_session_history',
  'svv_table_info',
  'pg_table_def',
  'svv_tables',
  'svv_columns',
]);
