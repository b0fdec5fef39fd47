/**
 * A connection that dropped mid-run (the server restarted, an administrator terminated the
 * session, the network went away) is not a bug in rsrun and not a failing migration: it exits 5
 * with what to do. The re-run is safe whatever the moment of the drop: a migration's history row
 * commits with its statements, so the history says exactly what committed, and a
 * non-transactional migration resumes from its recorded progress.
 */
import { ConnectionError, isRsrunError, messageOf } from '../errors';
import { isSerializationFailure, isTransient } from '../warehouse/retry';

/** The ConnectionError to throw instead of `err` when `err` is a lost connection; undefined otherwise. */
export function connectionLost(err: unknown, target: string): ConnectionError | undefined {
  if (err instanceof ConnectionError) return undefined;
  if (isSerializationFailure(err) || !isTransient(err)) return undefined;
  // A MigrationError whose cause is the drop names the migration that was running: keep its place.
  return new ConnectionError(`connection to ${target} lost: ${messageOf(rootCause(err))}`, {
    ...(isRsrunError(err) && err.file ? { file: err.file } : {}),
    ...(isRsrunError(err) && err.line ? { line: err.line } : {}),
    cause: err,
    hint: 'nothing is half-applied: a re-run resumes where this run stopped (the history records exactly what committed)',
  });
}

function rootCause(err: unknown): unknown {
  let current = err;
  for (let depth = 0; depth < 8 && isRsrunError(current) && current.cause !== undefined; depth++) current = current.cause;
  return current;
}
