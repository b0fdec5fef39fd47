/**
 * The deployment lease: renewed on a timer while a migration runs, and taken over only when it
 * expired *and* its holder's session is provably gone (issue 13: a VACUUM longer than the TTL let
 * a second runner resume the same non-transactional migration).
 */
import { expect } from 'chai';
import { hostname } from 'node:os';
import type { SessionProbe } from '../../runner/dialects/dialect';
import { PostgresDialect } from '../../runner/dialects/postgres/postgres-dialect';
import { DeployLock, leaseVerdict } from '../../runner/engine/deploy-lock';
import { Migrator } from '../../runner/engine/migrator';
import { LockTimeoutError } from '../../runner/errors';
import { MemoryLease } from '../../runner/ledger/memory-schema-history';
import { silentLogger } from '../../runner/logging/logger';
import { discoverMigrations } from '../../runner/migrations/discover';
import { describeEachEngine } from '../support/engines';
import { MemorySchemaHistory, MemoryWarehouse } from '../support/memory-warehouse';
import type { Session } from '../../runner/warehouse/warehouse';
import { TempProject } from '../support/project';
import { until } from '../support/until';

const probeSaying = (state: 'alive' | 'gone' | 'unknown' | Error): SessionProbe => ({
  startOf: async () => '2026-12-01 10:00:00.123456',
  stateOf: async () => {
    if (state instanceof Error) throw state;
    return state;
  },
});

async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('deployment lease', () => {
  it('is stale only when it expired and its session is provably gone', () => {
    const verdicts = (['alive', 'gone', 'unknown'] as const).flatMap((s) =>
      [false, true].map((expired) => leaseVerdict({ expired }, s).stale),
    );
    // [alive, not expired], [alive, expired], [gone, ...], [unknown, ...]
    expect(verdicts).to.deep.equal([false, false, false, true, false, false]);
  });

  describe('DeployLock on the in-memory lease', () => {
    const now = 1_000_000;
    const clock = () => now;
    let session: Session;
    before(async () => (session = await new MemoryWarehouse(new MemorySchemaHistory(clock)).acquire()));
    const holdBy = async (lease: MemoryLease, expiresInSeconds: number) => {
      await lease.claim(session, {
        owner: 'other-host pid 7',
        runId: 'other',
        host: 'other-host',
        osPid: 7,
        backendPid: 70,
        sessionStart: '2026-12-01 09:00:00',
        dbUser: 'deployer',
        ttlSeconds: expiresInSeconds,
      });
    };
    const lockWith = (lease: MemoryLease, probe: SessionProbe) =>
      new DeployLock(lease, {
        runId: 'me',
        dbUser: 'deployer',
        timeoutMs: 300,
        ttlSeconds: 60,
        logger: silentLogger,
        probe,
        sleep: () => new Promise((r) => setImmediate(r)),
      });

    for (const [state, expiresIn, outcome] of [
      ['gone', -1, 'taken over'],
      ['gone', 30, 'waits'],
      ['alive', -1, 'waits'],
      ['unknown', -1, 'waits'],
      [new Error('permission denied for relation stv_sessions'), -1, 'waits'],
    ] as const) {
      it(`a lease ${expiresIn < 0 ? 'that expired' : 'being renewed'} whose session probe says ${state instanceof Error ? 'nothing (it failed)' : state}: ${outcome}`, async () => {
        const lease = new MemoryLease(clock);
        await holdBy(lease, expiresIn);
        const attempt = lockWith(lease, probeSaying(state)).acquire(session);
        if (outcome === 'taken over') {
          await attempt;
          expect(lease.read()?.runId).to.equal('me');
        } else {
          expect(await caught(attempt)).to.be.instanceOf(LockTimeoutError);
          expect(lease.read()?.runId).to.equal('other');
        }
      });
    }
  });

  it('is renewed while a migration outlives its TTL, so a second runner waits instead of taking over', async () => {
    const p = new TempProject();
    try {
      p.migration('V1__long.sql', 'long work');
      const history = new MemorySchemaHistory();
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let running = false;
      // PostgreSQL's probe on a warehouse that lists no sessions: every holder's session looks gone,
      // so only an unexpired lease can stop a takeover.
      const warehouse = new MemoryWarehouse(history, {
        dialect: new PostgresDialect(false, false),
        onStatement: async (sql) => {
          if (sql !== 'long work') return;
          running = true;
          await released;
        },
      });
      const migrations = await discoverMigrations(p.migrationsDir);
      const runner = (runId: string, lockTimeoutMs: number) =>
        new Migrator({
          warehouse,
          history,
          migrations,
          project: { migrationsDir: p.migrationsDir, historySchema: 'h', historyTable: 'history', lockTable: 'lock' },
          env: { lockTimeoutMs, name: 'test' },
          runId,
          logger: silentLogger,
          leaseTtlSeconds: 0.3,
        });
      const first = runner('first', 1000).migrate();
      await until('the migration runs', () => running);
      const acquired = Date.parse(history.lease.read()?.acquiredAt ?? '');
      await until('the lease outlived its TTL three times over', () => Date.now() - acquired > 900);
      expect(history.lease.read()).to.include({ runId: 'first', expired: false });
      expect(await caught(runner('second', 200).migrate())).to.be.instanceOf(LockTimeoutError);
      release();
      expect((await first).applied).to.equal(1);
      expect(warehouse.committed.filter((sql) => sql === 'long work')).to.have.length(1);
      expect(history.lease.read()).to.equal(undefined);
    } finally {
      p.remove();
    }
  });
});

describeEachEngine(
  'deployment lease on a server',
  (db) => {
    it('a non-transactional migration that outlives lock_ttl keeps the lease; a second runner waits and nothing runs twice', async () => {
      const p = new TempProject();
      const blocker = await db.client();
      try {
        p.migration('V1__schema.sql', 'create schema leased;\ncreate table leased.t (a int);');
        // The migration blocks on an advisory lock the test holds (test data: rsrun itself never uses one).
        p.migration(
          'V2__maintenance.sql',
          '-- rsrun:no-transaction\ninsert into leased.t values (1);\nselect pg_advisory_lock(4242);\nselect pg_advisory_unlock(4242);\ninsert into leased.t values (2);',
        );
        await blocker.query('select pg_advisory_lock(4242)');
        const options = (runId: string, lockTimeoutMs: number) => ({
          warehouse: db.warehouse(),
          project: { migrationsDir: p.migrationsDir, historySchema: 'leased_h', historyTable: 'rsrun_history', lockTable: 'rsrun_lock' },
          env: { lockTimeoutMs, name: 'test' },
          runId,
          logger: silentLogger,
          leaseTtlSeconds: 1,
        });
        const first = new Migrator(options('first', 5000)).migrate();
        const c = await db.client();
        // 0 until the first runner has created the lock table and claimed the lease.
        const ageMs = async () =>
          c.query(`select extract(epoch from now() - acquired_at) * 1000 as ms from leased_h.rsrun_lock where run_id = 'first'`).then(
            (r) => Number(r.rows[0]?.ms ?? 0),
            () => 0,
          );
        await until('the lease is older than three TTLs', async () => (await ageMs()) > 3000);
        const lease = (await c.query(`select expires_at > now() as live, host from leased_h.rsrun_lock`)).rows[0];
        expect(lease).to.deep.equal({ live: true, host: hostname() });
        const second = (await caught(new Migrator(options('second', 1500)).migrate())) as LockTimeoutError;
        expect(second).to.be.instanceOf(LockTimeoutError);
        expect(second.message).to.contain('its lease is being renewed');
        await blocker.query('select pg_advisory_unlock(4242)');
        expect((await first).applied).to.equal(2);
        expect((await c.query('select a from leased.t order by a')).rows.map((r: { a: number }) => r.a)).to.deep.equal([1, 2]);
      } finally {
        await blocker.query('select pg_advisory_unlock_all()').catch(() => undefined);
        p.remove();
      }
    });
  },
  ['postgres'],
);
