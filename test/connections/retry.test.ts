/**
 * Retry classification and `withRetry` on errors produced by a real PostgreSQL server: a
 * serialization failure between two concurrent transactions and a backend terminated by the
 * administrator; Redshift's error 1023 is checked on the text AWS documents for it.
 */
import { expect } from 'chai';
import pg from 'pg';
import { describeEachEngine } from '../support/engines';
import { ConnectionError } from '../../runner/errors';
import { backoffDelay, withRetry, type RetryEvent } from '../../runner/retry';
import { isRetryable, isSerializationFailure, isTransient } from '../../runner/warehouse/retry';

describe('retry classification', () => {
  it('recognises Redshift error 1023 as AWS documents it, also wrapped as a cause', () => {
    // c_serial_isolation-serializable-isolation-troubleshooting: the error text Redshift returns.
    const redshift = Object.assign(new Error('1023'), {
      code: 'XX000',
      detail: 'Serializable isolation violation on table - 156610, transactions forming the cycle are: 1301617, 1301616 (pid:3211)',
    });
    expect(isSerializationFailure(redshift)).to.equal(true);
    const dataApi = new Error(
      'ERROR: 1023 DETAIL: Serializable isolation violation on table - 156610, transactions forming the cycle are: 1301617, 1301616',
    );
    expect(isSerializationFailure(dataApi)).to.equal(true);
    expect(isSerializationFailure(new ConnectionError('wrapped', { cause: redshift }))).to.equal(true);
    expect(isSerializationFailure(Object.assign(new Error('column "x1023" does not exist'), { code: '42703' }))).to.equal(false);
  });

  it('treats dropped sockets as transient anywhere in the cause chain, and SQL mistakes as not retryable', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(isTransient(new ConnectionError('cannot connect', { cause: reset }))).to.equal(true);
    expect(isTransient(new Error('Connection terminated unexpectedly'))).to.equal(true);
    // pg's message when the server's FATAL arrived while the client was idle.
    expect(isTransient(new Error('Client has encountered a connection error and is not queryable'))).to.equal(true);
    expect(isTransient(Object.assign(new Error('ThrottlingException'), { name: 'ThrottlingException' }))).to.equal(true);
    expect(isRetryable(Object.assign(new Error('syntax error at or near "SELEC"'), { code: '42601' }))).to.equal(false);
    expect(isRetryable(Object.assign(new Error('password authentication failed'), { code: '28P01' }))).to.equal(false);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, 100, 1000, () => 0))).to.deep.equal([50, 100, 200, 400]);
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(a, 100, 1000, () => 0.999999))).to.deep.equal([100, 200, 400, 800, 1000]);
  });
});

describeEachEngine(
  'withRetry on real server errors',
  (db) => {
    let admin: pg.Client;
    before(async () => {
      admin = await db.client();
      await admin.query('CREATE TABLE ledger_rows (k int NOT NULL, v int NOT NULL)');
    });

    /**
     * Terminates a backend and waits until it is gone. `pg_terminate_backend(pid)` only sends the
     * signal, so a query right after it may still be answered; with a timeout (PostgreSQL 14+) the
     * call returns true once the backend has exited (a condition wait, bounded by the timeout).
     */
    async function terminateAndWait(pid: number): Promise<void> {
      const { rows } = await admin.query<{ gone: boolean }>('SELECT pg_terminate_backend($1, 30000) AS gone', [pid]);
      expect(rows[0]?.gone, `backend ${pid} still running 30 s after pg_terminate_backend`).to.equal(true);
    }

    /** One unit of work that reads then writes in a serializable transaction: the shape that fails with 40001 / 1023. */
    async function addRow(client: pg.Client, k: number, betweenReadAndWrite?: () => Promise<void>): Promise<void> {
      await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      try {
        const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM ledger_rows');
        await betweenReadAndWrite?.();
        await client.query('INSERT INTO ledger_rows (k, v) VALUES ($1, $2)', [k, Number(rows[0]?.n ?? 0)]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    }

    it('repeats a transaction cancelled by a serialization failure until it commits, when told it is safe', async () => {
      const [a, b] = [await db.client(), await db.client()];
      let bHasRead!: () => void;
      const bRead = new Promise<void>((resolve) => (bHasRead = resolve));
      let aCommitted!: () => void;
      const aDone = new Promise<void>((resolve) => (aCommitted = resolve));
      const retries: RetryEvent[] = [];
      // B reads, then A reads, writes and commits, then B writes: B must be cancelled (write skew).
      const second = withRetry(
        (attempt) =>
          addRow(b, 2, async () => {
            if (attempt > 1) return;
            bHasRead();
            await aDone;
          }),
        { safeToRetry: true, retryOn: isRetryable, baseDelayMs: 5, onRetry: (e) => retries.push(e) },
      );
      await bRead;
      await addRow(a, 1);
      aCommitted();
      await second;
      expect(retries).to.have.length(1);
      expect(isSerializationFailure(retries[0]?.error)).to.equal(true);
      expect((retries[0]?.error as { code?: string }).code).to.equal('40001');
      // The retried unit saw A's row: nothing was lost or written twice.
      const { rows } = await admin.query<{ k: number; v: number }>('SELECT k, v FROM ledger_rows ORDER BY v');
      expect(rows).to.deep.equal([
        { k: 1, v: 0 },
        { k: 2, v: 1 },
      ]);
    });

    it('reconnects after the server terminates the session (57P01) and runs the unit again', async () => {
      const wh = db.warehouse({ maxConnections: 2 });
      const retries: RetryEvent[] = [];
      const result = await withRetry(
        async (attempt) => {
          const session = await wh.acquire();
          try {
            if (attempt === 1) await terminateAndWait(session.backendPid);
            const r = await session.query<{ one: number }>('SELECT 1 AS one');
            await session.release();
            return r.rows[0]?.one;
          } catch (err) {
            await session.release(true);
            throw err;
          }
        },
        { safeToRetry: true, retryOn: isRetryable, baseDelayMs: 5, onRetry: (e) => retries.push(e) },
      );
      expect(result).to.equal(1);
      expect(retries).to.have.length(1);
      expect(isTransient(retries[0]?.error)).to.equal(true);
    });

    it('never retries when the unit is not safe to repeat, and rethrows the original error', async () => {
      const wh = db.warehouse({ maxConnections: 2 });
      let attempts = 0;
      const err = await withRetry(
        async () => {
          attempts++;
          const session = await wh.acquire();
          try {
            await terminateAndWait(session.backendPid);
            return await session.query('SELECT 1');
          } finally {
            await session.release(true);
          }
        },
        { safeToRetry: false, retryOn: isRetryable, baseDelayMs: 5 },
      ).catch((e: unknown) => e);
      expect(attempts).to.equal(1);
      expect(isTransient(err)).to.equal(true);
    });

    it('does not retry a statement that is simply wrong, and stops after `attempts`', async () => {
      let wrong = 0;
      const syntax = await withRetry(
        async () => {
          wrong++;
          return admin.query('SELEC 1');
        },
        { safeToRetry: true, retryOn: isRetryable, baseDelayMs: 1 },
      ).catch((e: unknown) => e);
      expect(wrong).to.equal(1);
      expect((syntax as { code?: string }).code).to.equal('42601');

      let tries = 0;
      const gone = await withRetry(
        async () => {
          tries++;
          const c = new pg.Client({ host: '127.0.0.1', port: 1, user: 'x', database: 'x', connectionTimeoutMillis: 1000 });
          await c.connect();
        },
        { safeToRetry: true, retryOn: isRetryable, attempts: 3, baseDelayMs: 1 },
      ).catch((e: unknown) => e);
      expect(tries).to.equal(3);
      expect((gone as { code?: string }).code).to.equal('ECONNREFUSED');
    });
  },
  ['postgres'],
);
