/**
 * Everything that differs between Redshift and PostgreSQL lives behind this adapter, so the
 * engine has no `if (redshift)` of its own. `DialectAdapterBase` holds the shared defaults.
 */

export interface NonTransactionalMatch {
  /** The command as the documentation names it, e.g. `VACUUM`. */
  command: string;
  /** Where that rule comes from (AWS documentation page). */
  source: string;
}

/** What a dialect needs of a connection to probe it: one parameterised query (a warehouse Session). */
export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[] }>;
}

/** One database session: a PID alone is not one (servers reuse PIDs; Redshift restarts sessions under new ones). */
export interface SessionIdentity {
  pid: number;
  /** The session's start time as the server writes it; null when the server would not say. */
  start: string | null;
}

/** `unknown` means the probe could not prove either way (no view, no permission): never treat it as gone. */
export type SessionState = 'alive' | 'gone' | 'unknown';

/** How this engine tells whether another runner's database session still exists. */
export interface SessionProbe {
  /** The current session's start time, recorded with its PID when it claims the deployment lease. */
  startOf(q: Queryable): Promise<string | null>;
  /** Whether the session `who` still exists; `sameUser` says whether its user is the one asking. */
  stateOf(q: Queryable, who: SessionIdentity, sameUser: boolean): Promise<SessionState>;
}

export interface DialectAdapter {
  readonly name: 'postgres' | 'redshift';
  /** Expression for "now" usable in INSERT ... VALUES/SELECT. */
  readonly nowSql: string;
  /**
   * A clock that advances between the transactions of one multi-statement round trip, read at
   * the start of each migration's transaction to time it (the history's `execution_ms`).
   */
  readonly transactionClockSql: string;
  /** Whole milliseconds from timestamp expression `from` to `to` (an integer). */
  millisecondsBetweenSql(from: string, to: string): string;
  /** Expression adding `$n` seconds to now: `addSecondsSql('$2')`. */
  addSecondsSql(param: string): string;
  /**
   * How to prove another runner's session gone; undefined when the engine cannot tell sessions
   * of different runners apart (the embedded engine: one backend in the runner's own process).
   */
  readonly sessionProbe: SessionProbe | undefined;
  /** One backend serves every connection: transactions of different sessions run one at a time. */
  readonly singleBackend: boolean;
  /** `COPY ... FROM STDIN` works on a session (not on Redshift, not through the embedded socket server). */
  readonly supportsCopyFromStdin: boolean;
  /** A running statement can be cancelled from another connection (not in-process engines). */
  readonly supportsServerCancel: boolean;
  /** A statement inside a transaction block may ignore a cancel: terminate its session instead. */
  readonly needsTerminateForCancel: boolean;
  /** Statements that refuse to run inside a transaction block on this engine. */
  nonTransactional(statement: string): NonTransactionalMatch | undefined;
  /** Statements that commit the transaction they run in (e.g. TRUNCATE on Redshift). */
  commitsImplicitly(statement: string): NonTransactionalMatch | undefined;
  quoteIdent(name: string): string;
  /** Qualified, quoted `schema.name`. */
  qualify(schema: string, name: string): string;
  /** Statements that create, size and drop whole databases (branch environments). */
  readonly databases: DatabaseStatements;
}

/** Each runs on its own, outside a transaction block where it changes a database. */
export interface DatabaseStatements {
  /** One row when database `$1` exists. */
  readonly existsSql: string;
  /** `bytes` of database `$1` (null when the engine would not say). */
  readonly sizeSql: string;
  /** `CREATE DATABASE <quoted>`. */
  create(quotedName: string): string;
  /** Drops the database; fails (55006 on PostgreSQL) while other sessions use it. */
  drop(quotedName: string): string;
  /**
   * Ends the current user's other sessions on database `$1`, where `dropForcing` cannot be relied
   * on (PostgreSQL: see postgres-dialect.ts); `drop` follows it.
   */
  readonly endOwnSessionsSql?: string;
  /** Drops the database after ending its other sessions, where the engine can. */
  dropForcing(quotedName: string): string;
  /** Tables (`schema_name`, `table_name`) of database `$1`, schema `$2` (Redshift lists any database; PostgreSQL only its own). */
  readonly tablesOfSchemaSql: string;
  /** A session may read tables of another database of the server with `db.schema.table`. */
  readonly crossDatabaseSelect: boolean;
}

export abstract class DialectAdapterBase implements DialectAdapter {
  abstract readonly name: 'postgres' | 'redshift';
  abstract readonly nowSql: string;
  abstract readonly transactionClockSql: string;
  abstract millisecondsBetweenSql(from: string, to: string): string;
  abstract addSecondsSql(param: string): string;
  abstract readonly sessionProbe: SessionProbe | undefined;
  readonly singleBackend: boolean = false;
  readonly supportsCopyFromStdin: boolean = false;
  readonly supportsServerCancel: boolean = true;
  readonly needsTerminateForCancel: boolean = false;

  abstract nonTransactional(statement: string): NonTransactionalMatch | undefined;
  abstract readonly databases: DatabaseStatements;

  commitsImplicitly(_statement: string): NonTransactionalMatch | undefined {
    return undefined;
  }

  quoteIdent(name: string): string {
    return quoteIdent(name);
  }

  qualify(schema: string, name: string): string {
    return `${quoteIdent(schema)}.${quoteIdent(name)}`;
  }
}

/**
 * The one identifier-quoting helper. Identifiers come from configuration (schema and table names),
 * never from data; values always travel as bind parameters.
 */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new Error('empty SQL identifier');
  if (name.includes('\u0000')) throw new Error('SQL identifier contains NUL');
  return `"${name.replace(/"/g, '""')}"`;
}
