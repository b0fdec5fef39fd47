/** The SQL schema history on real engines: what only the tables themselves can show. */
import { expect } from 'chai';
import { SqlSchemaHistory } from '../../runner/ledger/sql-schema-history';
import type { Session, SqlPieces } from '../../runner/warehouse/warehouse';
import { describeEachEngine } from '../support/engines';

describeEachEngine('SQL schema history', (db) => {
  let n = 0;
  const historyIn = (schema: string) =>
    new SqlSchemaHistory(db.warehouse().dialect, {
      schema,
      historyTable: 'rsrun_history',
      lockTable: 'rsrun_lock',
      stageSuffix: `t${++n}`,
    });

  it('creating the tables retries once when Redshift cancels the transaction with error 1023 (a concurrent runner created them)', async () => {
    const history = historyIn('ensure1023');
    const session = await db.warehouse().acquire();
    try {
      let cancelled = 0;
      const racing: Session = Object.create(session) as Session;
      racing.batch = async (sql: SqlPieces) => {
        if (cancelled++ === 0) {
          await session.batch(sql);
          throw Object.assign(new Error('1023'), {
            code: 'XX000',
            detail: 'Serializable isolation violation on table - 42, transactions forming the cycle are: 7, 8',
          });
        }
        return session.batch(sql);
      };
      await history.ensure(racing);
      expect(cancelled).to.equal(2);
      expect(await history.exists(session)).to.equal(true);
    } finally {
      await session.release();
    }
  });

  it('a lock table from before session_start gains the column on the first claim', async () => {
    const history = historyIn('oldlock');
    const c = await db.client();
    await c.query(
      'create schema oldlock; create table oldlock.rsrun_lock (id integer not null, owner varchar(400), run_id varchar(64), host varchar(255), os_pid integer, backend_pid integer, db_user varchar(128), acquired_at timestamp, expires_at timestamp, primary key (id))',
    );
    const session = await db.warehouse().acquire();
    try {
      await history.ensure(session);
      const claim = {
        owner: 'h pid 1',
        runId: 'r1',
        host: 'h',
        osPid: 1,
        backendPid: session.backendPid,
        sessionStart: 'then',
        dbUser: db.user,
        ttlSeconds: 60,
      };
      expect(await history.lease.claim(session, claim)).to.deep.equal({ claimed: true });
      expect((await c.query('select run_id, session_start from oldlock.rsrun_lock')).rows).to.deep.equal([
        { run_id: 'r1', session_start: 'then' },
      ]);
    } finally {
      await session.release();
    }
  });
});
