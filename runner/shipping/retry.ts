/**
 * Which AWS failures are worth another attempt, for S3 uploads and CloudWatch calls retried with
 * the one retry utility (`runner/retry.ts`). The SDK clients are built with `maxAttempts: 1` so
 * that is the only retry layer: the number of attempts and the total wait are what the callers'
 * policies say, not a product of two policies.
 */
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
