/**
 * PostgreSQL: pg_stat_activity lists every session of the server; another user's `backend_start`
 * is hidden (NULL) without pg_read_all_stats, which makes such a session `unknown`, never `gone`
 * (https://www.postgresql.org/docs/current/monitoring-stats.html#MONITORING-PG-STAT-ACTIVITY-VIEW).
 * Start times travel as text with their offset and are compared by the server as timestamptz, so
 * the sessions' TimeZone settings do not matter.
 */
import type { SessionProbe } from '../dialect';
import { stateFromRows } from '../session-state';

export const postgresSessionProbe: SessionProbe = {
  async startOf(q) {
    const r = await q.query<{ start: string | null }>(
      'SELECT backend_start::text AS start FROM pg_stat_activity WHERE pid = pg_backend_pid()',
    );
    return r.rows[0]?.start ?? null;
  },
  async stateOf(q, who) {
    const r = await q.query<{ same: unknown }>('SELECT backend_start = $2::timestamptz AS same FROM pg_stat_activity WHERE pid = $1', [
      who.pid,
      who.start,
    ]);
    return stateFromRows(r.rows, 'gone');
  },
};
