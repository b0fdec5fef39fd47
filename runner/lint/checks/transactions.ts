/**
 * RS101–RS103: statements that refuse a transaction block, or commit the one they run in, in a
 * migration not declared `-- rsrun:no-transaction`. The list of statements is the dialect's own
 * (runner/dialects/redshift/transaction-rules.ts), so the lint and the engine never disagree.
 *
 * Severity: the engine detects these statements itself and runs them outside a transaction, so a
 * migration made of one such statement works; the lint warns (RS101) so the author makes that
 * explicit. A migration that mixes one with other statements cannot be atomic: if a later
 * statement fails, the earlier ones stay applied. That is an error (RS102) until the author splits
 * the file or declares it non-transactional on purpose. TRUNCATE (RS103) runs anywhere but commits
 * the migration's transaction halfway ("The TRUNCATE command commits the transaction in which it
 * is run", r_TRUNCATE): a warning suggesting DELETE FROM.
 */
import { matchRule, REDSHIFT_IMPLICIT_COMMIT, REDSHIFT_NON_TRANSACTIONAL } from '../../dialects/redshift/transaction-rules';
import type { Report, StatementView } from '../types';

export function checkTransactions(v: StatementView, noTransaction: boolean, report: Report): void {
  if (noTransaction || v.source.kind === 'test') return;
  const sql = v.statement.sql;
  const refused = matchRule(REDSHIFT_NON_TRANSACTIONAL, sql);
  if (refused) {
    if (v.source.statements.length > 1) {
      report(
        'RS102',
        v.tokens[0],
        `${refused.command} cannot run inside a transaction block, and this migration has other statements: split it into its own migration, or declare -- rsrun:no-transaction if partial application is acceptable (${refused.source})`,
      );
    } else {
      report(
        'RS101',
        v.tokens[0],
        `${refused.command} cannot run inside a transaction block: add -- rsrun:no-transaction to the migration (${refused.source})`,
      );
    }
    return;
  }
  const commits = matchRule(REDSHIFT_IMPLICIT_COMMIT, sql);
  if (commits) {
    report(
      'RS103',
      v.tokens[0],
      `${commits.command} commits the migration's transaction, so it cannot roll back: use DELETE FROM, or declare -- rsrun:no-transaction (${commits.source})`,
    );
  }
}
