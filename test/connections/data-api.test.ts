/**
 * `transport = data-api`: the Warehouse/Session port over the Redshift Data API client, against a
 * fake service (aws-sdk-client-mock) that executes on the real PostgreSQL server.
 */
import { expect } from 'chai';
import os from 'node:os';
import { Readable } from 'node:stream';
import { describeEachEngine } from '../support/engines';
import { ConfigError, RsrunError } from '../../runner/errors';
import { openWarehouse } from '../../runner/warehouse/open-warehouse';
import type { Warehouse } from '../../runner/warehouse/warehouse';
import { DataApiStatementError, toNamedParameters } from '../../runner/warehouse/aws/data-api-warehouse';
import { dataApiTarget } from '../../runner/warehouse/aws/open-data-api';
import { isSerializationFailure } from '../../runner/warehouse/retry';
import { FakeDataApi } from './support/fake-data-api';

describe('Data API parameters', () => {
  it('turns $n into :pn outside strings, identifiers and comments; nulls become NULL', async () => {
    const out = await toNamedParameters(`SELECT $1::int AS a, '$2' AS s, "$3" AS q, $2 AS b -- $1\n, $3 AS c`, [7, 'x', null]);
    expect(out.sql).to.equal(`SELECT :p1::int AS a, '$2' AS s, "$3" AS q, :p2 AS b -- $1\n, NULL AS c`);
    expect(out.parameters).to.deep.equal([
      { name: 'p1', value: '7' },
      { name: 'p2', value: 'x' },
    ]);
    const err = await toNamedParameters('SELECT $2', [1]).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConfigError);
  });

  it('maps environments onto the Data API authentication choices', () => {
    const env = {
      name: 'prod',
      database: 'dev',
      clusterIdentifier: 'c',
      workgroup: undefined,
      secretId: 'rs/prod',
      dbUser: 'deployer',
    } as const;
    expect(dataApiTarget({ ...env, auth: 'secret' } as never)).to.deep.include({ secretArn: 'rs/prod', dbUser: undefined });
    expect(dataApiTarget({ ...env, auth: 'iam' } as never)).to.deep.include({ secretArn: undefined, dbUser: 'deployer' });
    expect(() => dataApiTarget({ ...env, auth: 'password' } as never)).to.throw(ConfigError, 'data-api with auth = password');
  });
});

describeEachEngine(
  'Data API transport',
  (db) => {
    let fake: FakeDataApi;
    let wh: Warehouse;
    let dispose: () => Promise<void>;

    before(async () => {
      fake = new FakeDataApi({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
      const env = db.env({
        engine: 'redshift',
        transport: 'data-api',
        auth: 'secret',
        secretId: 'arn:aws:secretsmanager:eu-west-1:1:secret:rs',
        clusterIdentifier: 'analytics',
        region: 'eu-west-1',
      });
      const opened = await openWarehouse(env, { stateDir: os.tmpdir() });
      wh = opened.warehouse;
      dispose = opened.dispose;
    });

    after(async () => {
      await dispose?.();
      await fake?.close();
    });

    it('learns the database user and labels itself without secrets', () => {
      expect(wh.user).to.equal(db.user);
      expect(wh.label).to.equal(`redshift+data-api://${db.user}@cluster/analytics/${db.database}`);
      const first = fake.calls('ExecuteStatementCommand')[0] as Record<string, unknown>;
      expect(first).to.deep.include({
        ClusterIdentifier: 'analytics',
        Database: db.database,
        SecretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:rs',
      });
    });

    it('runs parameterised statements, polls until done and reads every page of the result', async () => {
      const s = await wh.acquire();
      try {
        await s.query('CREATE TABLE items (id int8, name varchar(20), price numeric(6,2), ok boolean, at timestamptz)');
        const ins = await s.query('INSERT INTO items VALUES ($1, $2, $3, $4, $5), ($6, $7, NULL, false, NULL)', [
          1,
          'apple',
          '1.50',
          true,
          new Date('2024-05-01T10:00:00Z'),
          2,
          "it's",
        ]);
        expect(ins.rowCount).to.equal(2);
        await s.query("INSERT INTO items SELECT g, 'n' || g, 0, true, NULL FROM generate_series(3, 7) g");
        const r = await s.query<{ id: string; name: string; price: string | null; ok: boolean; at: Date | null }>(
          'SELECT * FROM items WHERE id >= $1 ORDER BY id',
          [1],
        );
        expect(r.rows).to.have.length(7); // 4 pages of 2
        expect(r.fields).to.deep.equal(['id', 'name', 'price', 'ok', 'at']);
        expect(r.rows[0]).to.deep.equal({ id: '1', name: 'apple', price: '1.50', ok: true, at: new Date('2024-05-01T10:00:00Z') });
        expect(r.rows[1]).to.deep.include({ name: "it's", price: null, ok: false, at: null });
        const pages = fake.calls('GetStatementResultCommand').filter((c) => (c as { NextToken?: string }).NextToken !== undefined);
        expect(pages.length).to.be.greaterThan(2);
      } finally {
        await s.release();
      }
    });

    it('keeps one server session per Session so a transaction spans calls, and rolls back', async () => {
      const s = await wh.acquire();
      try {
        await s.query('CREATE TABLE tx_probe (v int)');
        await s.query('BEGIN');
        expect(s.inTransaction()).to.equal(true);
        await s.query('INSERT INTO tx_probe VALUES (1)');
        await s.query('ROLLBACK');
        expect(s.inTransaction()).to.equal(false);
        const r = await s.query<{ n: string }>('SELECT count(*) AS n FROM tx_probe');
        expect(r.rows[0]?.n).to.equal('0');
        const sessionIds = new Set(
          fake
            .calls('ExecuteStatementCommand')
            .map((c) => (c as { SessionId?: string }).SessionId)
            .filter(Boolean),
        );
        expect(sessionIds.size).to.be.greaterThan(0);
      } finally {
        await s.release();
      }
    });

    it('batch() is one BatchExecuteStatement: all or nothing, result of the last statement with rows', async () => {
      const s = await wh.acquire();
      try {
        const before = fake.calls('BatchExecuteStatementCommand').length;
        const r = await s.batch('CREATE TABLE b1 (v int); INSERT INTO b1 VALUES (1), (2); SELECT sum(v) AS total FROM b1; -- done\n');
        expect(fake.calls('BatchExecuteStatementCommand').length).to.equal(before + 1);
        expect(r.rows).to.deep.equal([{ total: '3' }]);
        const err = await s.batch('CREATE TABLE b2 (v int); INSERT INTO b2 VALUES (1); SELECT 1/0').catch((e: unknown) => e);
        expect(err).to.be.instanceOf(DataApiStatementError);
        expect((err as Error).message).to.contain('division by zero');
        const gone = await s.query<{ t: string | null }>("SELECT to_regclass('b2')::text AS t");
        expect(gone.rows[0]?.t).to.equal(null);
      } finally {
        await s.release();
      }
    });

    it('stream() hands rows over page by page and stops when asked', async () => {
      const s = await wh.acquire();
      try {
        const seen: number[] = [];
        await s.stream<{ g: number }>(
          'SELECT g FROM generate_series(1, 9) g ORDER BY g',
          [],
          (rows) => {
            seen.push(...rows.map((r) => r.g));
            return seen.length < 4;
          },
          1,
        );
        expect(seen).to.deep.equal([1, 2, 3, 4]);
      } finally {
        await s.release();
      }
    });

    it('a failing statement surfaces the server message; 1023-style failures are recognised for retry', async () => {
      const s = await wh.acquire();
      try {
        const err = await s.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
        expect(err).to.be.instanceOf(DataApiStatementError);
        expect((err as Error).message).to.equal('relation "no_such_table" does not exist');
        const serial = await s
          .query("DO $$ BEGIN RAISE EXCEPTION '1023 DETAIL: Serializable isolation violation on table - 1'; END $$")
          .catch((e: unknown) => e);
        expect(isSerializationFailure(serial)).to.equal(true);
      } finally {
        await s.release();
      }
    });

    it('refuses COPY FROM STDIN with a typed error saying what to use instead', async () => {
      const s = await wh.acquire();
      try {
        const err = await s.copyFrom('COPY t FROM STDIN', Readable.from(['1\n'])).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(RsrunError);
        expect((err as RsrunError).hint).to.contain("COPY ... FROM 's3://...'");
      } finally {
        await s.release();
      }
    });

    it('cancel() stops the running statement with CancelStatement', async () => {
      const s = await wh.acquire();
      try {
        fake.describesBeforeDone = 1;
        const running = s.query('SELECT pg_sleep(30)').catch((e: unknown) => e);
        for (let i = 0; i < 100 && fake.calls('DescribeStatementCommand').length === 0; i++) await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, 200));
        await wh.cancel(s.backendPid);
        const err = await running;
        expect(fake.calls('CancelStatementCommand').length).to.be.greaterThan(0);
        expect((err as Error).message).to.contain('canceling statement due to user request');
      } finally {
        await s.release(true);
      }
    });
  },
  ['postgres'],
);
