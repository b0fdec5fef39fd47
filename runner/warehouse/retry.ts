/**
 * Classifying SQL failures that are not the work's fault, for the one retry utility
 * (`runner/retry.ts`): Redshift's serializable isolation violation (error 1023) and a connection
 * the network or the server dropped.
 *
 * Redshift cancels one of two concurrent transactions that would break serializability with
 * `ERROR: 1023 DETAIL: Serializable isolation violation on table ...` (SQLSTATE XX000); AWS's
 * first remedy is to run the cancelled transaction again
 * (https://docs.aws.amazon.com/redshift/latest/dg/c_serial_isolation.html). PostgreSQL reports the
 * same situation as SQLSTATE 40001 (and deadlocks as 40P01).
 *
 *   await withRetry(() => applyInOneTransaction(m), { safeToRetry: !commitWasSent, retryOn: isRetryable });
 */
import type { Session } from './warehouse';

/** Walks an error and its `cause` chain (bounded, in case of cycles). */
function* causes(err: unknown): Generator {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function textOf(err: unknown): string {
  if (err instanceof Error) {
    const detail = (err as { detail?: unknown }).detail;
    return typeof detail === 'string' ? `${err.message} ${detail}` : err.message;
  }
  return String(err);
}

// Redshift: "ERROR: 1023 DETAIL: Serializable isolation violation on table - 12345, transactions
// forming the cycle are: ..."; the Data API's DescribeStatement.Error carries the same text.
const REDSHIFT_1023 = /serializable isolation violation|^\s*(ERROR:\s*)?1023\b/i;

/** Redshift error 1023 or PostgreSQL's serialization_failure / deadlock_detected, anywhere in the cause chain. */
export function isSerializationFailure(err: unknown): boolean {
  for (const e of causes(err)) {
    const code = codeOf(e);
    if (code === '40001' || code === '40P01') return true;
    if (REDSHIFT_1023.test(textOf(e))) return true;
  }
  return false;
}

// Socket-level failures Node reports: the peer or the path went away, or a name did not resolve yet.
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
]);
// SQLSTATEs: connection exceptions (class 08), admin/crash shutdown, server starting up, too many connections.
const TRANSIENT_SQLSTATES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53300']);
// AWS SDK error names that mean "try again later" (the SDK already retries throttling a few times).
const TRANSIENT_AWS_NAMES = new Set([
  'ThrottlingException',
  'ActiveStatementsExceededException',
  'ActiveSessionsExceededException',
  'InternalServerException',
  'ServiceUnavailableException',
  'TimeoutError',
]);
// pg raises these without a code when the socket closes under it ("not queryable" when the server's
// FATAL message arrived while the client was idle, before the next query was sent).
const TRANSIENT_MESSAGES =
  /Connection terminated unexpectedly|has encountered a connection error and is not queryable|Connection terminated due to connection timeout|terminating connection due to administrator command|server closed the connection unexpectedly|socket hang up/i;

/** A dropped connection or a passing server/network condition, anywhere in the cause chain. */
export function isTransient(err: unknown): boolean {
  for (const e of causes(err)) {
    const code = codeOf(e);
    if (code !== undefined && (TRANSIENT_SOCKET_CODES.has(code) || TRANSIENT_SQLSTATES.has(code))) return true;
    const name = (e as { name?: unknown } | null)?.name;
    if (typeof name === 'string' && TRANSIENT_AWS_NAMES.has(name)) return true;
    if (TRANSIENT_MESSAGES.test(textOf(e))) return true;
  }
  return false;
}

/** Worth another attempt if the operation is safe to repeat. */
export function isRetryable(err: unknown): boolean {
  return isSerializationFailure(err) || isTransient(err);
}

// SQLSTATEs of a concurrent CREATE ... IF NOT EXISTS losing the race on PostgreSQL's catalog.
const CONCURRENT_CREATE = new Set(['23505', '42P07', '42P06']);

/**
 * Runs `CREATE ... IF NOT EXISTS` statements (one batch) that other runners may run at the same
 * moment: PostgreSQL can report a duplicate catalog row for the loser even with IF NOT EXISTS, and
 * Redshift cancels one of two conflicting transactions with error 1023 (c_serial_isolation). The
 * objects exist after either, so the batch runs once more and then finds them.
 */
export async function createIfMissing(session: Pick<Session, 'batch' | 'inTransaction'>, ddl: string): Promise<void> {
  try {
    await session.batch(ddl);
  } catch (err) {
    if (!CONCURRENT_CREATE.has(codeOf(err) ?? '') && !isSerializationFailure(err)) throw err;
    if (session.inTransaction()) await session.batch('ROLLBACK');
    await session.batch(ddl);
  }
}
