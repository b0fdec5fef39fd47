/**
 * A leader-node-only function in a statement that reads a user table or a Redshift system table. "The leader node distributes SQL to the compute nodes when a query references user-created
 * tables or system tables (tables with an STL or STV prefix and system views with an SVL or SVV
 * prefix). A query that references only catalog tables (tables with a PG prefix, such as
 * PG_TABLE_DEF) or that does not reference any tables, runs exclusively on the leader node. ... A
 * query that uses a leader-node function must run exclusively on the leader node ... or it will
 * return an error" (c_SQL_functions_leader_node_only). The cluster answers
 * `INFO: Function "current_schema()" not supported.` then `ERROR: Specified types or functions (one
 * per INFO message) not supported on Amazon Redshift tables.` (c_sql-functions-leader-node).
 *
 * One check decides the lint finding (RS030, lint/checks/leader-node.ts) and the local emulation's
 * error (emulation/leader-node.ts), so both agree statement by statement; it lives here, beside
 * refused-sql.ts, so that the lint depends on the dialect and not the other way round.
 */
import { referencedRelations } from '../sql-shape';
import { isSymbol, isWord, type SqlToken } from '../sql-tokens';

/**
 * Called with parentheses. From c_SQL_functions_leader_node_only: CURRENT_SCHEMA, CURRENT_SCHEMAS,
 * HAS_DATABASE_PRIVILEGE, HAS_SCHEMA_PRIVILEGE, HAS_TABLE_PRIVILEGE, SUBSTR, FACTORIAL and the deprecated AGE,
 * ISFINITE, NOW, GETBIT, GET_BYTE, SET_BIT, SET_BYTE, TO_ASCII; VERSION (r_VERSION: "This is a
 * leader-node function"); and PostgreSQL's catalog functions, which read the catalog that lives on
 * the leader node (c_sql-functions-leader-node). Not checked: CURRENT_TIME, CURRENT_TIMESTAMP,
 * LOCALTIME, LOCALTIMESTAMP, which the page also lists but which AWS's own utilities use with STV
 * and SVV tables (amazon-redshift-utils AdminViews v_get_blocking_locks): unverified without a
 * cluster, so not refused.
 */
export const LEADER_NODE_ONLY_FUNCTIONS: ReadonlySet<string> = new Set([
  'current_schema',
  'current_schemas',
  'has_database_privilege',
  'has_schema_privilege',
  'has_table_privilege',
  // c_sql-functions-leader-node: "SELECT SUBSTR(catdesc, 1) FROM category" fails; SUBSTRING does not.
  'substr',
  'factorial',
  'version',
  'age',
  'isfinite',
  'now',
  'getbit',
  'get_byte',
  'set_bit',
  'set_byte',
  'to_ascii',
  // Catalog information functions (PostgreSQL's, present on the leader node).
  'pg_get_viewdef',
  'pg_get_userbyid',
  'pg_get_expr',
  'pg_get_constraintdef',
  'pg_get_functiondef',
  'pg_table_is_visible',
  'format_type',
  'obj_description',
  'col_description',
]);

// Relations that live on the leader node: the PG catalog and information_schema.
const LEADER_RELATION = /^(pg_|information_schema$)/;

export interface LeaderNodeViolation {
  /** The function call token, e.g. `now`. */
  fn: SqlToken;
  /** As Redshift's INFO message writes it: `now()`. */
  call: string;
  /** The first table that sends the query to the compute nodes. */
  table: string;
}

/** Statements that run a query when they run (not CREATE VIEW/PROCEDURE, which store one). */
function runsQuery(ts: readonly SqlToken[]): boolean {
  if (isWord(ts[0], 'SELECT', 'WITH', 'INSERT', 'UPDATE', 'DELETE')) return true;
  return isWord(ts[0], 'CREATE') && ts.some((t, i) => isWord(t, 'AS') && isWord(ts[i + 1], 'SELECT', 'WITH'));
}

/** The first leader-node-only call of a statement that also reads a compute-node table. */
export function leaderNodeViolation(ts: readonly SqlToken[]): LeaderNodeViolation | undefined {
  if (!runsQuery(ts)) return undefined;
  const calls = ts.filter((t, i) => {
    if (t.kind !== 'word' || !LEADER_NODE_ONLY_FUNCTIONS.has(t.text.toLowerCase()) || !isSymbol(ts[i + 1], '(')) return false;
    // `schema.fn(...)` is a user function, unless the schema is pg_catalog.
    return !isSymbol(ts[i - 1], '.') || isWord(ts[i - 2], 'PG_CATALOG');
  });
  const first = calls[0];
  if (!first) return undefined;
  const table = referencedRelations(ts).find((n) => !n.parts.some((p) => LEADER_RELATION.test(p)));
  if (!table) return undefined;
  return { fn: first, call: `${first.text.toLowerCase()}()`, table: table.parts.join('.') };
}
