import { DialectAdapterBase, type DatabaseStatements, type NonTransactionalMatch } from '../dialect';
import { RedshiftSessionProbe } from './session-probe';
import { matchRule, REDSHIFT_IMPLICIT_COMMIT, REDSHIFT_NON_TRANSACTIONAL } from './transaction-rules';

/**
 * Amazon Redshift (provisioned or serverless) over the PostgreSQL wire protocol.
 * Pages cited: https://docs.aws.amazon.com/redshift/latest/dg/<page>.html
 */
const DG = 'https://docs.aws.amazon.com/redshift/latest/dg/';

/**
 * Whole databases on Redshift. CREATE DATABASE and DROP DATABASE refuse a transaction block
 * (r_CREATE_DATABASE, r_DROP_DATABASE: "You can't run ... within a transaction block"); DROP
 * DATABASE takes `FORCE` after the name, which "attempts to terminate active connections prior to
 * dropping the database", and cannot drop dev or the current database (r_DROP_DATABASE); Redshift
 * has no IF EXISTS there, so callers check `existsSql` first. SVV_REDSHIFT_DATABASES lists the
 * databases a user may see (r_SVV_REDSHIFT_DATABASES); SVV_REDSHIFT_SCHEMA_QUOTA gives each
 * schema's disk_usage in MB, on provisioned clusters and Serverless (r_SVV_REDSHIFT_SCHEMA_QUOTA);
 * SVV_REDSHIFT_TABLES lists tables of any database of the cluster (r_SVV_REDSHIFT_TABLES).
 */
export const REDSHIFT_DATABASES: DatabaseStatements & { sources: readonly string[] } = {
  existsSql: 'SELECT 1 AS found FROM svv_redshift_databases WHERE database_name = $1',
  sizeSql: 'SELECT SUM(disk_usage)::BIGINT * 1048576 AS bytes FROM svv_redshift_schema_quota WHERE database_name = $1',
  create: (name) => `CREATE DATABASE ${name}`,
  drop: (name) => `DROP DATABASE ${name}`,
  dropForcing: (name) => `DROP DATABASE ${name} FORCE`,
  tablesOfSchemaSql:
    "SELECT schema_name, table_name FROM svv_redshift_tables WHERE database_name = $1 AND schema_name = $2 AND table_type = 'TABLE' ORDER BY table_name",
  // "Amazon Redshift supports cross-database query on all ra3 node types and serverless namespaces"
  // (cross-database_usage): three-part names read another database of the cluster.
  crossDatabaseSelect: true,
  sources: [
    'r_CREATE_DATABASE',
    'r_DROP_DATABASE',
    'r_SVV_REDSHIFT_DATABASES',
    'r_SVV_REDSHIFT_SCHEMA_QUOTA',
    'r_SVV_REDSHIFT_TABLES',
    'cross-database_usage',
  ].map((page) => `${DG}${page}.html`),
};

export class RedshiftDialect extends DialectAdapterBase {
  readonly name = 'redshift' as const;
  readonly databases = REDSHIFT_DATABASES;
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
