/**
 * The deployment lock: a lease in the schema history's lock table (see ledger/sql-lease.ts for why
 * a lease and not LOCK or advisory locks). While a run holds it, a LeaseKeeper renews it from a
 * separate connection, so a migration that runs for an hour keeps it.
 *
 * A lease may be taken over only when it is stale, and it is stale only when both hold:
 *   - it expired: its holder stopped renewing it (process killed, host gone, network cut), and
 *   - the holder's database session is provably gone (the dialect's session probe, by PID *and*
 *     session start time; the holder's OS process on this host for the embedded engine).
 * A session that is alive may still be running the statements its runner sent, and taking over
 * then would apply them twice. A probe that cannot tell (no such view, another user's session,
 * a failing query) answers "unknown": the waiter waits, up to `lock_timeout`, and never takes over.
 */
import { hostname } from 'node:os';
import type { SessionProbe, SessionState } from '../dialects/dialect';
import { LockTimeoutError, messageOf } from '../errors';
import type { DeploymentLease, LeaseClaim, LeaseHolder } from '../ledger/schema-history';
import type { Logger } from '../logging/logger';
import type { Session } from '../warehouse/warehouse';

export interface DeployLockOptions {
  runId: string;
  dbUser: string;
  timeoutMs: number;
  /** Lease duration; the keeper renews it every third of it. */
  ttlSeconds: number;
  logger: Logger;
  probe: SessionProbe | undefined;
  /** Injected for tests. */
  isLocalProcessAlive?: (pid: number) => boolean;
  sleep?: (ms: number) => Promise<void>;
}

export interface LeaseVerdict {
  stale: boolean;
  /** Why the holder keeps (or lost) the lease, for the waiting message. */
  reason: string;
}

/** Stale = expired and provably gone; everything else keeps the holder's lease. */
export function leaseVerdict(holder: Pick<LeaseHolder, 'expired'>, session: SessionState): LeaseVerdict {
  if (!holder.expired) return { stale: false, reason: 'its lease is being renewed' };
  if (session === 'gone') return { stale: true, reason: 'its lease expired and its database session is gone' };
  if (session === 'alive') return { stale: false, reason: 'its lease expired but its database session is still alive' };
  return { stale: false, reason: 'its lease expired but whether its database session is gone cannot be proven' };
}

export class DeployLock {
  private readonly host = hostname();

  constructor(
    private readonly lease: DeploymentLease,
    private readonly options: DeployLockOptions,
  ) {}

  /** Waits (bounded by `timeoutMs`) for the lease; throws LockTimeoutError naming the holder. */
  async acquire(session: Session): Promise<void> {
    const deadline = Date.now() + this.options.timeoutMs;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const me = await this.claimOf(session);
    let delay = 200;
    let announced = false;
    for (;;) {
      const first = await this.lease.claim(session, me);
      if (first.claimed) return;
      // Probed outside the claim's transaction: a failing probe must not abort it, and the lock
      // table is not held while the probe runs.
      const verdict = leaseVerdict(first.holder, first.holder.expired ? await this.sessionState(session, first.holder) : 'alive');
      if (verdict.stale) {
        this.options.logger.warn(`taking over a stale deployment lock (${verdict.reason}): ${describeHolder(first.holder)}`);
        if ((await this.lease.claim(session, me, first.holder.runId)).claimed) return;
        continue;
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new LockTimeoutError(
          `another deployment holds the lock on ${this.lease.name} (${verdict.reason}): ${describeHolder(first.holder)}`,
          {
            hint: 'wait for it to finish and run again, raise lock_timeout, or — if that run is dead — run `rsrun repair` to release the lock',
          },
        );
      }
      if (!announced) {
        this.options.logger.info(`waiting for the deployment lock held by ${describeHolder(first.holder)} (${verdict.reason})`);
        announced = true;
      }
      await sleep(Math.min(delay, remaining));
      delay = Math.min(delay * 2, 2000);
    }
  }

  private async claimOf(session: Session): Promise<LeaseClaim> {
    const probe = this.options.probe;
    const sessionStart = probe ? await probe.startOf(session).catch(() => null) : null;
    return {
      owner: `${this.host} pid ${process.pid}`,
      runId: this.options.runId,
      host: this.host,
      osPid: process.pid,
      backendPid: session.backendPid,
      sessionStart,
      dbUser: this.options.dbUser,
      ttlSeconds: this.options.ttlSeconds,
    };
  }

  private async sessionState(session: Session, holder: LeaseHolder): Promise<SessionState> {
    const probe = this.options.probe;
    if (probe) {
      if (holder.backendPid === null) return 'unknown';
      try {
        return await probe.stateOf(session, { pid: holder.backendPid, start: holder.sessionStart }, holder.dbUser === this.options.dbUser);
      } catch (err) {
        this.options.logger.debug(`session probe failed: ${messageOf(err)}`);
        return 'unknown';
      }
    }
    // No probe (the embedded engine lives in the runner's process): the holder's OS process.
    if (holder.host !== this.host || holder.osPid === null) return 'unknown';
    return (this.options.isLocalProcessAlive ?? isProcessAlive)(holder.osPid) ? 'alive' : 'gone';
  }
}

export function describeHolder(h: LeaseHolder): string {
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
