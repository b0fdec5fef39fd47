import { DialectAdapterBase, type NonTransactionalMatch } from '../dialect';
import { matchRule, REDSHIFT_IMPLICIT_COMMIT, REDSHIFT_NON_TRANSACTIONAL } from './transaction-rules';

/** Amazon Redshift (provisioned or serverless) over the PostgreSQL wire protocol. */
export class RedshiftDialect extends DialectAdapterBase {
  readonly name = 'redshift' as const;
  // GETDATE() is the current statement's start; SYSDATE the transaction's start (r_GETDATE, r_SYSDATE).
  readonly nowSql = 'GETDATE()';
  readonly elapsedMsInTransactionSql = 'DATEDIFF(ms, SYSDATE, GETDATE())::INT';
  // STV_SESSIONS shows regular users only their own sessions (r_STV_SESSIONS).
  readonly sessionAliveSql = 'SELECT 1 FROM stv_sessions WHERE process = $1';
  override readonly sessionCheckSeesOtherUsers = false;

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
