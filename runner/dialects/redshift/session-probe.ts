/**
 * Amazon Redshift. Provisioned clusters list active sessions in STV_SESSIONS (`process` is the
 * PID that PG_BACKEND_PID returns, `starttime` when the session started; regular users see only
 * their own rows: r_STV_SESSIONS, PG_BACKEND_PID). STV tables exist on provisioned clusters only
 * (c_intro_system_views: "System monitoring (provisioned only)"); Serverless has the SYS monitoring
 * views instead (serverless_views-monitoring), where SYS_SESSION_HISTORY keeps active and ended
 * sessions with `session_id`, `status` (active, timed out, closed) and `start_time`
 * (SYS_SESSION_HISTORY). That `session_id` equals PG_BACKEND_PID is not stated on that page
 * (SYS_QUERY_HISTORY calls its session_id "the process identifier"): not verified on a
 * workgroup, so a session it does not list is `unknown`, never `gone` — the runner waits.
 * Pages: https://docs.aws.amazon.com/redshift/latest/dg/<page>.html
 */
import type { Queryable, SessionIdentity, SessionProbe, SessionState } from '../dialect';
import { stateFromRows } from '../session-state';

type Source = 'stv' | 'sys';

const START = {
  stv: 'SELECT starttime::varchar AS start FROM stv_sessions WHERE process = pg_backend_pid()',
  sys: "SELECT start_time::varchar AS start FROM sys_session_history WHERE session_id = pg_backend_pid() AND TRIM(status) = 'active'",
} as const;

export class RedshiftSessionProbe implements SessionProbe {
  /** Which view answered first; probes run outside transactions, so a failed attempt aborts nothing. */
  private source: Source | undefined;

  async startOf(q: Queryable): Promise<string | null> {
    const r = await this.read<{ start: string | null }>(q, (s) => START[s], []);
    return r?.rows[0]?.start ?? null;
  }

  async stateOf(q: Queryable, who: SessionIdentity, sameUser: boolean): Promise<SessionState> {
    if (who.start === null) return 'unknown';
    const r = await this.read<{ same?: unknown; status?: string }>(
      q,
      (s) =>
        s === 'stv'
          ? 'SELECT starttime = $2::timestamp AS same FROM stv_sessions WHERE process = $1'
          : 'SELECT TRIM(status) AS status FROM sys_session_history WHERE session_id = $1 AND start_time = $2::timestamp',
      [who.pid, who.start],
    );
    if (!r) return 'unknown';
    if (r.source === 'stv') return stateFromRows(r.rows as { same: unknown }[], sameUser ? 'gone' : 'unknown');
    const status = r.rows[0]?.status;
    if (status === undefined) return 'unknown';
    return status === 'active' ? 'alive' : 'gone';
  }

  /** STV first, SYS where STV is absent (Serverless); undefined when neither answers. */
  private async read<R>(
    q: Queryable,
    sql: (s: Source) => string,
    params: readonly unknown[],
  ): Promise<{ rows: R[]; source: Source } | undefined> {
    for (const source of this.source ? [this.source] : (['stv', 'sys'] as const)) {
      try {
        const r = await q.query<R>(sql(source), params);
        this.source = source;
        return { rows: r.rows, source };
      } catch {
        // The view is missing or not readable here: try the next one.
      }
    }
    return undefined;
  }
}
