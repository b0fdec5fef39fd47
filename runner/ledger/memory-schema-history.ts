/**
 * The schema history in memory, for engine unit tests that run in milliseconds. It keeps the same
 * contract as the SQL history: a migration's row is recorded only when the transaction that ran
 * the migration commits. Its in-transaction statements are markers that only it understands; a
 * fake session hands every statement it runs to `execute` first (test/support/memory-warehouse.ts).
 */
import type { Session } from '../warehouse/warehouse';
import type {
  ClaimResult,
  DeploymentLease,
  HistoryRow,
  InTransactionSql,
  LeaseClaim,
  LeaseHolder,
  SchemaHistory,
  StagedRow,
} from './schema-history';

/** What a fake session offers for statements run inside its current transaction. */
export interface MemoryTransaction {
  /** Applies `effect` when the transaction commits (at once outside a transaction). */
  onCommit(effect: () => void): void;
}

const MARK = '/* rsrun memory history */';
const LOCK = `${MARK} lock`;
const OPEN = `${MARK} open`;
const RECORD = `${MARK} record`;
const CLOSE = `${MARK} close`;

export class MemorySchemaHistory implements SchemaHistory {
  readonly name = 'memory.history';
  readonly inTransaction: InTransactionSql = { lock: [LOCK], open: [OPEN], record: [RECORD], close: [CLOSE] };
  readonly lease: MemoryLease;
  rows: HistoryRow[] = [];
  private created = false;
  private stagedRows: (StagedRow & { startedAt?: number })[] = [];

  constructor(private readonly now: () => number = Date.now) {
    this.lease = new MemoryLease(now);
  }

  /** Handles this history's own statements; false for anything else. */
  execute(sql: string, tx: MemoryTransaction): boolean {
    if (sql === LOCK) return true;
    if (sql === OPEN) {
      const next = this.stagedRows[0];
      if (next && this.rows.some((r) => r.installedRank >= next.installedRank)) {
        throw Object.assign(new Error('division by zero'), { code: '22012' });
      }
      const at = this.now();
      tx.onCommit(() => this.closeOpenClocks(at));
      if (next) next.startedAt = at;
      return true;
    }
    if (sql === RECORD) {
      tx.onCommit(() => {
        const row = this.stagedRows.shift();
        if (row) this.rows.push(this.toRow(row, row.startedAt ?? this.now(), -1, true));
      });
      return true;
    }
    if (sql === CLOSE) {
      this.closeOpenClocks(this.now());
      return true;
    }
    return false;
  }

  async ensure(): Promise<void> {
    this.created = true;
  }
  async exists(): Promise<boolean> {
    return this.created;
  }
  async list(): Promise<HistoryRow[]> {
    return [...this.rows].sort((a, b) => a.installedRank - b.installedRank).map((r) => ({ ...r }));
  }
  async insert(_s: Session, row: StagedRow, outcome: { success: boolean; executionMs: number }): Promise<void> {
    this.rows.push(this.toRow(row, this.now(), outcome.executionMs, outcome.success));
  }
  async updateProgress(_s: Session, installedRank: number, statementsDone: number): Promise<void> {
    for (const r of this.rows) if (r.installedRank === installedRank) r.statementsDone = statementsDone;
  }
  async markSucceeded(_s: Session, rank: number, done: { statementsDone: number; executionMs: number; checksum: string | null }) {
    for (const r of this.rows) if (r.installedRank === rank) Object.assign(r, { success: true, ...done });
  }
  async deleteFailed(): Promise<number> {
    const before = this.rows.length;
    this.rows = this.rows.filter((r) => r.success);
    return before - this.rows.length;
  }
  async setChecksum(_s: Session, installedRank: number, checksum: string): Promise<void> {
    for (const r of this.rows) if (r.installedRank === installedRank) r.checksum = checksum;
  }
  async stage(_s: Session, rows: readonly StagedRow[]): Promise<void> {
    for (const r of this.rows) if (r.executionMs < 0) r.executionMs = 0;
    this.stagedRows = rows.map((r) => ({ ...r }));
  }
  async unstage(): Promise<void> {
    this.stagedRows = [];
  }
  async staged(): Promise<{ firstRank: number; total: number }> {
    return { firstRank: this.stagedRows[0]?.installedRank ?? 0, total: this.stagedRows.length };
  }
  async closeTimings(): Promise<void> {
    this.closeOpenClocks(this.now());
  }
  async executionTimes(_s: Session, firstRank: number, count: number): Promise<number[]> {
    return (await this.list())
      .filter((r) => r.installedRank >= firstRank && r.installedRank < firstRank + count)
      .map((r) => Math.max(0, r.executionMs));
  }
  async foreignRowAtStage(_s: Session, runId: string): Promise<{ script: string; runId: string | null } | undefined> {
    const next = this.stagedRows[0]?.installedRank;
    if (next === undefined) return undefined;
    const row = (await this.list()).find((r) => r.installedRank >= next && r.runId !== runId);
    return row ? { script: row.script, runId: row.runId } : undefined;
  }

  private closeOpenClocks(at: number): void {
    for (const r of this.rows) if (r.executionMs < 0) r.executionMs = Math.round(at - Date.parse(r.installedOn));
  }

  private toRow(row: StagedRow, at: number, executionMs: number, success: boolean): HistoryRow {
    return { ...row, installedOn: new Date(at).toISOString(), executionMs, success };
  }
}

export class MemoryLease implements DeploymentLease {
  readonly name = 'memory.lock';
  holder: (Omit<LeaseHolder, 'expired'> & { expiresAt: number }) | undefined;

  constructor(private readonly now: () => number) {}

  async claim(_s: Session, claim: LeaseClaim, takeOverFrom?: string | null): Promise<ClaimResult> {
    const current = this.read();
    if (current && current.runId !== claim.runId && (takeOverFrom === undefined || current.runId !== takeOverFrom)) {
      return { claimed: false, holder: current };
    }
    const { ttlSeconds, ...who } = claim;
    this.holder = { ...who, acquiredAt: new Date(this.now()).toISOString(), expiresAt: this.now() + ttlSeconds * 1000 };
    return { claimed: true };
  }
  async renew(_s: Session, runId: string, ttlSeconds: number): Promise<boolean> {
    if (this.holder?.runId !== runId) return false;
    this.holder.expiresAt = this.now() + ttlSeconds * 1000;
    return true;
  }
  async release(_s: Session, runId: string): Promise<void> {
    if (this.holder?.runId === runId) this.holder = undefined;
  }
  async forceRelease(): Promise<LeaseHolder | undefined> {
    const current = this.read();
    this.holder = undefined;
    return current;
  }
  read(): LeaseHolder | undefined {
    if (!this.holder) return undefined;
    const { expiresAt, ...who } = this.holder;
    return { ...who, expired: expiresAt < this.now() };
  }
}
