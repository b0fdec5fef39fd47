/**
 * Leader-node-only functions on the local engines: a statement that calls one and also reads a user
 * or system table fails as it does on a cluster, with the same INFO line and error
 * (c_sql-functions-leader-node). Which statements: ../leader-node-functions.ts decides, for lint
 * rule RS030 too, so lint and emulation agree.
 */
import { leaderNodeViolation } from '../leader-node-functions';
import type { RewrittenStatement } from '../../rewriter';
import type { SqlToken } from '../../sql-tokens';
import { COMPAT_SCHEMA } from './compat-schema-name';
import { sqlString } from './sql-literals';

/** Installed with the compat schema: raises the cluster's INFO and ERROR for `call`. */
export function leaderNodeSql(schema: string): string {
  return `
-- c_sql-functions-leader-node: 'INFO: Function "current_schema()" not supported.' then this ERROR.
CREATE OR REPLACE FUNCTION ${schema}.refuse_leader_node_only(call text) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
  -- The page's SUBSTR example fails with an error of its own, not the INFO/ERROR pair.
  IF call = 'substr()' THEN
    RAISE EXCEPTION 'SUBSTR() function is not supported' USING ERRCODE = '0A000',
      HINT = 'SUBSTR runs only on the leader node: use SUBSTRING, which runs on the compute nodes (c_sql-functions-leader-node)';
  END IF;
  RAISE INFO 'Function "%" not supported.', call;
  RAISE EXCEPTION 'Specified types or functions (one per INFO message) not supported on Amazon Redshift tables.'
    USING ERRCODE = '0A000', DETAIL = format('Function "%s" not supported.', call),
    HINT = 'the function runs only on the leader node, and the statement reads a user or system table (c_SQL_functions_leader_node_only)';
END $f$;
`;
}

/** The statement that fails like the cluster, when `tokens` break the leader-node rule. */
export function leaderNodeRefusal(tokens: readonly SqlToken[]): RewrittenStatement | undefined {
  const found = leaderNodeViolation(tokens);
  if (!found) return undefined;
  return { kind: 'sql', sql: `SELECT ${COMPAT_SCHEMA}.refuse_leader_node_only(${sqlString(found.call)})` };
}
