/**
 * RS030: a leader-node-only function in a statement that reads a user or system table
 * (c_SQL_functions_leader_node_only). The check is the dialect's (dialects/redshift/leader-node-functions.ts),
 * shared with the local emulation, which fails such a statement as the cluster does.
 */
import { leaderNodeViolation } from '../../dialects/redshift/leader-node-functions';
import type { Report, StatementView } from '../types';

export function checkLeaderNode(v: StatementView, report: Report): void {
  const found = leaderNodeViolation(v.tokens);
  if (!found) return;
  report(
    'RS030',
    found.fn,
    `${found.call} runs only on the leader node, and this statement reads ${found.table}, which sends it to the compute nodes: Redshift refuses it ("Specified types or functions ... not supported on Amazon Redshift tables"); use GETDATE()/SYSDATE for NOW(), SUBSTRING for SUBSTR, or compute the value in a separate statement`,
  );
}
