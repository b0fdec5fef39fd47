/**
 * A stand-in for the Redshift Data API service, installed with aws-sdk-client-mock, that runs
 * what it receives on a real PostgreSQL server: a Data API session is a pg connection kept open,
 * `:name` parameters are bound as `$n`, a batch runs as one transaction, results come back as
 * Data API `Field`s in pages. Statements finish asynchronously, so callers must poll.
 */
import { mockClient } from 'aws-sdk-client-mock';
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  type ColumnMetadata,
  type Field,
  type SqlParameter,
} from '@aws-sdk/client-redshift-data';
import pg from 'pg';
import { tokenizeSqlAsync } from '../../../runner/dialects/sql-tokens';

interface Stmt {
  id: string;
  status: 'STARTED' | 'FINISHED' | 'FAILED';
  error?: string;
  result?: pg.QueryResult;
  pid: number;
  sessionId?: string;
  subs?: Stmt[];
  sql: string;
}

const TYPE_NAMES: Record<number, string> = {
  16: 'bool',
  20: 'int8',
  21: 'int2',
  23: 'int4',
  25: 'text',
  700: 'float4',
  701: 'float8',
  1043: 'varchar',
  1114: 'timestamp',
  1184: 'timestamptz',
  1700: 'numeric',
};

function toField(value: unknown, type: string): Field {
  if (value === null) return { isNull: true };
  const text = String(value);
  if (type === 'bool') return { booleanValue: text === 't' };
  if (type === 'int2' || type === 'int4' || type === 'int8') return { longValue: Number(text) };
  if (type === 'float4' || type === 'float8') return { doubleValue: Number(text) };
  return { stringValue: text };
}

export class FakeDataApi {
  readonly mock = mockClient(RedshiftDataClient);
  readonly statements = new Map<string, Stmt>();
  private readonly sessions = new Map<string, pg.Client>();
  private seq = 0;
  /** DescribeStatement answers STARTED this many times before the real status. */
  describesBeforeDone = 1;
  pageSize = 2;

  constructor(private readonly conn: pg.ClientConfig) {
    this.mock.on(ExecuteStatementCommand).callsFake(async (input) => {
      tooLarge(input.Sql ?? '', input.Parameters ?? []);
      const { client, sessionId } = await this.session(input.SessionId, input.SessionKeepAliveSeconds);
      const stmt = this.start(input.Sql ?? '', client, sessionId);
      void this.run(stmt, client, input.Sql ?? '', input.Parameters ?? [], sessionId === undefined);
      return { Id: stmt.id, ...(sessionId ? { SessionId: sessionId } : {}) };
    });
    this.mock.on(BatchExecuteStatementCommand).callsFake(async (input) => {
      for (const sql of input.Sqls ?? []) tooLarge(sql, []);
      const { client, sessionId } = await this.session(input.SessionId, input.SessionKeepAliveSeconds);
      const parent = this.start((input.Sqls ?? []).join(';\n'), client, sessionId);
      parent.subs = (input.Sqls ?? []).map((sql: string, i: number): Stmt => ({
        id: `${parent.id}:${i + 1}`,
        status: 'STARTED',
        pid: parent.pid,
        sql,
      }));
      void this.runBatch(parent, client, sessionId === undefined);
      return { Id: parent.id, ...(sessionId ? { SessionId: sessionId } : {}) };
    });
    this.mock.on(DescribeStatementCommand).callsFake(async ({ Id }) => {
      const s = this.statements.get(Id ?? '');
      if (!s) throw Object.assign(new Error(`Query does not exist: ${Id}`), { name: 'ResourceNotFoundException' });
      const polls = ((s as { polls?: number }).polls = ((s as { polls?: number }).polls ?? 0) + 1);
      const status = polls <= this.describesBeforeDone ? 'STARTED' : s.status;
      return {
        Id: s.id,
        Status: status,
        Error: status === 'FAILED' ? s.error : undefined,
        HasResultSet: status === 'FINISHED' && (s.result?.fields.length ?? 0) > 0,
        ResultRows: s.result?.rowCount ?? 0,
        RedshiftPid: s.pid,
        SessionId: s.sessionId,
        SubStatements: s.subs?.map((sub) => ({
          Id: sub.id,
          Status: sub.status,
          Error: sub.error,
          HasResultSet: (sub.result?.fields.length ?? 0) > 0,
          ResultRows: sub.result?.rowCount ?? 0,
          QueryString: sub.sql,
        })),
      };
    });
    this.mock.on(GetStatementResultCommand).callsFake(async ({ Id, NextToken }) => {
      const s = this.statements.get(Id ?? '') ?? this.findSub(Id ?? '');
      if (!s?.result) throw Object.assign(new Error('Query does not have result'), { name: 'ValidationException' });
      const offset = NextToken ? Number(NextToken) : 0;
      const types = s.result.fields.map((f) => TYPE_NAMES[f.dataTypeID] ?? 'varchar');
      const page = s.result.rows.slice(offset, offset + this.pageSize) as Record<string, unknown>[];
      const columns: ColumnMetadata[] = s.result.fields.map((f, i) => ({ name: f.name, label: f.name, typeName: types[i] }));
      return {
        ColumnMetadata: columns,
        Records: page.map((row) => s.result!.fields.map((f, i) => toField(row[f.name], types[i] ?? 'varchar'))),
        TotalNumRows: s.result.rows.length,
        ...(offset + this.pageSize < s.result.rows.length ? { NextToken: String(offset + this.pageSize) } : {}),
      };
    });
    this.mock.on(CancelStatementCommand).callsFake(async ({ Id }) => {
      const s = this.statements.get(Id ?? '');
      if (s) await this.admin((c) => c.query('SELECT pg_cancel_backend($1)', [s.pid]));
      return { Status: true };
    });
  }

  /** Every Data API call the client made, by command name. */
  calls(name: string): unknown[] {
    return this.mock
      .calls()
      .filter((c) => (c.args[0] as { constructor: { name: string } }).constructor.name === name)
      .map((c) => (c.args[0] as { input: unknown }).input);
  }

  /** The service reclaims a session (its keep-alive passed, or earlier): later calls with its id fail. */
  async closeSession(id: string): Promise<void> {
    const client = this.sessions.get(id);
    this.sessions.delete(id);
    await client?.end().catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const c of this.sessions.values()) await c.end().catch(() => undefined);
    this.mock.restore();
  }

  private findSub(id: string): Stmt | undefined {
    return this.statements.get(id.split(':')[0] ?? '')?.subs?.find((s) => s.id === id);
  }

  private start(sql: string, client: pg.Client, sessionId: string | undefined): Stmt {
    const stmt: Stmt = {
      id: `stmt-${++this.seq}`,
      status: 'STARTED',
      pid: (client as unknown as { processID: number }).processID,
      sql,
      ...(sessionId ? { sessionId } : {}),
    };
    this.statements.set(stmt.id, stmt);
    return stmt;
  }

  private async session(
    id: string | undefined,
    keepAlive: number | undefined,
  ): Promise<{ client: pg.Client; sessionId: string | undefined }> {
    if (id !== undefined) {
      const client = this.sessions.get(id);
      if (!client) throw Object.assign(new Error('Session is not available'), { name: 'ValidationException' });
      return { client, sessionId: id };
    }
    const client = new pg.Client({ ...this.conn, types: { getTypeParser: () => (v: string) => v } });
    // The test database may be dropped (WITH FORCE) while sessions are idle.
    client.on('error', () => undefined);
    await client.connect();
    if (!keepAlive) return { client, sessionId: undefined };
    const sessionId = `session-${++this.seq}`;
    this.sessions.set(sessionId, client);
    return { client, sessionId };
  }

  private async run(stmt: Stmt, client: pg.Client, sql: string, params: SqlParameter[], closeAfter: boolean): Promise<void> {
    try {
      const { text, values } = await toPositional(sql, params);
      stmt.result = await client.query(text, values);
      stmt.status = 'FINISHED';
    } catch (err) {
      stmt.status = 'FAILED';
      stmt.error = `ERROR: ${(err as Error).message}`;
    } finally {
      if (closeAfter) await client.end().catch(() => undefined);
    }
  }

  private async runBatch(parent: Stmt, client: pg.Client, closeAfter: boolean): Promise<void> {
    try {
      await client.query('BEGIN');
      for (const sub of parent.subs ?? []) {
        try {
          sub.result = await client.query(sub.sql);
          sub.status = 'FINISHED';
        } catch (err) {
          sub.status = 'FAILED';
          sub.error = `ERROR: ${(err as Error).message}`;
          throw err;
        }
      }
      await client.query('COMMIT');
      parent.status = 'FINISHED';
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      parent.status = 'FAILED';
      parent.error = `ERROR: ${(err as Error).message}`;
    } finally {
      if (closeAfter) await client.end().catch(() => undefined);
    }
  }

  private async admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client(this.conn);
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  }
}

/**
 * The service refuses statements over 100 KB: "The maximum query statement size is 100 KB"
 * (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html). Whether bound values count is
 * not documented: the fake counts them (the stricter reading), at 100 KiB (the larger reading of
 * "KB"), so a client that keeps text and values under 100,000 bytes passes either way.
 */
function tooLarge(sql: string, params: readonly SqlParameter[]): void {
  const bytes = Buffer.byteLength(sql) + params.reduce((n, p) => n + Buffer.byteLength(p.value ?? ''), 0);
  if (bytes > 100 * 1024) {
    throw Object.assign(new Error('Cannot process query string larger than 100kB'), { name: 'ValidationException' });
  }
}

/** `:name` placeholders (outside strings and comments) back to `$n` for the real server. */
async function toPositional(sql: string, params: SqlParameter[]): Promise<{ text: string; values: string[] }> {
  if (params.length === 0) return { text: sql, values: [] };
  const tokens = await tokenizeSqlAsync(sql);
  const names = params.map((p) => p.name ?? '');
  let text = '';
  let last = 0;
  for (let i = 0; i < tokens.length - 1; i++) {
    const colon = tokens[i];
    const word = tokens[i + 1];
    if (colon?.kind === 'punct' && colon.text === ':' && word?.kind === 'word' && word.start === colon.end && names.includes(word.text)) {
      text += `${sql.slice(last, colon.start)}$${names.indexOf(word.text) + 1}`;
      last = word.end;
    }
  }
  text += sql.slice(last);
  return { text, values: params.map((p) => p.value ?? '') };
}
