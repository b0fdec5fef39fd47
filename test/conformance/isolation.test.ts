/**
 * Serializable isolation (issue 13 (a)): with the emulation on, transactions run at SERIALIZABLE
 * and a real conflict surfaces as Redshift's "ERROR: 1023 DETAIL: Serializable isolation violation"
 * (c_serial_isolation), which the runner's retry logic recognises by its Redshift form.
 */
import { expect } from 'chai';
import { isSerializationFailure } from '../../runner/warehouse/retry';
import { describeEachEngine } from '../support/engines';
import { DG, emulatedSession, redshiftLike } from './support';

describeEachEngine('conformance: serializable isolation', (db) => {
  it(`c_serial_isolation: user transactions run at SERIALIZABLE (${DG}c_serial_isolation.html)`, async () => {
    const s = await emulatedSession(redshiftLike(db));
    try {
      await s.run('BEGIN');
      expect(await s.run('SHOW transaction_isolation')).to.deep.equal([{ transaction_isolation: 'serializable' }]);
      await s.run('ROLLBACK');
    } finally {
      await s.release();
    }
  });

  // The embedded engine is one backend: a setting made by one connection is every connection's.
  if (db.engine === 'postgres') {
    it('without the emulation the engine keeps its own default (read committed)', async () => {
      const session = await db.warehouse().acquire();
      try {
        expect((await session.query('SHOW transaction_isolation')).rows).to.deep.equal([{ transaction_isolation: 'read committed' }]);
      } finally {
        await session.release();
      }
    });
  }
});

// Two transactions open at once: the embedded engine runs one transaction at a time, so the
// conflict itself is pinned on the PostgreSQL server.
describeEachEngine(
  'conformance: serializable isolation violations',
  (db) => {
    it(`c_serial_isolation, "How to fix serializable isolation errors": the page's tab1/tab2 sessions end in ERROR 1023 (${DG}c_serial_isolation.html)`, async () => {
      const wh = redshiftLike(db);
      const one = await emulatedSession(wh);
      const two = await emulatedSession(wh);
      try {
        await one.run('CREATE TABLE tab1 (c INT)');
        await one.run('CREATE TABLE tab2 (c INT)');
        await one.run('BEGIN');
        await two.run('BEGIN');
        await one.run('SELECT * FROM tab1');
        await two.run('SELECT * FROM tab2');
        await one.run('INSERT INTO tab2 VALUES (1)');
        await two.run('INSERT INTO tab1 VALUES (1)');
        await one.run('COMMIT');
        const err = await two.error('COMMIT');
        expect(err.message).to.equal('1023');
        expect(err.detail).to.match(/^Serializable isolation violation on a table/);
        expect(err.code).to.equal('XX000');
        expect(isSerializationFailure(err), 'the retry logic sees the Redshift form').to.equal(true);
        // PostgreSQL's SQLSTATE is not in the chain: the Redshift text alone must be recognised.
        expect(JSON.stringify(err)).not.to.contain('40001');
      } finally {
        if (two.session.inTransaction()) await two.session.query('ROLLBACK');
        if (one.session.inTransaction()) await one.session.query('ROLLBACK');
        await one.release();
        await two.release();
      }
    });
  },
  ['postgres'],
);
