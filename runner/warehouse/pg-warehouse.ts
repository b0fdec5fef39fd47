/**
 * The PostgreSQL wire-protocol warehouse: Amazon Redshift, a PostgreSQL server, and the embedded
 * engine (through its socket server) all go through this one code path with `pg`.
 */
import pg from 'pg';
import type { ConnectionOptions } from 'node:tls';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFromStdin, to as copyToStdout } from 'pg-copy-streams';
import Cursor from 'pg-cursor';
import type { DialectAdapter } from '../dialects/dialect';
import { translateServerError } from '../dialects/redshift/emulation/redshift-errors';
import { ConnectionError } from '../errors';
import { batchQuery } from './pg-batch-query';
import { tlsFailureHint } from './tls';
import type { QueryResult, Row, Session, SqlPieces, Warehouse } from './warehouse';

export interface PgWarehouseOptions {
  host: string;
  port: number;
  database: string;
  user: string;
  /** A function is called for every new connection (temporary IAM passwords, see aws/iam-credentials.ts). */
  password: string | (() => Promise<string>) | undefined;
  /** `false` for no TLS; otherwise Node TLS options (CA bundle, servername). */
  ssl: false | ConnectionOptions;
  connectTimeoutMs: number;
  /** 0 = no limit. */
  statementTimeoutMs: number;
  maxConnections: number;
  applicationName: string;
  /** Redshift WLM label; applied with set_config so the value is a bind parameter. */
  queryGroup: string | undefined;
  /**
   * A PostgreSQL engine standing in for Redshift (`emulate_redshift`): transactions run at
   * SERIALIZABLE, Redshift's only isolation for provisioned clusters (c_serial_isolation), and
   * PostgreSQL errors that have a Redshift counterpart are reworded as Redshift words them
   * (a serialization failure becomes "1023 Serializable isolation violation").
   */
  redshiftSemantics?: boolean;
  /** What reports call the target, when the address says nothing (the embedded engine's random port). */
  label?: string;
}

// SQLSTATE classes that mean "could not connect or authenticate", not "your SQL is wrong".
const CONNECT_SQLSTATES = new Set(['28000', '28P01', '3D000', '08001', '08004', '08006', '57P03']);

export class PgWarehouse implements Warehouse {
  readonly label: string;
  readonly user: string;
  private readonly pool: pg.Pool;
  /** Backend pid of each pooled connection, learned once when it first connects. */
  private readonly pids = new WeakMap<pg.PoolClient, number>();

  constructor(
    private readonly options: PgWarehouseOptions,
    readonly dialect: DialectAdapter,
  ) {
    this.user = options.user;
    this.label = options.label ?? `${dialect.name}://${options.user}@${options.host}:${options.port}/${options.database}`;
    this.pool = new pg.Pool({
      host: options.host,
      port: options.port,
      database: options.database,
      user: options.user,
      password: options.password,
      ssl: options.ssl === false ? false : options.ssl,
      connectionTimeoutMillis: options.connectTimeoutMs,
      max: options.maxConnections,
      idleTimeoutMillis: 30_000,
      application_name: options.applicationName,
      keepAlive: true,
    });
    // An idle client dropped by the server must not crash the process; the next acquire reconnects.
    this.pool.on('error', () => undefined);
  }

  async acquire(): Promise<Session> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw this.connectionError(err);
    }
    const translate = this.options.redshiftSemantics ? translateServerError : (err: unknown) => err;
    const known = this.pids.get(client);
    if (known !== undefined) return new PgSession(client, known, translate);
    // A checked-out client whose connection dies (server terminated it, network dropped) emits
    // 'error'; the query in flight rejects with it anyway, and without a listener Node would
    // crash the whole run. The pool discards the client when the session is released broken.
    client.on('error', () => undefined);
    try {
      // One round trip per new connection: learn the backend pid and set session limits.
      const settings: [string, string][] = [['statement_timeout', String(this.options.statementTimeoutMs)]];
      if (this.options.queryGroup !== undefined) settings.push(['query_group', this.options.queryGroup]);
      if (this.options.redshiftSemantics) settings.push(['default_transaction_isolation', 'serializable']);
      const init = await client.query<{ pid: number }>(
        `SELECT pg_backend_pid() AS pid${settings.map((_, i) => `, set_config($${2 * i + 1}, $${2 * i + 2}, false) AS s${i}`).join('')}`,
        settings.flat(),
      );
      const pid = init.rows[0]?.pid ?? 0;
      this.pids.set(client, pid);
      return new PgSession(client, pid, translate);
    } catch (err) {
      client.release(true);
      throw this.connectionError(err);
    }
  }

  async cancel(backendPid: number): Promise<void> {
    await this.adminQuery('SELECT pg_cancel_backend($1)', [backendPid]);
  }

  async terminate(backendPid: number): Promise<void> {
    await this.adminQuery('SELECT pg_terminate_backend($1)', [backendPid]);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  forDatabase(database: string): PgWarehouse {
    return new PgWarehouse({ ...this.options, database, maxConnections: 2 }, this.dialect);
  }

  /** A short-lived connection outside the pool, so a cancel never waits for a pool slot. */
  private async adminQuery(sql: string, params: unknown[]): Promise<void> {
    const client = new pg.Client({
      host: this.options.host,
      port: this.options.port,
      database: this.options.database,
      user: this.options.user,
      password: this.options.password,
      ssl: this.options.ssl === false ? false : this.options.ssl,
      connectionTimeoutMillis: this.options.connectTimeoutMs,
      application_name: `${this.options.applicationName}-admin`,
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query(sql, params);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private connectionError(err: unknown): ConnectionError {
    const code = (err as { code?: string }).code;
    const detail = err instanceof Error ? err.message : String(err);
    const auth = code !== undefined && CONNECT_SQLSTATES.has(code);
    return new ConnectionError(`cannot connect to ${this.label}: ${detail}`, {
      cause: err,
      hint:
        tlsFailureHint(err) ??
        (auth
          ? 'check the user, password and database of this environment in rsrun.ini (or its environment variables)'
          : 'check host, port, network access (security groups) and ssl settings of this environment'),
    });
  }
}

class PgSession implements Session {
  private released = false;

  constructor(
    private readonly client: pg.PoolClient,
    readonly backendPid: number,
    /** Rewords server errors (Redshift emulation) or returns them unchanged. */
    private readonly translate: (err: unknown) => unknown,
  ) {}

  async query<R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    try {
      const result = await this.client.query(sql, params === undefined ? undefined : [...params]);
      return toResult<R>(result);
    } catch (err) {
      await this.settle();
      throw this.translate(err);
    }
  }

  /**
   * pg rejects a failed query on the server's ErrorResponse, before the ReadyForQuery that
   * carries the new transaction status; wait for it so inTransaction() is true after a failure
   * inside a transaction block (bounded: a dead connection never answers).
   */
  private async settle(): Promise<void> {
    const client = this.client as unknown as { readyForQuery?: boolean; _ending?: boolean; _connectionError?: boolean };
    for (let waited = 0; client.readyForQuery === false && !client._ending && !client._connectionError && waited < 2000; waited += 2) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  async batch(sql: SqlPieces): Promise<QueryResult> {
    // No values: pg uses the simple query protocol, so many statements travel in one round trip.
    let result: pg.QueryResult | pg.QueryResult[];
    try {
      // The simple protocol returns an array for several statements (pg's typings know one).
      result = await new Promise<pg.QueryResult | pg.QueryResult[]>((resolve, reject) => {
        this.client.query(batchQuery(sql, (err, res) => (err ? reject(err) : resolve(res as pg.QueryResult | pg.QueryResult[]))));
      });
    } catch (err) {
      await this.settle();
      throw this.translate(err);
    }
    const results = Array.isArray(result) ? result : [result];
    const withRows = [...results].reverse().find((r) => r.fields.length > 0);
    return withRows ? toResult<Row>(withRows) : { rows: [], rowCount: results.at(-1)?.rowCount ?? 0, fields: [] };
  }

  async copyFrom(sql: string, source: Readable): Promise<number> {
    const stream = this.client.query(copyFromStdin(sql));
    await pipeline(source, stream);
    return stream.rowCount;
  }

  async copyTo(sql: string, sink: Writable): Promise<void> {
    const stream = this.client.query(copyToStdout(sql));
    await pipeline(stream, sink);
  }

  async stream<R = Row>(
    sql: string,
    params: readonly unknown[],
    onRows: (rows: R[], fields: string[]) => boolean | void,
    chunkSize = 1000,
  ): Promise<void> {
    const cursor = new Cursor<R>(sql, [...params]);
    const readChunk = (): Promise<{ rows: R[]; fields: string[] }> =>
      new Promise((resolve, reject) => {
        cursor.read(chunkSize, (err, rows, result) => {
          if (err) reject(err);
          // Typed as always present, but pg-cursor calls back without a result once the cursor is done.
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
          else resolve({ rows, fields: (result?.fields ?? []).map((f) => f.name) });
        });
      });
    // pg-cursor writes Parse, Bind, Describe, Flush, Execute and Flush one socket write each; corked,
    // they leave as one (a test's assertion costs one system call, not six: the parallel tests'
    // runner spends its CPU there).
    const socket = this.client.connection.stream;
    socket.cork();
    let pending: Promise<{ rows: R[]; fields: string[] }>;
    try {
      this.client.query(cursor);
      pending = readChunk();
    } finally {
      socket.uncork();
    }
    for (;;) {
      let chunk: { rows: R[]; fields: string[] };
      try {
        chunk = await pending;
      } catch (err) {
        // No close(): the cursor already synced after the error, and on a connection the server
        // ended (a test terminated for its time) close() would wait for a ReadyForQuery forever.
        await this.settle();
        throw this.translate(err);
      }
      if (chunk.rows.length === 0 || onRows(chunk.rows, chunk.fields) === false) break;
      pending = readChunk();
    }
    await cursor.close();
  }

  inTransaction(): boolean {
    // The server's ReadyForQuery status: 'I' idle, 'T' in transaction, 'E' failed transaction.
    const status = this.client.getTransactionStatus();
    return status === 'T' || status === 'E';
  }

  async release(broken = false): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.client.release(broken);
  }
}

function toResult<R>(result: pg.QueryResult): QueryResult<R> {
  return {
    rows: result.rows as R[],
    rowCount: result.rowCount ?? result.rows.length,
    fields: result.fields.map((f) => f.name),
  };
}
