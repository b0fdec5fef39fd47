/**
 * A warehouse in memory for engine unit tests, paired with the in-memory schema history. It knows
 * transactions (BEGIN / COMMIT / ROLLBACK, an aborted transaction refuses statements until it
 * ends) and nothing of SQL: every other statement goes to the history first (its own markers),
 * then to the test's `onStatement`, which may wait, advance the clock or throw a server error.
 * Like PostgreSQL, a multi-statement batch can be refused whole before any of it runs (`parseError`).
 */
import { MemorySchemaHistory, type MemoryTransaction } from '../../runner/ledger/memory-schema-history';
import type { DialectAdapter } from '../../runner/dialects/dialect';
import { PostgresDialect } from '../../runner/dialects/postgres/postgres-dialect';
import type { QueryResult, Session, SqlPieces, Warehouse } from '../../runner/warehouse/warehouse';
import { joinedSql } from './sql-pieces';

export interface MemoryWarehouseOptions {
  dialect?: DialectAdapter;
  /** A user statement runs: throw to fail it (a `position` is taken as relative to the statement). */
  onStatement?: (sql: string) => void | Promise<void>;
  /** True when the server would refuse this statement while parsing a whole batch. */
  parseError?: (sql: string) => { message: string; code: string; position: number } | undefined;
}

/** A server error as `pg` raises it. */
export function serverError(message: string, code: string, position?: number): Error {
  return Object.assign(new Error(message), { code, ...(position !== undefined ? { position: String(position) } : {}) });
}

export class MemoryWarehouse implements Warehouse {
  readonly dialect: DialectAdapter;
  readonly label = 'memory://tester@test/dev';
  readonly user = 'tester';
  /** User statements whose transaction committed, in commit order. */
  readonly committed: string[] = [];
  /** Texts sent with `batch` (round trips with several statements). */
  readonly batches: string[] = [];
  /** When true, every session's next call fails as a dropped connection does. */
  dropped = false;
  private nextPid = 100;

  constructor(
    readonly history: MemorySchemaHistory,
    readonly options: MemoryWarehouseOptions = {},
  ) {
    this.dialect = options.dialect ?? new PostgresDialect(false, true);
  }

  async acquire(): Promise<Session> {
    if (this.dropped) throw serverError('connect ECONNREFUSED 127.0.0.1:5439', 'ECONNREFUSED');
    return new MemorySession(this, this.nextPid++);
  }
  async cancel(): Promise<void> {}
  async terminate(): Promise<void> {}
  async close(): Promise<void> {}
}

class MemorySession implements Session {
  private status: 'I' | 'T' | 'E' = 'I';
  private effects: (() => void)[] = [];

  constructor(
    private readonly wh: MemoryWarehouse,
    readonly backendPid: number,
  ) {}

  async query<R>(sql: string): Promise<QueryResult<R>> {
    await this.run(sql.trim(), 0);
    return { rows: [], rowCount: 0, fields: [] };
  }

  async batch(pieces: SqlPieces): Promise<QueryResult> {
    const sql = joinedSql(pieces);
    this.wh.batches.push(sql);
    const statements = split(sql);
    for (const s of statements) {
      const refused = this.wh.options.parseError?.(s.sql);
      if (refused) throw serverError(refused.message, refused.code, s.offset + refused.position);
    }
    for (const s of statements) await this.run(s.sql, s.offset);
    return { rows: [], rowCount: 0, fields: [] };
  }

  async copyFrom(): Promise<number> {
    throw new Error('not supported in memory');
  }
  async copyTo(): Promise<void> {
    throw new Error('not supported in memory');
  }
  async stream(): Promise<void> {}
  inTransaction(): boolean {
    return this.status !== 'I';
  }
  async release(): Promise<void> {}

  private async run(sql: string, offset: number): Promise<void> {
    if (this.wh.dropped) throw new Error('Connection terminated unexpectedly');
    const head = sql.toUpperCase();
    if (head === 'BEGIN') return void (this.status = 'T');
    if (head === 'COMMIT' || head === 'ROLLBACK') {
      if (head === 'COMMIT' && this.status === 'T') for (const e of this.effects) e();
      this.effects = [];
      return void (this.status = 'I');
    }
    if (this.status === 'E') throw serverError('current transaction is aborted, commands ignored until end of transaction block', '25P02');
    const tx: MemoryTransaction = { onCommit: (effect) => (this.status === 'T' ? this.effects.push(effect) : effect()) };
    try {
      if (this.wh.history.execute(sql, tx)) return;
      await this.wh.options.onStatement?.(sql);
      tx.onCommit(() => this.wh.committed.push(sql));
    } catch (err) {
      if (this.status === 'T') this.status = 'E';
      const position = (err as { position?: string }).position;
      if (position !== undefined) (err as { position?: string }).position = String(offset + Number(position));
      throw err;
    }
  }
}

/** Statements of a batch with their offsets (the engine ends statements with `;` and a newline). */
function split(text: string): { sql: string; offset: number }[] {
  const out: { sql: string; offset: number }[] = [];
  let from = 0;
  for (const piece of text.split(/;\n/)) {
    const lead = piece.length - piece.trimStart().length;
    if (piece.trim() !== '') out.push({ sql: piece.trim(), offset: from + lead });
    from += piece.length + 2;
  }
  return out;
}

export { MemorySchemaHistory };
