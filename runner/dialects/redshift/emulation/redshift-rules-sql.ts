/**
 * The SQL the Redshift rules of this folder install into the compat schema (compat-schema.ts
 * appends it to its own, so one version hash covers both): transaction guards, the leader-node
 * refusal, the system views.
 */
import { leaderNodeSql } from './leader-node';
import { systemViewsSql } from './system-views';
import { transactionGuardSql } from './transaction-guard';

export function redshiftRulesSql(schema: string): string {
  return [transactionGuardSql(schema), leaderNodeSql(schema), systemViewsSql(schema)].join('\n');
}
