/**
 * `transport = data-api`: the Warehouse/Session port over the Redshift Data API client, against a
 * fake service (aws-sdk-client-mock) that executes on the real PostgreSQL server.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describeEachEngine } from '../support/engines';
import { TempProject } from '../support/project';
import { PostgresDialect } from '../../runner/dialects/postgres/postgres-dialect';
import { RedshiftDialect } from '../../runner/dialects/redshift/redshift-dialect';
import { Migrator } from '../../runner/engine/migrator';
import { ConfigError, ConnectionError, MigrationError, RsrunError } from '../../runner/errors';
import { SqlSchemaHistory } from '../../runner/ledger/sql-schema-history';
import { silentLogger } from '../../runner/logging/logger';
import { loadFixture } from '../../runner/testing/fixtures';
import { openWarehouse } from '../../runner/warehouse/open-warehouse';
import type { Warehouse } from '../../runner/warehouse/warehouse';
import {
  DataApiStatementError,
  openDataApiWarehouse,
  toNamedParameters,
  type DataApiWarehouse,
} from '../../runner/warehouse/aws/data-api-warehouse';
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

// Issue 13 (b) 7: the Data API's limits (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html).
describeEachEngine(
  'Data API limits',
  (db) => {
    let fake: FakeDataApi;
    let clock = 1_000_000;
    let wh: DataApiWarehouse;
    const target = {
      clusterIdentifier: 'analytics',
      workgroup: undefined,
      database: '',
      secretArn: 'arn:aws:secretsmanager:eu-west-1:1:secret:rs',
      dbUser: undefined,
    };

    before(async () => {
      fake = new FakeDataApi({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
      wh = await openDataApiWarehouse({ ...target, database: db.database }, new RedshiftDialect(), {
        region: 'eu-west-1',
        sessionKeepAliveSeconds: 120,
        pollInitialMs: 5,
        now: () => clock,
      });
    });
    after(async () => {
      await wh?.close();
      await fake?.close();
    });

    const executed = () => fake.calls('ExecuteStatementCommand') as { Sql: string; SessionId?: string; Parameters?: { value: string }[] }[];
    const size = (c: { Sql: string; Parameters?: { value: string }[] }) =>
      Buffer.byteLength(c.Sql) + (c.Parameters ?? []).reduce((n, p) => n + Buffer.byteLength(p.value), 0);

    it('refuses a statement over 100 KB before sending it, naming the limit', async () => {
      const s = await wh.acquire();
      try {
        const before = executed().length;
        const err = await s.query(`SELECT '${'x'.repeat(120_000)}' AS v`).catch((e: unknown) => e);
        expect(err).to.be.instanceOf(DataApiStatementError);
        expect((err as Error).message).to.match(/statement of 120\d{3} bytes is over the Data API's limit of 100000 bytes/);
        expect(executed().length, 'nothing was sent').to.equal(before);
      } finally {
        await s.release();
      }
    });

    it('loads a CSV fixture in INSERTs of at most 100 KB each, cut by encoded size (not by parameter count)', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'rsrun-dataapi-'));
      const file = path.join(dir, 'wide.csv');
      writeFileSync(file, `id,payload\n${Array.from({ length: 3000 }, (_, i) => `${i},${'é'.repeat(60)}`).join('\n')}\n`);
      const s = await wh.acquire();
      try {
        await s.query('CREATE TABLE wide_fixture (id int, payload varchar(200))');
        const before = executed().length;
        const loaded = await loadFixture(
          s,
          { table: 'wide_fixture', file, declaredAt: { file: 'tests/t.sql', line: 1 } },
          { dialect: wh.dialect, copyFromStdin: false, maxStatementBytes: s.maxStatementBytes ?? 0 },
        );
        expect(loaded).to.equal(3000);
        const inserts = executed().slice(before);
        expect(inserts.length).to.be.greaterThan(3);
        for (const c of inserts) expect(size(c)).to.be.at.most(100_000);
        expect((await s.query<{ n: string }>('SELECT count(*) AS n FROM wide_fixture')).rows[0]?.n).to.equal('3000');
      } finally {
        await s.release();
      }
    });

    it('stages history rows in INSERTs of at most 100 KB each', async () => {
      const history = new SqlSchemaHistory(wh.dialect, {
        schema: 'public',
        historyTable: 'h_limits',
        lockTable: 'l_limits',
        stageSuffix: 'limits',
      });
      const s = await wh.acquire();
      try {
        const rows = Array.from({ length: 600 }, (_, i) => ({
          installedRank: i + 1,
          version: String(i + 1),
          description: `a migration described at length ${'d'.repeat(330)}`,
          type: 'versioned' as const,
          script: `V${i + 1}__${'s'.repeat(300)}.sql`,
          checksum: 'c'.repeat(64),
          installedBy: 'deployer',
          statementsDone: 0,
          runId: 'run-limits',
        }));
        await history.ensure(s);
        const before = executed().length;
        await history.stage(s, rows);
        const inserts = executed()
          .slice(before)
          .filter((c) => c.Sql.startsWith('INSERT'));
        expect(inserts.length).to.be.greaterThan(3);
        for (const c of inserts) expect(size(c)).to.be.at.most(100_000);
        expect((await s.query<{ n: string }>('SELECT count(*) AS n FROM "rsrun_stage_limits"')).rows[0]?.n).to.equal('600');
      } finally {
        await s.release();
      }
    });

    it('replaces an idle session that outlived its keep-alive instead of sending to it', async () => {
      const first = await wh.acquire();
      await first.query('SELECT 1');
      const used = sessionOf(executed());
      await first.release();
      clock += 120_000; // SessionKeepAliveSeconds later: the service has closed it
      const before = executed().length;
      const second = await wh.acquire();
      try {
        expect(executed()[before]?.SessionId, 'a new session is opened, not the old one reused').to.equal(undefined);
        await second.query('SELECT 1');
        expect(sessionOf(executed())).not.to.equal(used);
      } finally {
        await second.release();
      }
    });

    it('replaces an idle session the service closed before its keep-alive', async () => {
      const first = await wh.acquire();
      await first.query('SELECT 1');
      const id = sessionOf(executed());
      await first.release();
      await fake.closeSession(id);
      const second = await wh.acquire();
      try {
        expect((await second.query<{ v: number }>('SELECT 1 AS v')).rows).to.deep.equal([{ v: 1 }]);
        expect(sessionOf(executed())).not.to.equal(id);
      } finally {
        await second.release();
      }
    });

    it('a session closed while in use is a connection error (exit 5) naming the keep-alive', async () => {
      const s = await wh.acquire();
      await s.query('SELECT 1');
      await fake.closeSession(sessionOf(executed()));
      const err = await s.query('SELECT 2').catch((e: unknown) => e);
      await s.release(true);
      expect(err).to.be.instanceOf(ConnectionError);
      expect((err as ConnectionError).hint).to.contain('SessionKeepAliveSeconds (120 s here)');
    });

    it('locates the failing statement of a batch without SQLSTATE: its index and where it starts in the text', async () => {
      const s = await wh.acquire();
      try {
        const oneByOne = 'BEGIN;\nCREATE TABLE loc1 (a int);\nINSERT INTO loc1 VALUES (1/0);\nCOMMIT';
        const e1 = (await s.batch(oneByOne).catch((e: unknown) => e)) as DataApiStatementError;
        expect([e1.statementIndex, e1.position]).to.deep.equal([2, oneByOne.indexOf('INSERT') + 1]);
        if (s.inTransaction()) await s.query('ROLLBACK');
        const batched = 'CREATE TABLE loc2 (a int);\n  INSERT INTO loc2 VALUES (1/0);\nSELECT 1';
        const e2 = (await s.batch(batched).catch((e: unknown) => e)) as DataApiStatementError;
        expect([e2.statementIndex, e2.position]).to.deep.equal([1, batched.indexOf('INSERT') + 1]);
      } finally {
        await s.release();
      }
    });

    it('a migration failing inside a round trip is blamed on its file and line over the Data API too', async () => {
      const project = new TempProject('rsrun-dataapi-mig-');
      try {
        project.migration('V1__ok.sql', 'CREATE TABLE mig_ok (a int);\n');
        project.migration('V2__bad.sql', 'CREATE TABLE mig_bad (a int);\n\nINSERT INTO mig_bad VALUES (1/0);\n');
        // The fake service runs on PostgreSQL: the runner's own SQL in PostgreSQL's dialect.
        const pgOverDataApi = await openDataApiWarehouse({ ...target, database: db.database }, new PostgresDialect(false), {
          region: 'eu-west-1',
          pollInitialMs: 5,
        });
        const migrator = new Migrator({
          warehouse: pgOverDataApi,
          project: {
            migrationsDir: project.migrationsDir,
            historySchema: 'dataapi_hist',
            historyTable: 'rsrun_history',
            lockTable: 'rsrun_lock',
          },
          env: { lockTimeoutMs: 10_000, name: 'test' },
          runId: `run-dataapi-${Date.now()}`,
          logger: silentLogger,
        });
        const err = (await migrator.migrate().catch((e: unknown) => e)) as MigrationError;
        await pgOverDataApi.close();
        expect(err).to.be.instanceOf(MigrationError);
        expect([err.file?.endsWith('V2__bad.sql'), err.line, err.statementIndex]).to.deep.equal([true, 3, 1]);
      } finally {
        project.remove();
      }
    });
  },
  ['postgres'],
);

/** The session the last ExecuteStatement used or opened. */
function sessionOf(calls: { SessionId?: string }[]): string {
  const id = [...calls].reverse().find((c) => c.SessionId)?.SessionId;
  if (!id) throw new Error('no session id seen');
  return id;
}
