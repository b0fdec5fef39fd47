/**
 * Session probes: is another runner's database session still there? Run on PostgreSQL; the
 * Redshift probe reads stand-ins for STV_SESSIONS and SYS_SESSION_HISTORY with Redshift's column
 * names (r_STV_SESSIONS, SYS_SESSION_HISTORY), and the Serverless path is the one where
 * STV_SESSIONS does not exist.
 */
import { expect } from 'chai';
import pg from 'pg';
import type { Queryable } from '../../runner/dialects/dialect';
import { postgresSessionProbe } from '../../runner/dialects/postgres/session-probe';
import { RedshiftSessionProbe } from '../../runner/dialects/redshift/session-probe';
import { describeEachEngine } from '../support/engines';

const queryable = (c: pg.Client): Queryable => ({
  query: async <R>(sql: string, params?: readonly unknown[]) => ({
    rows: (await c.query(sql, params ? [...params] : undefined)).rows as R[],
  }),
});
// Above Linux's largest pid_max (2^22): no backend has it.
const NO_SUCH_PID = 4_194_305;

describeEachEngine(
  'session probes',
  (db) => {
    let holder: pg.Client;
    let prober: pg.Client;
    let pid: number;
    before(async () => {
      holder = await db.client();
      prober = await db.client();
      pid = (await holder.query('select pg_backend_pid() as pid')).rows[0].pid;
    });

    it('PostgreSQL: alive by PID and start time; gone when the PID is free or belongs to a later session', async () => {
      const start = await postgresSessionProbe.startOf(queryable(holder));
      expect(start).to.be.a('string');
      const q = queryable(prober);
      expect(await postgresSessionProbe.stateOf(q, { pid, start }, true)).to.equal('alive');
      expect(await postgresSessionProbe.stateOf(q, { pid, start: '2001-01-01 00:00:00+00' }, true)).to.equal('gone');
      expect(await postgresSessionProbe.stateOf(q, { pid: NO_SUCH_PID, start }, true)).to.equal('gone');
    });

    describe('Redshift', () => {
      before(async () => {
        // Each client sees the stand-ins first on its search path.
        for (const c of [holder, prober]) await c.query('set search_path to probe_rs, public');
        await prober.query(`create schema probe_rs;
          create view probe_rs.stv_sessions as
            select backend_start::timestamp as starttime, pid as process, usename::varchar(50) as user_name, datname::varchar(50) as db_name, 0 as timeout_sec
            from pg_stat_activity;
          create table probe_rs.sys_session_history (user_id char(50), session_id integer, database_name char(50), status char(10), session_timeout integer, start_time timestamp, end_time timestamp);`);
      });

      it('provisioned (STV_SESSIONS): alive, PID reused, no such PID; another user unseen is unknown', async () => {
        const probe = new RedshiftSessionProbe();
        const start = await probe.startOf(queryable(holder));
        expect(start).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
        const q = queryable(prober);
        expect(await probe.stateOf(q, { pid, start }, true)).to.equal('alive');
        expect(await probe.stateOf(q, { pid, start: '2001-01-01 00:00:00' }, true)).to.equal('gone');
        expect(await probe.stateOf(q, { pid: NO_SUCH_PID, start }, true)).to.equal('gone');
        // Regular users see only their own rows in STV_SESSIONS: absence proves nothing then.
        expect(await probe.stateOf(q, { pid: NO_SUCH_PID, start }, false)).to.equal('unknown');
        expect(await probe.stateOf(q, { pid, start: null }, true)).to.equal('unknown');
      });

      it('Serverless (no STV_SESSIONS): SYS_SESSION_HISTORY says active or closed; a session it does not list is unknown', async () => {
        await prober.query('drop view probe_rs.stv_sessions');
        await prober.query(
          `insert into probe_rs.sys_session_history (user_id, session_id, database_name, status, session_timeout, start_time)
           values ('100', $1, 'dev', 'active', 0, '2026-12-01 10:00:00.123456'), ('100', 77, 'dev', 'closed', 0, '2026-12-01 09:00:00')`,
          [pid],
        );
        const probe = new RedshiftSessionProbe();
        expect(await probe.startOf(queryable(holder))).to.equal('2026-12-01 10:00:00.123456');
        const q = queryable(prober);
        expect(await probe.stateOf(q, { pid, start: '2026-12-01 10:00:00.123456' }, true)).to.equal('alive');
        expect(await probe.stateOf(q, { pid: 77, start: '2026-12-01 09:00:00' }, true)).to.equal('gone');
        expect(await probe.stateOf(q, { pid: 78, start: '2026-12-01 09:00:00' }, true)).to.equal('unknown');
      });

      it('neither view readable: unknown, never gone', async () => {
        await prober.query('drop table probe_rs.sys_session_history');
        const probe = new RedshiftSessionProbe();
        expect(await probe.startOf(queryable(holder))).to.equal(null);
        expect(await probe.stateOf(queryable(prober), { pid, start: '2026-12-01 10:00:00' }, true)).to.equal('unknown');
      });
    });
  },
  ['postgres'],
);
