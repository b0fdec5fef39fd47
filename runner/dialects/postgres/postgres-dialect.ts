import { DialectAdapterBase, type DatabaseStatements, type NonTransactionalMatch, type SessionProbe } from '../dialect';
import { matchRule, REDSHIFT_IMPLICIT_COMMIT, REDSHIFT_NON_TRANSACTIONAL } from '../redshift/transaction-rules';
import { postgresSessionProbe } from './session-probe';

const PG = 'https://www.postgresql.org/docs/current/';

// PostgreSQL's own commands that "cannot be executed inside a transaction block".
const POSTGRES_NON_TRANSACTIONAL = [
  { command: 'VACUUM', source: `${PG}sql-vacuum.html`, test: /^VACUUM\b/ },
  { command: 'CREATE DATABASE', source: `${PG}sql-createdatabase.html`, test: /^CREATE DATABASE\b/ },
  { command: 'DROP DATABASE', source: `${PG}sql-dropdatabase.html`, test: /^DROP DATABASE\b/ },
  { command: 'CREATE INDEX CONCURRENTLY', source: `${PG}sql-createindex.html`, test: /^CREATE (UNIQUE )?INDEX CONCURRENTLY\b/ },
  { command: 'DROP INDEX CONCURRENTLY', source: `${PG}sql-dropindex.html`, test: /^DROP INDEX CONCURRENTLY\b/ },
  { command: 'REINDEX CONCURRENTLY', source: `${PG}sql-reindex.html`, test: /^REINDEX\b.*\bCONCURRENTLY\b/ },
  { command: 'ALTER SYSTEM', source: `${PG}sql-altersystem.html`, test: /^ALTER SYSTEM\b/ },
  { command: 'CREATE TABLESPACE', source: `${PG}sql-createtablespace.html`, test: /^CREATE TABLESPACE\b/ },
  { command: 'DROP TABLESPACE', source: `${PG}sql-droptablespace.html`, test: /^DROP TABLESPACE\b/ },
];

/**
 * PostgreSQL, and the embedded engine. With `emulateRedshift` the Redshift transaction rules apply
 * too, so a migration that would fail on the cluster is handled the same way locally.
 */
const POSTGRES_DATABASES: DatabaseStatements = {
  existsSql: 'SELECT 1 AS found FROM pg_database WHERE datname = $1',
  sizeSql: 'SELECT pg_database_size(datname)::BIGINT AS bytes FROM pg_database WHERE datname = $1',
  create: (name) => `CREATE DATABASE ${name}`,
  drop: (name) => `DROP DATABASE IF EXISTS ${name}`,
  // WITH (FORCE) checks the right to terminate every backend on the database first, autovacuum
  // workers included (they run as no role), so for a user without pg_signal_backend it fails at
  // random right after a deploy. Ending the user's own sessions, then a plain DROP (which ends
  // autovacuum workers itself and waits up to 5 s for backends to exit: sql-dropdatabase), does not.
  endOwnSessionsSql:
    'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND usename = current_user',
  // PostgreSQL 13+: "FORCE: Attempt to terminate all existing connections to the target database" (sql-dropdatabase).
  dropForcing: (name) => `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`,
  tablesOfSchemaSql:
    "SELECT table_schema AS schema_name, table_name FROM information_schema.tables WHERE table_catalog = $1 AND table_schema = $2 AND table_type = 'BASE TABLE' ORDER BY table_name",
  // Each database is its own world: a query sees only the database it is connected to.
  crossDatabaseSelect: false,
};

export class PostgresDialect extends DialectAdapterBase {
  readonly name = 'postgres' as const;
  readonly databases = POSTGRES_DATABASES;
  readonly nowSql = 'now()';
  // now() is frozen for a whole multi-statement message (it is the transaction start, and every
  // transaction of one simple query starts at the message's receipt): only clock_timestamp() moves.
  readonly transactionClockSql = 'clock_timestamp()::TIMESTAMP';
  readonly sessionProbe: SessionProbe | undefined;
  override readonly singleBackend: boolean;
  override readonly supportsCopyFromStdin: boolean;
  override readonly supportsServerCancel: boolean;

  constructor(
    readonly emulateRedshift: boolean,
    /**
     * The embedded engine: one PGlite backend in the runner's own process behind a socket server
     * that serialises transactions, breaks on COPY FROM STDIN and cannot interrupt a statement
     * (warehouse/embedded.ts); a session check cannot tell its runners apart.
     */
    embedded = false,
  ) {
    super();
    this.sessionProbe = embedded ? undefined : postgresSessionProbe;
    this.singleBackend = embedded;
    this.supportsCopyFromStdin = !embedded;
    this.supportsServerCancel = !embedded;
  }

  millisecondsBetweenSql(from: string, to: string): string {
    return `(EXTRACT(EPOCH FROM (${to} - ${from})) * 1000)::INT`;
  }

  addSecondsSql(param: string): string {
    return `(now() + (${param}::INT * INTERVAL '1 second'))`;
  }

  nonTransactional(statement: string): NonTransactionalMatch | undefined {
    return (
      matchRule(POSTGRES_NON_TRANSACTIONAL, statement) ??
      (this.emulateRedshift ? matchRule(REDSHIFT_NON_TRANSACTIONAL, statement) : undefined)
    );
  }

  override commitsImplicitly(statement: string): NonTransactionalMatch | undefined {
    return this.emulateRedshift ? matchRule(REDSHIFT_IMPLICIT_COMMIT, statement) : undefined;
  }
}
