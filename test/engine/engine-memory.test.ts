/**
 * The engine's command logic on the in-memory schema history and a warehouse that knows only
 * transactions: ordering, batching, partial results, events, timing, the lease. Milliseconds per
 * test; the SQL behaviour itself is covered on real engines by migrator.test.ts.
 */
import { expect } from 'chai';
import { ConnectionError, ExitCode, MigrationError } from '../../runner/errors';
import { Migrator, partialResultOf } from '../../runner/engine/migrator';
import { PostgresDialect } from '../../runner/dialects/postgres/postgres-dialect';
import { RunEventBus, type MigrationOutcome } from '../../runner/events';
import { silentLogger } from '../../runner/logging/logger';
import { discoverMigrations } from '../../runner/migrations/discover';
import { MemorySchemaHistory, MemoryWarehouse, serverError, type MemoryWarehouseOptions } from '../support/memory-warehouse';
import { TempProject } from '../support/project';

interface Rig {
  history: MemorySchemaHistory;
  warehouse: MemoryWarehouse;
  events: RunEventBus;
  finished: MigrationOutcome[];
  migrator: (extra?: { maxBatchBytes?: number; leaseTtlSeconds?: number }) => Promise<Migrator>;
}

let run = 0;
function rig(p: TempProject, options: MemoryWarehouseOptions = {}, clock: () => number = Date.now): Rig {
  const history = new MemorySchemaHistory(clock);
  const warehouse = new MemoryWarehouse(history, options);
  const events = new RunEventBus();
  const finished: MigrationOutcome[] = [];
  events.on('migration:finish', (o) => finished.push(o));
  return {
    history,
    warehouse,
    events,
    finished,
    migrator: async (extra = {}) =>
      new Migrator({
        warehouse,
        history,
        project: { migrationsDir: p.migrationsDir, historySchema: 'h', historyTable: 'history', lockTable: 'lock' },
        env: { lockTimeoutMs: 1000, name: 'test' },
        runId: `memory-${++run}`,
        logger: silentLogger,
        events,
        migrations: await discoverMigrations(p.migrationsDir),
        ...extra,
      }),
  };
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (err: unknown) => err,
  );
}

describe('migration engine on the in-memory history', () => {
  let p: TempProject;
  beforeEach(() => (p = new TempProject()));
  afterEach(() => p.remove());

  it('applies pending migrations in order in one round trip, each recorded with its own row', async () => {
    for (const v of [1, 2, 3]) p.migration(`V${v}__m${v}.sql`, `create table t${v}`);
    p.migration('R__view.sql', 'create view v');
    const r = rig(p);
    const result = await (await r.migrator()).migrate();
    expect(result.applied).to.equal(4);
    expect(r.warehouse.committed).to.deep.equal(['create table t1', 'create table t2', 'create table t3', 'create view v']);
    expect(r.history.rows.map((x) => [x.installedRank, x.script, x.success])).to.deep.equal([
      [1, 'V1__m1.sql', true],
      [2, 'V2__m2.sql', true],
      [3, 'V3__m3.sql', true],
      [4, 'R__view.sql', true],
    ]);
    expect(r.warehouse.batches.filter((b) => b.includes('create table')).length).to.equal(1);
    expect((await (await r.migrator()).migrate()).applied).to.equal(0);
  });

  it('a failing migration carries the partial result, and every outcome is an event, not-run ones included', async () => {
    for (const v of [1, 2, 3, 4]) p.migration(`V${v}__m${v}.sql`, v === 3 ? 'create table ok3;\nboom' : `create table t${v}`);
    const r = rig(p, {
      onStatement: (sql) =>
        void (sql === 'boom'
          ? (() => {
              throw serverError('division by zero', '22012', 1);
            })()
          : undefined),
    });
    const err = await caught((await r.migrator()).migrate());
    expect(err).to.be.instanceOf(MigrationError);
    expect((err as MigrationError).line).to.equal(2);
    expect((err as MigrationError).message).to.contain('V3__m3.sql: statement 2 of 2 failed: division by zero');
    const statuses = (partialResultOf(err)?.outcomes ?? []).map((o) => [o.migration.script, o.status]);
    expect(statuses).to.deep.equal([
      ['V1__m1.sql', 'applied'],
      ['V2__m2.sql', 'applied'],
      ['V3__m3.sql', 'failed'],
      ['V4__m4.sql', 'not-run'],
    ]);
    expect(r.finished.map((o) => [o.migration.script, o.status])).to.deep.equal(statuses);
    expect(r.history.rows.map((x) => x.script)).to.deep.equal(['V1__m1.sql', 'V2__m2.sql']);
    expect(r.warehouse.committed).to.not.include('create table ok3');
  });

  it('blames a parse error in a later migration of a round trip on that migration and line, committing the ones before it', async () => {
    for (const v of [1, 2, 3, 4]) p.migration(`V${v}__m${v}.sql`, v === 3 ? 'create table t3;\n\nselect from where' : `create table t${v}`);
    // PostgreSQL parses a whole multi-statement message first: nothing of it runs.
    const parseError = (sql: string) =>
      sql === 'select from where' ? { message: 'syntax error at or near "where"', code: '42601', position: 13 } : undefined;
    const r = rig(p, { parseError });
    const err = (await caught((await r.migrator()).migrate())) as MigrationError;
    expect(err).to.be.instanceOf(MigrationError);
    expect(err.file).to.match(/V3__m3\.sql$/);
    expect(err.line).to.equal(3);
    expect(err.column).to.equal(13);
    expect(err.message).to.contain('V3__m3.sql: statement 2 of 2 failed: syntax error');
    expect(r.warehouse.committed).to.deep.equal(['create table t1', 'create table t2']);
    expect((partialResultOf(err)?.outcomes ?? []).map((o) => o.status)).to.deep.equal(['applied', 'applied', 'failed', 'not-run']);
  });

  it('retries from the migration Redshift cancelled with error 1023, applying each migration once', async () => {
    for (const v of [1, 2, 3]) p.migration(`V${v}__m${v}.sql`, `create table t${v}`);
    let cancelled = 0;
    const r = rig(p, {
      onStatement: (sql) => {
        if (sql === 'create table t2' && cancelled++ === 0)
          throw serverError('1023 Serializable isolation violation on table - 1, transactions forming the cycle are: 1, 2', 'XX000');
      },
    });
    const result = await (await r.migrator()).migrate();
    expect(cancelled).to.equal(2);
    expect(result.applied).to.equal(3);
    expect(r.warehouse.committed).to.deep.equal(['create table t1', 'create table t2', 'create table t3']);
  });

  it('records each migration of a round trip with its own duration', async () => {
    let now = 1_000_000;
    for (const v of [1, 2, 3]) p.migration(`V${v}__m${v}.sql`, `work ${v * 100}`);
    const r = rig(p, { onStatement: (sql) => void (now += Number(sql.split(' ')[1])) }, () => now);
    const result = await (await r.migrator()).migrate();
    expect(r.history.rows.map((x) => x.executionMs)).to.deep.equal([100, 200, 300]);
    expect(result.outcomes.map((o) => o.durationMs)).to.deep.equal([100, 200, 300]);
  });

  it('cuts round trips by bytes, not characters', async () => {
    const body = (c: string) => `insert ${c.repeat(300)}`;
    p.migration('V1__ascii.sql', body('a'));
    p.migration('V2__ascii.sql', body('a'));
    p.migration('V3__accents.sql', body('é'));
    p.migration('V4__accents.sql', body('é'));
    const r = rig(p);
    // Two ASCII migrations fit (2 x ~310 bytes + history statements); two of 600-byte 'é' do not.
    await (await r.migrator({ maxBatchBytes: 1400 })).migrate();
    const sent = r.warehouse.batches.filter((b) => b.includes('insert ')).map((b) => b.match(/^insert /gm)?.length);
    expect(sent).to.deep.equal([2, 1, 1]);
  });

  it('keeps round trips to an engine in this process (the embedded warehouse) to 1 MB, not 8 MB', async () => {
    // Three migrations of ~600 KB each: one 8 MB round trip to a server, one each in-process.
    for (const v of [1, 2, 3])
      p.migration(`V${v}__rows.sql`, Array.from({ length: 6000 }, (_, i) => `insert ${v} ${'x'.repeat(90)} ${i}`).join(';\n'));
    const count = async (embedded: boolean) => {
      const r = rig(p, { dialect: new PostgresDialect(true, embedded) });
      await (await r.migrator()).migrate();
      return r.warehouse.batches.filter((b) => b.includes('insert ')).length;
    };
    expect(await count(false)).to.equal(1);
    expect(await count(true)).to.equal(3);
  });

  it('sends a migration larger than a round trip in several, and repeats them all from the first after a 1023', async () => {
    p.migration('V1__big.sql', ['a', 'b', 'c', 'd', 'e'].map((c) => `insert ${c.repeat(300)}`).join(';\n'));
    let failures = 0;
    const r = rig(p, {
      onStatement: (sql) => {
        if (sql.startsWith('insert d') && failures++ === 0) throw serverError('1023 Serializable isolation violation on table', 'XX000');
      },
    });
    // About two statements per round trip: three round trips, the failure in the second.
    await (await r.migrator({ maxBatchBytes: 700 })).migrate();
    const sent = r.warehouse.batches.filter((b) => b.includes('insert ')).map((b) => (b.match(/^insert ./gm) ?? []).join(','));
    expect(sent).to.deep.equal(['insert a,insert b', 'insert c,insert d', 'insert a,insert b', 'insert c,insert d', 'insert e']);
    expect(r.history.rows.map((x) => [x.version, x.success])).to.deep.equal([['1', true]]);
  });

  it('a failed undo emits its finish event, with the rest not run', async () => {
    p.migration('V1__a.sql', 'create table a');
    p.migration('V2__b.sql', 'create table b');
    p.migration('U1__a.sql', 'drop table a');
    p.migration('U2__b.sql', 'undo boom');
    const r = rig(p, {
      onStatement: (sql) =>
        void (sql === 'undo boom'
          ? (() => {
              throw serverError('table b is in use', '55006');
            })()
          : undefined),
    });
    await (await r.migrator()).migrate();
    r.finished.length = 0;
    const err = await caught((await r.migrator()).undo('0'));
    expect(err).to.be.instanceOf(MigrationError);
    expect(r.finished.map((o) => [o.migration.script, o.status])).to.deep.equal([
      ['U2__b.sql', 'failed'],
      ['U1__a.sql', 'not-run'],
    ]);
  });

  it('a connection dropped mid-deploy is exit 5 saying a re-run resumes, with the partial result', async () => {
    for (const v of [1, 2]) p.migration(`V${v}__m${v}.sql`, `create table t${v}`);
    p.migration('V3__maintenance.sql', '-- rsrun:no-transaction\ncreate table t3;\nvacuum t3');
    let r: Rig | undefined = undefined;
    r = rig(p, {
      onStatement: (sql) => {
        if (sql === 'vacuum t3' && r) {
          r.warehouse.dropped = true;
          throw new Error('Connection terminated unexpectedly');
        }
      },
    });
    const err = (await caught((await r.migrator()).migrate())) as ConnectionError;
    expect(err).to.be.instanceOf(ConnectionError);
    expect(err.exitCode).to.equal(ExitCode.ConnectionFailed);
    expect(err.describe())
      .to.contain('connection to memory://tester@test/dev lost: Connection terminated unexpectedly')
      .and.to.contain('a re-run resumes');
    expect((partialResultOf(err)?.outcomes ?? []).map((o) => o.status)).to.deep.equal(['applied', 'applied', 'failed']);
  });
});
