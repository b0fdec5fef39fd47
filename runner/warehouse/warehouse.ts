/**
 * The port the engine, the test runner and the ledger talk to. Implementations: `pg-warehouse.ts`
 * (PostgreSQL wire protocol: Redshift, PostgreSQL, and the embedded engine through its socket) and
 * whatever a transport adds (e.g. the Redshift Data API). Keep it minimal so fakes stay trivial.
 */
import type { Readable, Writable } from 'node:stream';
import type { DialectAdapter } from '../dialects/dialect';

export type Row = Record<string, unknown>;

export interface QueryResult<R = Row> {
  rows: R[];
  rowCount: number;
  fields: string[];
}

/** A server error, normalised across transports. */
export interface ServerErrorInfo {
  message: string;
  sqlState: string | undefined;
  /** 1-based character position in the statement text, when the server reports one. */
  position: number | undefined;
  detail: string | undefined;
  hint: string | undefined;
}

/** SQL text as one string, or as pieces that make one text when concatenated. */
export type SqlPieces = string | readonly string[];

/** One connection (one backend session). Not safe for concurrent use. */
export interface Session {
  /** Server process id, used for server-side cancel and lock ownership. */
  readonly backendPid: number;
  /** One statement; `params` are bound by the server ($1, $2, ...), never interpolated. */
  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /**
   * Several `;`-separated statements in one round trip (simple query protocol, no parameters).
   * Returns the result of the last statement that returned rows, if any. Pieces are one text, sent
   * without being joined where the driver can (a migration's round trip is megabytes).
   */
  batch: (sql: SqlPieces) => Promise<QueryResult>;
  /** `COPY ... FROM STDIN`; resolves with the number of rows loaded. */
  copyFrom(sql: string, source: Readable): Promise<number>;
  /** `COPY ... TO STDOUT` into `sink`. */
  copyTo(sql: string, sink: Writable): Promise<void>;
  /** Stream rows of a query in chunks so memory stays bounded whatever the result size. */
  stream<R = Row>(
    sql: string,
    params: readonly unknown[],
    onRows: (rows: R[], fields: string[]) => boolean | void,
    chunkSize?: number,
  ): Promise<void>;
  /** True when the session is inside a transaction block (BEGIN issued and not yet ended). */
  inTransaction(): boolean;
  /** The largest statement this session's transport accepts (UTF-8 bytes); undefined: REDSHIFT_MAX_STATEMENT_BYTES. */
  readonly maxStatementBytes?: number;
  /** Give the session back; `broken` discards it (after a timeout, a cancel, a protocol error). */
  release(broken?: boolean): Promise<void>;
}

export interface Warehouse {
  readonly dialect: DialectAdapter;
  /** Human label without secrets, e.g. `postgres://deployer@127.0.0.1:5432/dev`. */
  readonly label: string;
  /** The user name the runner connects as (recorded as installed_by). */
  readonly user: string;
  acquire(): Promise<Session>;
  /** Cancel whatever `backendPid` is running, from another connection (server-side cancel). */
  cancel(backendPid: number): Promise<void>;
  /** Terminate a session, e.g. a hung test that ignored cancel. */
  terminate(backendPid: number): Promise<void>;
  close(): Promise<void>;
  /**
   * The largest statement (text and parameter values, UTF-8 bytes) the transport accepts; callers
   * that generate statements (fixtures, staged history rows) cut them below it. Undefined: 16 MB,
   * Redshift's statement limit (c_redshift-sql).
   */
  readonly maxStatementBytes?: number;
  /** A warehouse on another database of the same server, same credentials and settings (close it after use). */
  forDatabase?(database: string): Warehouse;
}

/** Redshift's limit on one statement: "The maximum size for a single SQL statement is 16 MB" (c_redshift-sql). */
export const REDSHIFT_MAX_STATEMENT_BYTES = 16 * 1024 * 1024;
