/**
 * The one retry utility: exponential back-off with jitter, bounded in attempts. What is worth
 * retrying is the caller's classifier (warehouse/retry.ts for SQL errors and dropped connections,
 * shipping/retry.ts for AWS errors); whether repeating is safe only the caller knows, so it must
 * say so: a unit that rolled back as a whole (one transaction, a read, an idempotent upload) is
 * safe; a statement that may have committed before the connection dropped (COMMIT itself,
 * TRUNCATE, a non-transactional migration) is not, and must be reconciled instead.
 *
 *   await withRetry(() => applyInOneTransaction(m), {
 *     safeToRetry: true,
 *     retryOn: isSerializationFailure,
 *     onRetry: ({ attempt, delayMs }) => log.warn(`retrying ${m.version} in ${delayMs} ms (attempt ${attempt + 1})`),
 *   });
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface RetryEvent {
  /** The attempt that failed, 1-based. */
  attempt: number;
  /** Wait before the next attempt. */
  delayMs: number;
  error: unknown;
}

export interface RetryOptions {
  /** Whether repeating the operation after `error` cannot do harm. No default: only the caller knows. */
  safeToRetry: boolean | ((error: unknown) => boolean);
  /** Which errors are worth another attempt (throttling, a dropped connection, error 1023, ...). */
  retryOn: (error: unknown) => boolean;
  /** Total attempts including the first (default 5). */
  attempts?: number;
  /** First back-off; doubles each time (default 200 ms). */
  baseDelayMs?: number;
  /** Cap for a single wait (default 10 s). */
  maxDelayMs?: number;
  onRetry?: (event: RetryEvent) => void;
  /** Stops waiting and rethrows the last error when aborted. */
  signal?: AbortSignal;
  /** Injected in tests so back-off is checked without waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** Source of randomness for jitter, in [0, 1) (tests pass a constant). */
  random?: () => number;
}

/**
 * The wait before attempt `attempt + 1`: exponential, capped, with "equal jitter" (half fixed,
 * half random; AWS Architecture Blog, "Exponential Backoff And Jitter"), so racing runners spread
 * apart while each still waits at least half the back-off.
 */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Runs `op` until it succeeds, fails with an error that is not worth retrying or not safe to
 * repeat, or `attempts` are used up; then rethrows that error unchanged. `op` gets the attempt number.
 */
export async function withRetry<T>(op: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 5);
  const sleep = options.sleep ?? ((ms: number) => delay(ms, undefined, options.signal ? { signal: options.signal } : undefined));
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (error) {
      const safe = typeof options.safeToRetry === 'function' ? options.safeToRetry(error) : options.safeToRetry;
      if (!safe || attempt >= attempts || !options.retryOn(error) || options.signal?.aborted) throw error;
      const delayMs = backoffDelay(attempt, options.baseDelayMs ?? 200, options.maxDelayMs ?? 10_000, options.random);
      options.onRetry?.({ attempt, delayMs, error });
      try {
        await sleep(delayMs);
      } catch {
        throw error;
      }
    }
  }
}
