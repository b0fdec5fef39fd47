import { DialectAdapterBase, type NonTransactionalMatch } from '../dialect';
import { RedshiftSessionProbe } from './session-probe';
import { matchRule, REDSHIFT_IMPLICIT_COMMIT, REDSHIFT_NON_TRANSACTIONAL } from './transaction-rules';

/**
 * Amazon Redshift (provisioned or serverless) over the PostgreSQL wire protocol.
 * Pages cited: https://docs.aws.amazon.com/redshift/latest/dg/<page>.html
 */
export class RedshiftDialect extends DialectAdapterBase {
  readonly name = 'redshift' as const;
  // GETDATE() is the current statement's start, to the second (r_GETDATE's example has no fraction).
  readonly nowSql = 'GETDATE()';
  // SYSDATE is the start of the current transaction, to the microsecond (r_SYSDATE): read at the
  // start of each migration's transaction, it is when that migration began, and when the one
  // before it in the same round trip ended. Mixing it with GETDATE() would compare two clocks.
  readonly transactionClockSql = 'SYSDATE';
  readonly sessionProbe = new RedshiftSessionProbe();
  // "If you cannot cancel a query because it is in transaction block (BEGIN … END), you can
  // terminate the session ... by using the PG_TERMINATE_BACKEND function" (PG_CANCEL_BACKEND).
  override readonly needsTerminateForCancel = true;

  // DATEDIFF accepts the `ms` date part (r_Dateparts_for_datetime_functions).
  millisecondsBetweenSql(from: string, to: string): string {
    return `DATEDIFF(ms, ${from}, ${to})`;
  }

  addSecondsSql(param: string): string {
    return `DATEADD(second, ${param}::INT, GETDATE())`;
  }

  nonTransactional(statement: string): NonTransactionalMatch | undefined {
    return matchRule(REDSHIFT_NON_TRANSACTIONAL, statement);
  }

  override commitsImplicitly(statement: string): NonTransactionalMatch | undefined {
    return matchRule(REDSHIFT_IMPLICIT_COMMIT, statement);
  }
}
