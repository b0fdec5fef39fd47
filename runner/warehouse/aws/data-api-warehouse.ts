/**
 * The Warehouse port over the Amazon Redshift Data API (`transport = data-api`): HTTPS calls
 * instead of a PostgreSQL connection, for runners that cannot reach the cluster's port.
 * - A Session is a Data API session: the first statement opens it with SessionKeepAliveSeconds,
 *   later statements pass its SessionId, so BEGIN ... COMMIT, SET and temp tables span calls.
 * - query(): ExecuteStatement with named parameters (`$1` becomes `:p1`), DescribeStatement polled
 *   with back-off, GetStatementResult paged.
 * - batch(): BatchExecuteStatement, which runs its statements as one transaction.
 * - cancel(): CancelStatement of what the session is running.
 * What cannot be supported (COPY FROM STDIN / TO STDOUT, exact transaction state, error
 * positions) and the service limits are in docs/data-api.md.
 * API reference: https://docs.aws.amazon.com/redshift-data/latest/APIReference/Welcome.html
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable, Writable } from 'node:stream';
import type { ColumnMetadata, DescribeStatementResponse, Field, RedshiftDataClient, SqlParameter } from '@aws-sdk/client-redshift-data';
import type { DialectAdapter } from '../../dialects/dialect';
import { codeTokens, tokenizeSqlAsync } from '../../dialects/sql-tokens';
import { ConfigError, ConnectionError } from '../../errors';
import type { QueryResult, Row, Session, Warehouse } from '../warehouse';
import { awsErrorText } from './aws-clients';

/** Where statements run and how the Data API authenticates (one of secret or db user/IAM). */
export interface DataApiTarget {
  clusterIdentifier: string | undefined;
  workgroup: string | undefined;
  database: string;
  /** Secrets Manager secret name or ARN (`auth = secret`). */
  secretArn: string | undefined;
  /** Temporary credentials for this database user (provisioned, `auth = iam` with `db_user`). */
  dbUser: string | undefined;
}

export interface DataApiOptions {
  /** First DescribeStatement delay; grows by half each poll up to `pollMaxMs`. */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** Give up (and cancel) a statement after this long; 0 = the Data API's own 24 h limit. */
  statementTimeoutMs?: number;
  /** How long an idle session stays open on the server (max 24 h). */
  sessionKeepAliveSeconds?: number;
  queryGroup?: string | undefined;
}

/** BatchExecuteStatement accepts at most 40 statements (API reference, Sqls: 1-40 items). */
export const MAX_BATCH_STATEMENTS = 40;
const DATA_API_MAX_WAIT_MS = 24 * 3600_000;

/** A statement the warehouse rejected, shaped like pg's DatabaseError where the Data API allows. */
export class DataApiStatementError extends Error {
  /** The Data API reports no SQLSTATE; kept for the same shape as pg errors. */
  readonly code: string | undefined = undefined;
  readonly position: number | undefined = undefined;
  constructor(
    message: string,
    readonly statementId: string,
    readonly sql: string,
  ) {
    super(message);
    this.name = 'DataApiStatementError';
  }
}

type Sdk = typeof import('@aws-sdk/client-redshift-data');

/**
 * `$1, $2` placeholders become `:p1, :p2` (the Data API binds named parameters only); parameters
 * that are null are written as the keyword NULL, since the API has no null parameter value.
 * Placeholders inside strings, quoted identifiers, comments and dollar bodies are left alone.
 */
export async function toNamedParameters(sql: string, params: readonly unknown[]): Promise<{ sql: string; parameters: SqlParameter[] }> {
  if (params.length === 0) return { sql, parameters: [] };
  const tokens = codeTokens(await tokenizeSqlAsync(sql)).filter((t) => t.kind === 'param');
  let out = '';
  let last = 0;
  const used = new Set<number>();
  for (const t of tokens) {
    const n = Number(t.text.slice(1));
    if (!Number.isInteger(n) || n < 1 || n > params.length) {
      throw new ConfigError(`statement uses ${t.text} but only ${params.length} parameter(s) were given`);
    }
    const value = params[n - 1];
    out += sql.slice(last, t.start) + (value === null || value === undefined ? 'NULL' : `:p${n}`);
    last = t.end;
    if (value !== null && value !== undefined) used.add(n);
  }
  out += sql.slice(last);
  const parameters = [...used].sort((a, b) => a - b).map((n) => ({ name: `p${n}`, value: parameterText(params[n - 1]) }));
  return { sql: out, parameters };
}

function parameterText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Buffer.isBuffer(value)) {
    throw new ConfigError('binary parameters cannot be sent over the Data API', { hint: 'use transport = pg for this environment' });
  }
  return JSON.stringify(value);
}

/** One Data API field as pg would return it: int8 and numeric as strings, timestamps as Dates. */
function fieldValue(field: Field, column: ColumnMetadata | undefined): unknown {
  if (field.isNull) return null;
  const type = (column?.typeName ?? '').toLowerCase();
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.longValue !== undefined) return type === 'int8' || type === 'bigint' ? String(field.longValue) : field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue);
  const text = field.stringValue ?? null;
  if (text !== null && (type === 'timestamptz' || type === 'timestamp')) {
    // '2024-05-01 10:00:00+00' (timestamptz) or '2024-05-01 10:00:00' (timestamp, read as UTC like pg's default parser would for the session zone UTC).
    const iso = text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
    const date = new Date(/([zZ]|[+-]\d\d:\d\d)$/.test(iso) ? iso : `${iso}Z`);
    return Number.isNaN(date.getTime()) ? text : date;
  }
  return text;
}

function firstWord(sql: string): string {
  return (/^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*([A-Za-z]+)/.exec(sql)?.[1] ?? '').toUpperCase();
}

export class DataApiWarehouse implements Warehouse {
  readonly label: string;
  private readonly idle: string[] = [];
  /** backendPid -> statement id currently running in that session, for cancel(). */
  readonly running = new Map<number, string>();
  private readonly pollInitialMs: number;
  private readonly pollMaxMs: number;
  private readonly statementTimeoutMs: number;
  readonly sessionKeepAliveSeconds: number;

  constructor(
    readonly client: RedshiftDataClient,
    readonly sdk: Sdk,
    readonly target: DataApiTarget,
    readonly dialect: DialectAdapter,
    readonly user: string,
    private readonly options: DataApiOptions = {},
  ) {
    this.pollInitialMs = options.pollInitialMs ?? 100;
    this.pollMaxMs = options.pollMaxMs ?? 2000;
    this.statementTimeoutMs =
      options.statementTimeoutMs && options.statementTimeoutMs > 0 ? options.statementTimeoutMs : DATA_API_MAX_WAIT_MS;
    this.sessionKeepAliveSeconds = Math.min(options.sessionKeepAliveSeconds ?? 600, 24 * 3600);
    const where = target.workgroup ? `workgroup/${target.workgroup}` : `cluster/${target.clusterIdentifier}`;
    this.label = `${dialect.name}+data-api://${user}@${where}/${target.database}`;
  }

  /** Where to run, for a statement that does not belong to a session yet. */
  targetParams(): { ClusterIdentifier?: string; WorkgroupName?: string; Database: string; SecretArn?: string; DbUser?: string } {
    const t = this.target;
    return {
      ...(t.workgroup ? { WorkgroupName: t.workgroup } : { ClusterIdentifier: t.clusterIdentifier }),
      Database: t.database,
      ...(t.secretArn ? { SecretArn: t.secretArn } : {}),
      ...(t.dbUser && !t.secretArn ? { DbUser: t.dbUser } : {}),
    };
  }

  async acquire(): Promise<Session> {
    const session = new DataApiSession(this, this.idle.pop());
    try {
      // Opens (or checks) the server session and applies the same session settings as the pg transport.
      const init = await session.query<{ pid: number | string }>(
        this.options.queryGroup === undefined
          ? "SELECT pg_backend_pid() AS pid, set_config('statement_timeout', $1, false) AS st"
          : "SELECT pg_backend_pid() AS pid, set_config('statement_timeout', $1, false) AS st, set_config('query_group', $2, false) AS qg",
        this.options.queryGroup === undefined
          ? [String(this.options.statementTimeoutMs ?? 0)]
          : [String(this.options.statementTimeoutMs ?? 0), this.options.queryGroup],
      );
      session.backendPid = Number(init.rows[0]?.pid ?? 0);
      return session;
    } catch (err) {
      if (err instanceof DataApiStatementError) throw err;
      throw err instanceof ConnectionError
        ? err
        : new ConnectionError(`cannot open a Data API session on ${this.label}: ${awsErrorText(err)}`, { cause: err, hint: DATA_API_HINT });
    }
  }

  /** Gives an idle session back for reuse by the next acquire(). */
  recycle(sessionId: string): void {
    this.idle.push(sessionId);
  }

  async cancel(backendPid: number): Promise<void> {
    const id = this.running.get(backendPid);
    if (id !== undefined) {
      await this.client.send(new this.sdk.CancelStatementCommand({ Id: id })).catch(() => undefined);
      return;
    }
    await this.adminStatement('SELECT pg_cancel_backend($1)', [backendPid]);
  }

  async terminate(backendPid: number): Promise<void> {
    await this.adminStatement('SELECT pg_terminate_backend($1)', [backendPid]);
  }

  async close(): Promise<void> {
    // The Data API has no call to end a session: idle ones close after SessionKeepAliveSeconds.
    this.idle.length = 0;
    this.client.destroy();
  }

  private async adminStatement(sql: string, params: unknown[]): Promise<void> {
    const session = new DataApiSession(this, undefined, false);
    await session.query(sql, params);
  }

  /** Polls DescribeStatement with back-off until the statement (or batch) ends; throws if it failed. */
  async waitFor(id: string, sql: string, backendPid: number): Promise<DescribeStatementResponse> {
    const deadline = Date.now() + this.statementTimeoutMs;
    const delay = this.pollInitialMs;
    if (backendPid !== 0) this.running.set(backendPid, id);
    try {
      return await this.poll(id, sql, deadline, delay);
    } finally {
      if (backendPid !== 0) this.running.delete(backendPid);
    }
  }

  private async poll(id: string, sql: string, deadline: number, delay: number): Promise<DescribeStatementResponse> {
    for (;;) {
      const d = await this.client.send(new this.sdk.DescribeStatementCommand({ Id: id }));
      if (d.Status === 'FINISHED') return d;
      if (d.Status === 'FAILED' || d.Status === 'ABORTED') {
        const failed = d.SubStatements?.find((s) => s.Status === 'FAILED' || s.Status === 'ABORTED');
        const message = d.Error ?? failed?.Error ?? `statement ${d.Status === 'ABORTED' ? 'was cancelled' : 'failed'}`;
        throw new DataApiStatementError(message.replace(/^ERROR:\s*/, ''), id, failed?.QueryString ?? sql);
      }
      if (Date.now() + delay > deadline) {
        await this.client.send(new this.sdk.CancelStatementCommand({ Id: id })).catch(() => undefined);
        throw new DataApiStatementError(`canceling statement due to statement timeout (${this.statementTimeoutMs} ms, Data API)`, id, sql);
      }
      await sleep(delay);
      delay = Math.min(this.pollMaxMs, Math.ceil(delay * 1.5));
    }
  }

  /** All pages of a finished statement's result, or page by page through `onPage`. */
  async readResult(id: string, onPage: (rows: Row[], fields: string[]) => boolean | void): Promise<void> {
    let nextToken: string | undefined;
    let columns: ColumnMetadata[] | undefined;
    do {
      const page = await this.client.send(
        new this.sdk.GetStatementResultCommand({ Id: id, ...(nextToken ? { NextToken: nextToken } : {}) }),
      );
      columns = page.ColumnMetadata ?? columns ?? [];
      const names = columns.map((c, i) => c.name ?? c.label ?? `?column?${i}`);
      const rows = (page.Records ?? []).map((record) => {
        const row: Row = {};
        record.forEach((field, i) => {
          row[names[i] ?? `?column?${i}`] = fieldValue(field, columns?.[i]);
        });
        return row;
      });
      if (onPage(rows, names) === false) return;
      nextToken = page.NextToken;
    } while (nextToken);
  }
}

const DATA_API_HINT =
  'the runner needs redshift-data:ExecuteStatement/BatchExecuteStatement/DescribeStatement/GetStatementResult/CancelStatement, plus secretsmanager:GetSecretValue (auth = secret) or redshift:GetClusterCredentials / redshift-serverless:GetCredentials (auth = iam); check cluster_identifier or workgroup, database and region';

class DataApiSession implements Session {
  backendPid = 0;
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

  async batch(sql: string): Promise<QueryResult> {
    const statements = await splitStatements(sql);
    if (statements.length === 0) return { rows: [], rowCount: 0, fields: [] };
    const controlsTransaction = statements.some((s) => TRANSACTION_WORDS.has(firstWord(s)));
    // In an open transaction, or for statements that manage it themselves, or beyond the API's
    // batch size, run them one by one in this session: same effect, one call each.
    if (statements.length === 1 || controlsTransaction || this.txState !== 'idle' || statements.length > MAX_BATCH_STATEMENTS) {
      const wrap = statements.length > 1 && !controlsTransaction && this.txState === 'idle';
      let last: QueryResult = { rows: [], rowCount: 0, fields: [] };
      if (wrap) await this.query('BEGIN');
      try {
        for (const s of statements) {
          const r = await this.query(s);
          if (r.fields.length > 0 || last.fields.length === 0) last = r;
        }
        if (wrap) await this.query('COMMIT');
      } catch (err) {
        if (wrap) await this.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      return last;
    }
    const out = await this.send(() =>
      this.wh.client.send(
        new this.wh.sdk.BatchExecuteStatementCommand({
          Sqls: statements,
          ...(this.sessionId
            ? { SessionId: this.sessionId }
            : { ...this.wh.targetParams(), ...(this.keepSession ? { SessionKeepAliveSeconds: this.wh.sessionKeepAliveSeconds } : {}) }),
        }),
      ),
    );
    const described = await this.wh.waitFor(out.Id ?? '', sql, this.backendPid);
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

  private async execute(sql: string, parameters: SqlParameter[]): Promise<string> {
    const out = await this.send(() =>
      this.wh.client.send(
        new this.wh.sdk.ExecuteStatementCommand({
          Sql: sql,
          ...(parameters.length > 0 ? { Parameters: parameters } : {}),
          ...(this.sessionId
            ? { SessionId: this.sessionId }
            : { ...this.wh.targetParams(), ...(this.keepSession ? { SessionKeepAliveSeconds: this.wh.sessionKeepAliveSeconds } : {}) }),
        }),
      ),
    );
    if (!out.Id) throw new ConnectionError('the Data API accepted a statement but returned no statement id', { hint: DATA_API_HINT });
    return out.Id;
  }

  /** Sends a call and remembers the session it opened. */
  private async send<T extends { Id?: string | undefined; SessionId?: string | undefined }>(call: () => Promise<T>): Promise<T> {
    const out = await call();
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

const TRANSACTION_WORDS = new Set(['BEGIN', 'START', 'COMMIT', 'END', 'ROLLBACK', 'ABORT']);

/** Statements of a `;`-separated text, split on the tokenizer's `;` so quotes and bodies stay whole. */
async function splitStatements(sql: string): Promise<string[]> {
  const out: string[] = [];
  let start = 0;
  let hasCode = false;
  for (const t of await tokenizeSqlAsync(sql)) {
    if (t.kind === 'punct' && t.text === ';') {
      if (hasCode) out.push(sql.slice(start, t.start).trim());
      start = t.end;
      hasCode = false;
    } else if (t.kind !== 'comment') {
      hasCode = true;
    }
  }
  if (hasCode) out.push(sql.slice(start).trim());
  return out;
}

/** Opens the Data API warehouse for an environment: learns the database user with one statement. */
export async function openDataApiWarehouse(
  target: DataApiTarget,
  dialect: DialectAdapter,
  options: DataApiOptions & { region?: string | undefined; client?: RedshiftDataClient } = {},
): Promise<DataApiWarehouse> {
  if (!target.clusterIdentifier && !target.workgroup) {
    throw new ConfigError('transport = data-api needs cluster_identifier or workgroup', {
      hint: 'set cluster_identifier (provisioned) or workgroup (serverless) in the environment',
    });
  }
  const sdk = await import('@aws-sdk/client-redshift-data');
  const client = options.client ?? new sdk.RedshiftDataClient(options.region ? { region: options.region } : {});
  const probe = new DataApiWarehouse(client, sdk, target, dialect, target.dbUser ?? '?', options);
  let user: string;
  try {
    const session = new DataApiSession(probe, undefined, false);
    const r = await session.query<{ u: string }>('SELECT current_user AS u');
    user = r.rows[0]?.u ?? target.dbUser ?? '?';
  } catch (err) {
    throw new ConnectionError(`cannot run statements through the Data API on ${probe.label}: ${awsErrorText(err)}`, {
      cause: err,
      hint: DATA_API_HINT,
    });
  }
  return new DataApiWarehouse(client, sdk, target, dialect, user, options);
}
