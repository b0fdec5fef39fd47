/**
 * Bounded retry with exponential backoff and full jitter, for S3 uploads and CloudWatch calls.
 * The SDK clients are built with `maxAttempts: 1` so this is the only retry layer: the number
 * of attempts and the total wait are what this file says, not a product of two policies.
 */
export interface RetryOptions {
  /** Total attempts, first included. */
  attempts: number;
  /** Delay before the second attempt; doubles each time up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Whether an error is worth another attempt (throttling, 5xx, network). */
  retryable: (err: unknown) => boolean;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Injected in tests so backoff is checked without waiting. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= options.attempts || !options.retryable(err)) throw err;
      const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      // Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): spreads racing runners apart.
      const delay = Math.round(cap / 2 + (random() * cap) / 2);
      options.onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'RequestLimitExceeded',
  'LimitExceededException',
]);

interface AwsLikeError {
  name?: string;
  code?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
  cause?: unknown;
}

/** Throttling, server errors, timeouts and connection failures: worth retrying. 4xx client errors are not. */
export function isTransientAwsError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as AwsLikeError;
  if (THROTTLING.has(e.name ?? '') || THROTTLING.has(e.Code ?? '') || THROTTLING.has(e.code ?? '')) return true;
  if (NETWORK_CODES.has(e.code ?? '') || e.name === 'TimeoutError' || e.name === 'RequestTimeout') return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  return e.cause !== undefined && e.cause !== err && isTransientAwsError(e.cause);
}

/** True for failures meaning "the service is not there" (as opposed to a refusal): used to say so plainly. */
export function isUnreachable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as AwsLikeError;
  if (NETWORK_CODES.has(e.code ?? '') || e.name === 'TimeoutError') return true;
  return e.cause !== undefined && e.cause !== err && isUnreachable(e.cause);
}
