/**
 * Keeps a held lease alive while the run works: every third of the TTL it renews the lease from a
 * separate connection, so renewals go on while the run's own session is busy in a migration
 * (a VACUUM or a deep copy can take longer than any TTL). A renewal that fails is retried at the
 * next tick; a renewal that finds the lease no longer this run's (released by `rsrun repair`)
 * marks it lost, and the engine stops before its next migration.
 */
import { messageOf } from '../errors';
import type { DeploymentLease } from '../ledger/schema-history';
import type { Logger } from '../logging/logger';
import type { Warehouse } from '../warehouse/warehouse';

export interface LeaseKeeperOptions {
  warehouse: Warehouse;
  lease: DeploymentLease;
  runId: string;
  ttlSeconds: number;
  logger: Logger;
}

export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;
  private lostLease = false;
  private renewals = 0;

  constructor(private readonly options: LeaseKeeperOptions) {}

  /** The lease is no longer this run's. */
  get lost(): boolean {
    return this.lostLease;
  }

  /** Renewals that succeeded so far. */
  get renewed(): number {
    return this.renewals;
  }

  start(): void {
    this.schedule();
  }

  /** Stops renewing and waits for a renewal in flight, so the lease is not renewed after release. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.inFlight;
  }

  private schedule(): void {
    if (this.stopped || this.lostLease) return;
    this.timer = setTimeout(
      () => {
        this.inFlight = this.renew().finally(() => {
          this.inFlight = undefined;
          this.schedule();
        });
      },
      (this.options.ttlSeconds * 1000) / 3,
    );
    // A keeper never holds the process open on its own.
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    const { warehouse, lease, runId, ttlSeconds, logger } = this.options;
    try {
      const session = await warehouse.acquire();
      let broken = false;
      try {
        if (await lease.renew(session, runId, ttlSeconds)) this.renewals++;
        else if (!this.stopped) {
          this.lostLease = true;
          logger.error(`the deployment lock on ${lease.name} is no longer held by this run (released by \`rsrun repair\`?)`);
        }
      } catch (err) {
        broken = true;
        throw err;
      } finally {
        await session.release(broken);
      }
    } catch (err) {
      logger.warn(`could not renew the deployment lock, retrying in ${Math.round(ttlSeconds / 3)} s: ${messageOf(err)}`);
    }
  }
}
