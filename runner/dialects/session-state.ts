/**
 * Reading a probe's rows as a session state. A session is one PID *and* one start time: servers
 * reuse PIDs, and Redshift can restart a session under a new PID (r_STL_RESTARTED_SESSIONS), so
 * a PID that answers is the holder's session only when its start time matches too.
 */
import type { SessionState } from './dialect';

/**
 * `same` per row found for the PID: true when its start matches, false when it differs, null when
 * the server hides it. No row at all is `gone` only where the view lists every visible session.
 */
export function stateFromRows(rows: readonly { same: unknown }[], noRowMeans: SessionState): SessionState {
  if (rows.length === 0) return noRowMeans;
  if (rows.some((r) => r.same === true || r.same === 't')) return 'alive';
  if (rows.every((r) => r.same === false || r.same === 'f')) return 'gone';
  return 'unknown';
}
