/**
 * The deployment lock. Redshift has no advisory locks (c_unsupported-postgresql-functions), and
 * `LOCK table` (r_LOCK) lasts only until the end of the transaction that takes it, while a deploy
 * spans many transactions and statements that must run outside one (VACUUM, ...). So the lock is
 * a lease row in a small table, claimed inside a transaction that holds `LOCK <lock table>`:
 * claims are serialised by Redshift's own table lock, and the row names its holder.
 *
 * A lease is stale, and may be taken over, when its holder is provably gone:
 *   - it ran on this host and its OS process no longer exists, or
 *   - its database session no longer exists (pg_stat_activity / STV_SESSIONS; on Redshift only
 *     sessions of the same user are visible, so this check is used only for the same user), or
 *   - it expired: the holder renews it while it works, so expiry means it stopped renewing.
 */
import { hostname } from 'node:os';
import { LockTimeoutError } from '../errors';
import type { Logger } from '../logging/logger';
import type { SqlLedger } from '../ledger/ledger';
import type { Session } from '../warehouse/warehouse';

export interface LockHolder {
  owner: string;
  runId: string | null;
  host: string | null;
  osPid: number | null;
  backendPid: number | null;
  dbUser: string | null;
  acquiredAt: string | null;
  expired: boolean;
}

export interface DeployLockOptions {
  runId: string;
  dbUser: string;
  timeoutMs: number;
  /** Lease duration; renewed while the deploy runs. */
  ttlSeconds?: number;
  logger: Logger;
  /** Injected for tests. */
  isLocalProcessAlive?: (pid: number) => boolean;
  sleep?: (ms: number) => Promise<void>;
}

const LOCK_ROW_ID = 1;

export class DeployLock {
  private held = false;
  private lastRenewal = 0;
  private readonly host = hostname();
  private readonly ttlSeconds: number;

  constructor(
    private readonly session: Session,
    private readonly ledger: SqlLedger,
    private readonly options: DeployLockOptions,
  ) {
    this.ttlSeconds = options.ttlSeconds ?? 600;
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** Waits (bounded by `timeoutMs`) for the lease; throws LockTimeoutError naming the holder. */
  async acquire(): Promise<void> {
    const deadline = Date.now() + this.options.timeoutMs;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let delay = 200;
    let announced = false;
    for (;;) {
      const holder = await this.tryClaim();
      if (!holder) {
        this.held = true;
        this.lastRenewal = Date.now();
        return;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new LockTimeoutError(`another deployment holds the lock on ${this.ledger.lock}: ${describeHolder(holder)}`, {
          hint: 'wait for it to finish and run again, raise lock_timeout, or — if that run is dead — run `rsrun repair` to release the lock',
        });
      }
      if (!announced) {
        this.options.logger.info(`waiting for the deployment lock held by ${describeHolder(holder)}`);
        announced = true;
      }
      await sleep(Math.min(delay, remaining));
      delay = Math.min(delay * 2, 2000);
    }
  }

  /** Extends the lease if a third of it has passed. Call between migrations. */
  async renewIfDue(): Promise<void> {
    if (!this.held || Date.now() - this.lastRenewal < (this.ttlSeconds * 1000) / 3) return;
    await this.session.query(
      `UPDATE ${this.ledger.lock} SET expires_at = ${this.ledger.dialect.addSecondsSql('$1')} WHERE id = $2 AND run_id = $3`,
      [this.ttlSeconds, LOCK_ROW_ID, this.options.runId],
    );
    this.lastRenewal = Date.now();
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.session.query(
      `UPDATE ${this.ledger.lock} SET owner = NULL, run_id = NULL, host = NULL, os_pid = NULL, backend_pid = NULL, db_user = NULL, acquired_at = NULL, expires_at = NULL WHERE id = $1 AND run_id = $2`,
      [LOCK_ROW_ID, this.options.runId],
    );
  }

  /** Unconditionally clears the lease (`rsrun repair`). Returns the holder it removed, if any. */
  static async forceRelease(session: Session, ledger: SqlLedger): Promise<LockHolder | undefined> {
    const holder = await readHolder(session, ledger);
    await session.query(
      `UPDATE ${ledger.lock} SET owner = NULL, run_id = NULL, host = NULL, os_pid = NULL, backend_pid = NULL, db_user = NULL, acquired_at = NULL, expires_at = NULL WHERE id = $1`,
      [LOCK_ROW_ID],
    );
    return holder;
  }

  /** One claim attempt in one short transaction. Returns the live holder, or undefined when claimed. */
  private async tryClaim(): Promise<LockHolder | undefined> {
    const s = this.session;
    try {
      // One round trip: open the transaction, take the table lock, read the lease.
      const holder = toHolder((await s.batch(`BEGIN;\nLOCK TABLE ${this.ledger.lock};\n${holderSql(this.ledger)}`)).rows[0]);
      if (holder && !(await this.isStale(holder))) {
        await s.batch('COMMIT');
        return holder;
      }
      if (holder) this.options.logger.warn(`taking over a stale deployment lock: ${describeHolder(holder)}`);
      const owner = `${this.host} pid ${process.pid}`;
      const values = [owner, this.options.runId, this.host, process.pid, s.backendPid, this.options.dbUser, this.ttlSeconds, LOCK_ROW_ID];
      const set = `owner = $1, run_id = $2, host = $3, os_pid = $4, backend_pid = $5, db_user = $6, acquired_at = ${this.ledger.dialect.nowSql}, expires_at = ${this.ledger.dialect.addSecondsSql('$7')}`;
      const updated = await s.query(`UPDATE ${this.ledger.lock} SET ${set} WHERE id = $8`, values);
      if (updated.rowCount === 0) {
        await s.query(
          `INSERT INTO ${this.ledger.lock} (owner, run_id, host, os_pid, backend_pid, db_user, acquired_at, expires_at, id) VALUES ($1, $2, $3, $4, $5, $6, ${this.ledger.dialect.nowSql}, ${this.ledger.dialect.addSecondsSql('$7')}, $8)`,
          values,
        );
      }
      await s.batch('COMMIT');
      return undefined;
    } catch (err) {
      await s.batch('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  private async isStale(holder: LockHolder): Promise<boolean> {
    if (holder.runId === this.options.runId) return true;
    if (holder.expired) return true;
    // The database session decides when it can be seen: a runner killed on this host can leave its
    // session running the statements it had sent, and taking over then would apply them twice.
    const dialect = this.ledger.dialect;
    if (
      dialect.sessionAliveSql &&
      holder.backendPid !== null &&
      (dialect.sessionCheckSeesOtherUsers || holder.dbUser === this.options.dbUser)
    ) {
      const r = await this.session.query(dialect.sessionAliveSql, [holder.backendPid]);
      return r.rows.length === 0;
    }
    // Otherwise (the embedded engine lives in the runner's process): the holder's OS process.
    if (holder.host === this.host && holder.osPid !== null) return !(this.options.isLocalProcessAlive ?? isProcessAlive)(holder.osPid);
    return false;
  }
}

// The lease row's id is the constant 1, written as a literal so the read can share a batch.
function holderSql(ledger: SqlLedger): string {
  return `SELECT owner, run_id, host, os_pid, backend_pid, db_user, acquired_at, CASE WHEN expires_at < ${ledger.dialect.nowSql} THEN 1 ELSE 0 END AS expired FROM ${ledger.lock} WHERE id = ${LOCK_ROW_ID}`;
}

async function readHolder(session: Session, ledger: SqlLedger): Promise<LockHolder | undefined> {
  return toHolder((await session.query<Record<string, unknown>>(holderSql(ledger))).rows[0]);
}

function toHolder(row: Record<string, unknown> | undefined): LockHolder | undefined {
  if (!row || row.owner === null || row.owner === undefined) return undefined;
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    owner: String(row.owner),
    runId: (row.run_id as string | null) ?? null,
    host: (row.host as string | null) ?? null,
    osPid: num(row.os_pid),
    backendPid: num(row.backend_pid),
    dbUser: (row.db_user as string | null) ?? null,
    acquiredAt: row.acquired_at instanceof Date ? row.acquired_at.toISOString() : row.acquired_at ? String(row.acquired_at) : null,
    expired: Number(row.expired) === 1,
  };
}

function describeHolder(h: LockHolder): string {
  return `${h.owner}${h.runId ? `, run ${h.runId}` : ''}${h.acquiredAt ? `, since ${h.acquiredAt}` : ''}`;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
