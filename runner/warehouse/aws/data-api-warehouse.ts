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
import type { ColumnMetadata, DescribeStatementResponse, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { DialectAdapter } from '../../dialects/dialect';
import { ConfigError, ConnectionError } from '../../errors';
import type { Row, Session, Warehouse } from '../warehouse';
import { awsErrorText, awsHttpOptions } from './aws-clients';
import { DATA_API_MAX_STATEMENT_BYTES, DataApiStatementError, fieldValue } from './data-api-sql';
import { DataApiSession, isSessionGone } from './data-api-session';

export { DataApiStatementError, toNamedParameters } from './data-api-sql';
export { MAX_BATCH_STATEMENTS } from './data-api-session';

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
  /** The clock deciding whether an idle session outlived its keep-alive (tests pass their own). */
  now?: () => number;
}

const DATA_API_MAX_WAIT_MS = 24 * 3600_000;
/** An idle session is not reused this close to its keep-alive: it could close while in use. */
const KEEP_ALIVE_MARGIN_MS = 30_000;

type Sdk = typeof import('@aws-sdk/client-redshift-data');

export class DataApiWarehouse implements Warehouse {
  readonly label: string;
  /** Sessions given back, with when: one idle past its keep-alive is closed on the server. */
  private readonly idle: { id: string; at: number }[] = [];
  readonly maxStatementBytes = DATA_API_MAX_STATEMENT_BYTES;
  readonly hint = DATA_API_HINT;
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

  /**
   * A session for the caller: an idle one if it is still within its keep-alive, else a new one. The
   * service may close a session earlier than its keep-alive; such a session is replaced too.
   */
  async acquire(): Promise<Session> {
    for (let reused = this.takeIdle(); ; reused = undefined) {
      const session = new DataApiSession(this, reused);
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
        if (reused !== undefined && isSessionGone((err as { cause?: unknown }).cause)) continue;
        if (err instanceof DataApiStatementError) throw err;
        throw err instanceof ConnectionError
          ? err
          : new ConnectionError(`cannot open a Data API session on ${this.label}: ${awsErrorText(err)}`, {
              cause: err,
              hint: DATA_API_HINT,
            });
      }
    }
  }

  /** The most recently used idle session still safely within its keep-alive; older ones are dropped. */
  private takeIdle(): string | undefined {
    const now = (this.options.now ?? Date.now)();
    for (let s = this.idle.pop(); s; s = this.idle.pop()) {
      if (now - s.at < this.sessionKeepAliveSeconds * 1000 - KEEP_ALIVE_MARGIN_MS) return s.id;
    }
    return undefined;
  }

  /** Gives an idle session back for reuse by the next acquire(). */
  recycle(sessionId: string): void {
    this.idle.push({ id: sessionId, at: (this.options.now ?? Date.now)() });
  }

  forDatabase(database: string): DataApiWarehouse {
    return new DataApiWarehouse(this.client, this.sdk, { ...this.target, database }, this.dialect, this.user, this.options);
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
        const index = d.SubStatements?.findIndex((s) => s.Status === 'FAILED' || s.Status === 'ABORTED') ?? -1;
        const failed = d.SubStatements?.[index];
        const message = d.Error ?? failed?.Error ?? `statement ${d.Status === 'ABORTED' ? 'was cancelled' : 'failed'}`;
        // Which statement of a batch failed: the caller turns it into a position (data-api-sql.ts locate).
        throw Object.assign(new DataApiStatementError(message.replace(/^ERROR:\s*/, ''), id, failed?.QueryString ?? sql), {
          subStatement: index,
        });
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
  const client =
    options.client ?? new sdk.RedshiftDataClient({ ...(options.region ? { region: options.region } : {}), ...awsHttpOptions() });
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
