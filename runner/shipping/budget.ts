/**
 * The time shipping may take, all of it: metrics, uploads, retries and their backoff, the index.
 * Per-request timeouts (aws-clients.ts) bound one attempt; this bounds the sum, so an endpoint that
 * throttles forever or answers every request slowly cannot hold a CI job either. When the budget is
 * spent, requests in flight are aborted (their AbortSignal), nothing new starts, and the run stays
 * in the spool for `rsrun ship`, like any other shipping failure.
 */
import { setMaxListeners } from 'node:events';
import { ShippingError } from '../errors';
import type { RetryOptions } from '../retry';

/** Default budget: a deploy job waits at most this long for S3 and CloudWatch. */
export const DEFAULT_SHIP_TIMEOUT_MS = 120_000;

export class ShippingBudget {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;

  constructor(readonly ms: number = DEFAULT_SHIP_TIMEOUT_MS) {
    this.timer = setTimeout(() => this.controller.abort(this.error()), ms);
    // Requests in flight keep the process alive; the timer alone must not.
    this.timer.unref();
    // Every upload in flight and every backoff wait listens to the one signal (each removes its
    // listener when done): 8 parallel uploads plus their retries pass Node's default warning at 10.
    setMaxListeners(64, this.controller.signal);
  }

  /** Aborted when the budget is spent: give it to every SDK call (`send(command, { abortSignal })`). */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get expired(): boolean {
    return this.controller.signal.aborted;
  }

  /** `2m`, `1500ms`: the budget as a user would write it. */
  get label(): string {
    const ms = this.ms;
    return ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
  }

  /** The same retry policy, except that nothing is retried, nor waited for, past the budget. */
  bound(options: RetryOptions): RetryOptions {
    return { ...options, signal: this.signal };
  }

  error(cause?: unknown): ShippingError {
    return new ShippingError(`shipping took longer than its budget of ${this.label} and was stopped`, {
      ...(cause === undefined ? {} : { cause }),
      hint: 'the run stays in the local spool; `rsrun ship` sends it when the endpoint answers again ([project] ship_timeout sets the budget)',
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
