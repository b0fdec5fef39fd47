/**
 * One Data API session as a warehouse Session: the first statement opens it with
 * SessionKeepAliveSeconds, later statements pass its SessionId, so BEGIN ... COMMIT, SET and temp
 * tables span calls. query() is ExecuteStatement (named parameters), batch() BatchExecuteStatement
 * (one transaction) or one statement at a time when the batch manages its own transaction.
 * Statements over the service's 100 KB are refused before they are sent; a failing statement of a
 * batch is located by its position in the batch's text, since the API gives no SQLSTATE.
 */
import type { Readable, Writable } from 'node:stream';
import type { SqlParameter } from '@aws-sdk/client-redshift-data';
import { ConfigError, ConnectionError } from '../../errors';
import type { QueryResult, Row, Session, SqlPieces } from '../warehouse';
import {
  checkStatementSize,
  DATA_API_MAX_STATEMENT_BYTES,
  firstWord,
  locate,
  splitStatements,
  toNamedParameters,
  TRANSACTION_WORDS,
} from './data-api-sql';
import type { DataApiWarehouse } from './data-api-warehouse';

/** BatchExecuteStatement accepts at most 40 statements (API reference, Sqls: 1-40 items). */
export const MAX_BATCH_STATEMENTS = 40;

export class DataApiSession implements Session {
  backendPid = 0;
  readonly maxStatementBytes = DATA_API_MAX_STATEMENT_BYTES;
  private txState: 'idle' | 'open' | 'failed' = 'idle';
  private released = false;

  constructor(
    private readonly wh: DataApiWarehouse,
    private sessionId: string | undefined,
    private readonly keepSession = true,
  ) {}

  async query<R = Row>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
    const { sql: text, parameters } = await toNamedParameters(sql, params);
    const id = await this.execute(text, parameters);
    const described = await this.track(sql, () => this.wh.waitFor(id, text, this.backendPid));
    const rows: Row[] = [];
    let fields: string[] = [];
    if (described.HasResultSet) {
      await this.wh.readResult(id, (page, names) => {
        rows.push(...page);
        fields = names;
      });
    }
    return { rows: rows as R[], rowCount: described.HasResultSet ? rows.length : Math.max(0, described.ResultRows ?? 0), fields };
  }

  async batch(pieces: SqlPieces): Promise<QueryResult> {
    const sql = typeof pieces === 'string' ? pieces : pieces.join('');
    const statements = await splitStatements(sql);
    if (statements.length === 0) return { rows: [], rowCount: 0, fields: [] };
    const controlsTransaction = statements.some((s) => TRANSACTION_WORDS.has(firstWord(s.sql)));
    // In an open transaction, or for statements that manage it themselves, or beyond the API's
    // batch size, run them one by one in this session: same effect, one call each.
    if (statements.length === 1 || controlsTransaction || this.txState !== 'idle' || statements.length > MAX_BATCH_STATEMENTS) {
      return this.oneByOne(statements, statements.length > 1 && !controlsTransaction && this.txState === 'idle');
    }
    for (const s of statements) checkStatementSize(s.sql, []);
    const out = await this.send(() =>
      this.wh.client.send(new this.wh.sdk.BatchExecuteStatementCommand({ Sqls: statements.map((s) => s.sql), ...this.where() })),
    );
    let described;
    try {
      described = await this.wh.waitFor(out.Id ?? '', sql, this.backendPid);
    } catch (err) {
      throw locate(err, statements, (err as { subStatement?: number }).subStatement ?? -1);
    }
    const withRows = [...(described.SubStatements ?? [])].reverse().find((s) => s.HasResultSet);
    if (!withRows?.Id) return { rows: [], rowCount: Math.max(0, described.SubStatements?.at(-1)?.ResultRows ?? 0), fields: [] };
    const rows: Row[] = [];
    let fields: string[] = [];
    await this.wh.readResult(withRows.Id, (page, names) => {
      rows.push(...page);
      fields = names;
    });
    return { rows, rowCount: rows.length, fields };
  }

  private async oneByOne(statements: { sql: string; start: number }[], wrap: boolean): Promise<QueryResult> {
    let last: QueryResult = { rows: [], rowCount: 0, fields: [] };
    if (wrap) await this.query('BEGIN');
    try {
      for (const [i, s] of statements.entries()) {
        const r = await this.query(s.sql).catch((err: unknown) => {
          throw locate(err, statements, i);
        });
        if (r.fields.length > 0 || last.fields.length === 0) last = r;
      }
      if (wrap) await this.query('COMMIT');
    } catch (err) {
      if (wrap) await this.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    return last;
  }

  async copyFrom(_sql: string, _source: Readable): Promise<number> {
    throw new ConfigError('COPY ... FROM STDIN is not available over the Redshift Data API (Redshift itself has no COPY FROM STDIN)', {
      hint: "load files with COPY ... FROM 's3://...' or use transport = pg",
    });
  }

  async copyTo(_sql: string, _sink: Writable): Promise<void> {
    throw new ConfigError('COPY ... TO STDOUT is not available over the Redshift Data API', {
      hint: "use UNLOAD ('select ...') TO 's3://...' or transport = pg",
    });
  }

  async stream<R = Row>(
    sql: string,
    params: readonly unknown[],
    onRows: (rows: R[], fields: string[]) => boolean | void,
    chunkSize = 1000,
  ): Promise<void> {
    const { sql: text, parameters } = await toNamedParameters(sql, params);
    const id = await this.execute(text, parameters);
    const described = await this.track(sql, () => this.wh.waitFor(id, text, this.backendPid));
    if (!described.HasResultSet) return;
    // Memory stays bounded by one result page (the service decides its size), delivered in chunks.
    await this.wh.readResult(id, (page, fields) => {
      for (let i = 0; i < page.length; i += chunkSize) {
        if (onRows(page.slice(i, i + chunkSize) as R[], fields) === false) return false;
      }
      return undefined;
    });
  }

  inTransaction(): boolean {
    return this.txState !== 'idle';
  }

  async release(broken = false): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.wh.running.delete(this.backendPid);
    if (this.sessionId && !broken && this.txState === 'idle' && this.keepSession) this.wh.recycle(this.sessionId);
  }

  /** The open session, or where to open one. */
  private where() {
    if (this.sessionId) return { SessionId: this.sessionId };
    return { ...this.wh.targetParams(), ...(this.keepSession ? { SessionKeepAliveSeconds: this.wh.sessionKeepAliveSeconds } : {}) };
  }

  private async execute(sql: string, parameters: SqlParameter[]): Promise<string> {
    checkStatementSize(sql, parameters);
    const out = await this.send(() =>
      this.wh.client.send(
        new this.wh.sdk.ExecuteStatementCommand({
          Sql: sql,
          ...(parameters.length > 0 ? { Parameters: parameters } : {}),
          ...this.where(),
        }),
      ),
    );
    if (!out.Id) throw new ConnectionError('the Data API accepted a statement but returned no statement id', { hint: this.wh.hint });
    return out.Id;
  }

  /** Sends a call and remembers the session it opened; a session the service closed is named as such. */
  private async send<T extends { Id?: string | undefined; SessionId?: string | undefined }>(call: () => Promise<T>): Promise<T> {
    let out: T;
    try {
      out = await call();
    } catch (err) {
      if (this.sessionId && isSessionGone(err)) {
        throw new ConnectionError(`the Data API session ${this.sessionId} has ended (${(err as Error).message})`, {
          cause: err,
          hint: `sessions close after SessionKeepAliveSeconds (${this.wh.sessionKeepAliveSeconds} s here) of idleness: raise data_api_session_keep_alive_seconds; a re-run resumes`,
        });
      }
      throw err;
    }
    if (this.keepSession && out.SessionId) this.sessionId = out.SessionId;
    return out;
  }

  /** Follows BEGIN/COMMIT/ROLLBACK so inTransaction() answers like the pg transport (see docs/data-api.md). */
  private async track<T>(sql: string, run: () => Promise<T>): Promise<T> {
    const word = firstWord(sql);
    try {
      const result = await run();
      if (word === 'BEGIN' || word === 'START') this.txState = 'open';
      else if (word === 'COMMIT' || word === 'END' || word === 'ROLLBACK' || word === 'ABORT') this.txState = 'idle';
      return result;
    } catch (err) {
      if (word === 'COMMIT' || word === 'END' || word === 'ROLLBACK' || word === 'ABORT') this.txState = 'idle';
      else if (this.txState === 'open') this.txState = 'failed';
      throw err;
    }
  }
}

/**
 * The service answers a statement sent to a session it has reclaimed with `ValidationException:
 * Session is not available`, and to an unknown one with "Session with Id: ... is invalid".
 */
export function isSessionGone(err: unknown): boolean {
  const e = err as { name?: unknown; message?: unknown } | null;
  return (
    e?.name === 'ValidationException' &&
    /session/i.test(String(e.message)) &&
    /not available|invalid|expired|closed/i.test(String(e.message))
  );
}
