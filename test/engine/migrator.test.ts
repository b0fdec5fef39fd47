import { expect } from 'chai';
import { appendFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { ExitCode, InputError, LockTimeoutError, MigrationError, ValidationError } from '../../runner/errors';
import { Migrator } from '../../runner/engine/migrator';
import { STREAM_THRESHOLD_BYTES } from '../../runner/migrations/discover';
import { silentLogger } from '../../runner/logging/logger';
import { describeEachEngine } from '../support/engines';
import { TempProject } from '../support/project';
import { countingWarehouse } from '../support/counting-warehouse';
import type { SqlPieces, Warehouse } from '../../runner/warehouse/warehouse';
import { joinedSql } from '../support/sql-pieces';

// Above Linux's largest pid_max (2^22): no process and no backend has it.
const DEAD_PID = 4_194_305;

let runSeq = 0;
function migratorOptions(project: TempProject, schema: string, lockTimeoutMs = 20_000) {
  runSeq++;
  return {
    project: { migrationsDir: project.migrationsDir, historySchema: schema, historyTable: 'rsrun_history', lockTable: 'rsrun_lock' },
    env: { lockTimeoutMs, name: 'test' },
    runId: `run-${process.pid}-${runSeq}-${Date.now()}`,
    logger: silentLogger,
  };
}

function migratorOn(warehouse: Warehouse, project: TempProject, schema: string, lockTimeoutMs = 20_000): Migrator {
  return new Migrator({ ...migratorOptions(project, schema, lockTimeoutMs), warehouse });
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describeEachEngine('migration engine', (db) => {
  let n = 0;
  let shared: Warehouse | undefined;
  // One pool for the block; the race test opens its own two.
  const wh = () => (shared ??= db.warehouse());
  // Each test gets its own app schema and history schema inside the block's fresh database.
  const fresh = () => {
    n++;
    return { app: `app${n}`, hist: `hist${n}` };
  };

  it('applies versions in numeric order, then repeatables, and records each with its history row', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    p.migration('V2__last.sql', `insert into ${app}.log values ('2');`);
    p.migration('V1.1__fourth.sql', `insert into ${app}.log values ('1.1');`);
    p.migration('V1.0.2__third.sql', `insert into ${app}.log values ('1.0.2');`);
    p.migration('sub/V1.0.1__second.sql', `insert into ${app}.log values ('1.0.1');`);
    p.migration('V1.0__first.sql', `create schema ${app};\ncreate table ${app}.log (v varchar(20), at timestamp default now());`);
    p.migration('R__view.sql', `create or replace view ${app}.log_view as select v from ${app}.log;`);
    const m = migratorOn(wh(), p, hist);
    const result = await m.migrate();
    expect(result.applied).to.equal(6);
    const c = await db.client();
    const rows = (await c.query(`select v from ${app}.log order by at, v`)).rows.map((r) => r.v);
    expect(rows).to.deep.equal(['1.0.1', '1.0.2', '1.1', '2']);
    const hist1 = (
      await c.query(
        `select installed_rank, version, type, script, success, statements_done from ${hist}.rsrun_history order by installed_rank`,
      )
    ).rows;
    expect(hist1.map((r) => [r.installed_rank, r.version, r.type, r.success])).to.deep.equal([
      [1, '1.0', 'versioned', true],
      [2, '1.0.1', 'versioned', true],
      [3, '1.0.2', 'versioned', true],
      [4, '1.1', 'versioned', true],
      [5, '2', 'versioned', true],
      [6, null, 'repeatable', true],
    ]);
    expect(hist1[1].script).to.equal('sub/V1.0.1__second.sql');
    // Nothing pending afterwards; a second migrate applies nothing.
    expect((await migratorOn(wh(), p, hist).migrate()).applied).to.equal(0);
    // A changed repeatable is re-applied, after the versioned ones.
    p.migration('R__view.sql', `create or replace view ${app}.log_view as select v, at from ${app}.log;`);
    p.migration('V3__more.sql', `insert into ${app}.log values ('3');`);
    const again = await migratorOn(wh(), p, hist).migrate();
    expect(again.outcomes.map((o) => [o.migration.kind, o.status])).to.deep.equal([
      ['versioned', 'applied'],
      ['repeatable', 'applied'],
    ]);
    p.remove();
  });

  it('sends consecutive transactional migrations together: round trips do not grow with statements or migrations', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    p.migration('V1__schema.sql', `create schema ${app};`);
    for (let i = 2; i <= 21; i++) {
      const stmts = Array.from(
        { length: 1 + (i % 5) },
        (_, k) => `create table ${app}.t${i}_${k} (a int);\ninsert into ${app}.t${i}_${k} values (${k})`,
      ).join(';\n');
      p.migration(`V${i}__tables.sql`, stmts + ';');
    }
    const { warehouse, counter } = countingWarehouse(wh());
    const m = migratorOn(warehouse, p, hist);
    const result = await m.migrate();
    expect(result.applied).to.equal(21);
    const c = await db.client();
    expect((await c.query(`select count(*)::int as n from ${hist}.rsrun_history where success`)).rows[0].n).to.equal(21);
    const batches = counter.batches.filter((b) => b.includes(`${app}.t`));
    expect(batches.length).to.equal(1);
    // Each migration still has its own transaction with its history row.
    expect((batches[0] as string).match(/^COMMIT;$/gm)?.length).to.equal(21);
    // Fixed overhead (connect, ensure, lock, history, staging, release) stays small.
    expect(counter.roundTrips).to.be.at.most(16);
    p.remove();
  });

  it('rolls a failing migration back whole, names file, statement and line, and runs nothing after it', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    p.migration('V1__ok.sql', `create schema ${app};`);
    p.migration(
      'V2__broken.sql',
      [
        `create table ${app}.a (x int);`,
        `insert into ${app}.a values (1);`,
        `insert into ${app}.a values (1/0);`,
        `create table ${app}.b (x int);`,
        `insert into ${app}.b values (2);`,
      ].join('\n'),
    );
    p.migration('V3__after.sql', `create table ${app}.c (x int);`);
    const err = await caught(migratorOn(wh(), p, hist).migrate());
    expect(err).to.be.instanceOf(MigrationError);
    const e = err as MigrationError;
    expect(e.exitCode).to.equal(ExitCode.DeployFailed);
    expect(e.file).to.match(/V2__broken\.sql$/);
    expect(e.statementIndex).to.equal(2);
    expect(e.line).to.equal(3);
    expect(e.message).to.contain('statement 3 of 5').and.to.contain('division by zero');
    const c = await db.client();
    const tables = (await c.query(`select table_name from information_schema.tables where table_schema = $1 order by 1`, [app])).rows.map(
      (r) => r.table_name,
    );
    expect(tables).to.deep.equal([]);
    const versions = (await c.query(`select version from ${hist}.rsrun_history order by installed_rank`)).rows.map((r) => r.version);
    expect(versions).to.deep.equal(['1']);
    // The lock was released: the next run proceeds (and fails the same way).
    expect(await caught(migratorOn(wh(), p, hist, 2000).migrate())).to.be.instanceOf(MigrationError);
    p.remove();
  });

  it('points at the line of a syntax error inside a multi-line statement', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    p.migration('V1__syntax.sql', `create schema ${app};\n\ncreate table ${app}.t (\n  a int,\n  b intt\n);`);
    const e = (await caught(migratorOn(wh(), p, hist).migrate())) as MigrationError;
    expect(e).to.be.instanceOf(MigrationError);
    expect(e.line).to.equal(5);
    expect(e.message)
      .to.contain('statement 2 of 2')
      .and.to.match(/\|\s+\^/);
  });

  it('blames a syntax error in a later migration of a round trip on its file and line, and commits the ones before it', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    p.migration('V1__schema.sql', `create schema ${app};`);
    p.migration('V2__table.sql', `create table ${app}.t (a int);`);
    p.migration('V3__broken.sql', `insert into ${app}.t values (1);\n\ninsert into ${app}.t values (1 2);`);
    p.migration('V4__after.sql', `insert into ${app}.t values (4);`);
    const e = (await caught(migratorOn(wh(), p, hist).migrate())) as MigrationError;
    expect(e).to.be.instanceOf(MigrationError);
    expect(e.file).to.match(/V3__broken\.sql$/);
    expect(e.line).to.equal(3);
    expect(e.message).to.contain('V3__broken.sql: statement 2 of 2 failed: syntax error at or near "2"');
    const c = await db.client();
    const versions = (await c.query(`select version from ${hist}.rsrun_history order by installed_rank`)).rows.map((r) => r.version);
    expect(versions).to.deep.equal(['1', '2']);
    expect((await c.query(`select count(*)::int as n from ${app}.t`)).rows[0].n).to.equal(0);
  });

  // Above STREAM_THRESHOLD_BYTES, a migration's statements are read back from its file (FileStatements).
  const filler = (bytes: number) =>
    `${'-- filler line of a migration larger than the streaming threshold\n'.repeat(Math.ceil(bytes / 66))}`;

  it('blames a failing statement deep in a migration read from its file on its line and column', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    const head = `create schema ${app};\ncreate table ${app}.t (a int);\n${filler(STREAM_THRESHOLD_BYTES + 1024)}`;
    const line = head.split('\n').length + 2;
    p.migration('V1__big.sql', `${head}insert into ${app}.t values (1);\ninsert into ${app}.t\n  values (1 2);\n`);
    const e = (await caught(migratorOn(wh(), p, hist).migrate())) as MigrationError;
    expect(e).to.be.instanceOf(MigrationError);
    expect([e.file, e.line, e.column, e.statementIndex]).to.deep.equal([p.migrationsDir + '/V1__big.sql', line, 13, 3]);
    expect(e.message)
      .to.contain('V1__big.sql: statement 4 of 4 failed: syntax error at or near "2"')
      .and.to.contain(`${line} |   values (1 2)`);
    const c = await db.client();
    expect((await c.query(`select count(*)::int as n from information_schema.schemata where schema_name = $1`, [app])).rows[0].n).to.equal(
      0,
    );
  });

  it('rolls back a migration read from its file when the file is edited while it is applied', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    const half = filler(STREAM_THRESHOLD_BYTES / 2 + 1024);
    p.migration('V1__schema.sql', `create schema ${app};`);
    const file = p.migration(
      'V2__big.sql',
      `create table ${app}.t0 (a int);\n${half}create table ${app}.t1 (a int);\n${half}insert into ${app}.t0 values (1);\n`,
    );
    // Edits the file once the first cut (BEGIN, create table t0) has gone: the next cut must not be read from it.
    const inner = wh();
    const editing: Warehouse = Object.create(inner) as Warehouse;
    editing.acquire = async () => {
      const s = await inner.acquire();
      const batch = s.batch.bind(s);
      return Object.assign(Object.create(s) as typeof s, {
        batch: async (sql: SqlPieces) => {
          const r = await batch(sql);
          if (joinedSql(sql).includes(`create table ${app}.t0`)) appendFileSync(file, '-- edited\n');
          return r;
        },
      });
    };
    const m = new Migrator({ ...migratorOptions(p, hist), warehouse: editing, maxBatchBytes: 1 });
    const e = await caught(m.migrate());
    expect(e).to.be.instanceOf(InputError);
    expect((e as InputError).message).to.contain('changed after rsrun read and checksummed it');
    const c = await db.client();
    expect((await c.query(`select count(*)::int as n from information_schema.tables where table_schema = $1`, [app])).rows[0].n).to.equal(
      0,
    );
    const versions = (await c.query(`select version from ${hist}.rsrun_history where success order by installed_rank`)).rows.map(
      (r) => r.version,
    );
    expect(versions).to.deep.equal(['1']);
    p.remove();
  });

  it('applies a statement whose last line is a -- comment before the closing ; (AdminViews v_view_dependency)', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    p.migration('V1__schema.sql', `create schema ${app};`);
    // The shape of awslabs/amazon-redshift-utils src/AdminViews/v_view_dependency.sql: CRLF, and
    // a line comment on the last line before the terminating semicolon.
    p.migration(
      'V2__v_view_dependency.sql',
      [
        `CREATE OR REPLACE VIEW ${app}.v_view_dependency`,
        'AS',
        'SELECT DISTINCT tgtobj.relname AS dependent_objectname',
        'FROM pg_catalog.pg_class AS tgtobj',
        "WHERE tgtobj.relkind = 'v' --i=index, v=view, s=sequence",
        ';',
        '',
      ].join('\r\n'),
    );
    p.migration('V3__after.sql', `create table ${app}.after (a int); -- trailing comment`);
    const r = await migratorOn(wh(), p, hist).migrate();
    expect(r.applied).to.equal(3);
    const c = await db.client();
    expect(
      (await c.query(`select count(*)::int as n from ${app}.v_view_dependency where dependent_objectname = 'v_view_dependency'`)).rows[0].n,
    ).to.equal(1);
  });

  it('records each migration of a round trip with its own duration and start time', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    p.migration('V1__slow.sql', `create schema ${app};\nselect pg_sleep(1);`);
    p.migration('V2__fast.sql', `create table ${app}.t (a int);`);
    const r = await migratorOn(wh(), p, hist).migrate();
    const c = await db.client();
    const rows = (await c.query(`select execution_ms, installed_on from ${hist}.rsrun_history order by installed_rank`)).rows;
    const [v1, v2] = rows.map((x) => ({ ms: x.execution_ms as number, start: (x.installed_on as Date).getTime() }));
    expect(v1?.ms).to.be.at.least(990);
    // V2 started when V1 ended, and the two clocks agree (read one statement apart, so a loaded
    // machine may add a little). Before: both had the round trip's start time, and V2 the round
    // trip's cumulative duration.
    expect((v2?.start ?? 0) - (v1?.start ?? 0)).to.be.at.least(990);
    expect(Math.abs((v1?.start ?? 0) + (v1?.ms ?? 0) - (v2?.start ?? 0))).to.be.below(300);
    expect(r.outcomes.map((o) => o.durationMs)).to.deep.equal(rows.map((x) => x.execution_ms));
  });

  it('stops before running anything when an applied migration was edited, naming the file', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    p.migration('V1__a.sql', `create schema ${app};`);
    await migratorOn(wh(), p, hist).migrate();
    p.migration('V1__a.sql', `create schema ${app}; -- edited`);
    p.migration('V2__b.sql', `create table ${app}.b (x int);`);
    const e = (await caught(migratorOn(wh(), p, hist).migrate())) as ValidationError;
    expect(e).to.be.instanceOf(ValidationError);
    expect(e.exitCode).to.equal(ExitCode.BadInput);
    expect(e.describe()).to.contain('V1__a.sql was edited after it was applied');
    const c = await db.client();
    expect((await c.query(`select count(*)::int as n from information_schema.tables where table_schema = $1`, [app])).rows[0].n).to.equal(
      0,
    );
    // repair realigns the checksum; then V2 applies.
    const repaired = await migratorOn(wh(), p, hist).repair();
    expect(repaired.realigned).to.deep.equal(['V1__a.sql']);
    expect((await migratorOn(wh(), p, hist).migrate()).applied).to.equal(1);
  });

  it('runs statements that refuse a transaction outside one, recording progress, and resumes after a failure', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    p.migration('V1__schema.sql', `create schema ${app};\ncreate table ${app}.t (a int);`);
    p.migration(
      'V2__maintenance.sql',
      `insert into ${app}.t values (1);\nvacuum ${app}.t;\ninsert into ${app}.t values (2);\ninsert into ${app}.missing values (3);`,
    );
    const m = migratorOn(wh(), p, hist);
    expect((await m.plan()).items.map((i) => i.transactional)).to.deep.equal([true, false]);
    const e = (await caught(m.migrate())) as MigrationError;
    expect(e).to.be.instanceOf(MigrationError);
    // Statement 3 shared a transaction with the failing statement 4, so it rolled back with it.
    expect(e.message).to.contain('statements 1-2 stay applied').and.to.contain('resumes at statement 3');
    const c = await db.client();
    const row = (await c.query(`select success, statements_done from ${hist}.rsrun_history where version = '2'`)).rows[0];
    expect(row).to.deep.equal({ success: false, statements_done: 2 });
    // Fix the last statement; the re-run resumes at statement 3 and does not repeat 1-2.
    p.migration(
      'V2__maintenance.sql',
      `insert into ${app}.t values (1);\nvacuum ${app}.t;\ninsert into ${app}.t values (2);\ninsert into ${app}.t values (3);`,
    );
    const r = await migratorOn(wh(), p, hist).migrate();
    expect(r.applied).to.equal(1);
    expect((await c.query(`select a from ${app}.t order by a`)).rows.map((x) => x.a)).to.deep.equal([1, 2, 3]);
    const done = (await c.query(`select success, statements_done from ${hist}.rsrun_history where version = '2'`)).rows[0];
    expect(done).to.deep.equal({ success: true, statements_done: 4 });
  });

  it('undoes applied versions newest first with U scripts, then re-applies them', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    p.migration('V1__schema.sql', `create schema ${app};`);
    p.migration('V2__a.sql', `create table ${app}.a (x int);`);
    p.migration('U2__a.sql', `drop table ${app}.a;`);
    p.migration('V3__b.sql', `create table ${app}.b (x int);`);
    p.migration('U3__b.sql', `drop table ${app}.b;`);
    await migratorOn(wh(), p, hist).migrate();
    const undone = await migratorOn(wh(), p, hist).undo('1');
    expect(undone.outcomes.map((o) => o.migration.script)).to.deep.equal(['U3__b.sql', 'U2__a.sql']);
    const c = await db.client();
    expect((await c.query(`select count(*)::int as n from information_schema.tables where table_schema = $1`, [app])).rows[0].n).to.equal(
      0,
    );
    const state = await migratorOn(wh(), p, hist).state();
    expect(state.pending.map((x) => x.migration.version)).to.deep.equal(['2', '3']);
    expect((await migratorOn(wh(), p, hist).migrate()).applied).to.equal(2);
    // Without a U script for a version, undo refuses and changes nothing.
    p.migration('V4__c.sql', `create table ${app}.c (x int);`);
    await migratorOn(wh(), p, hist).migrate();
    expect(await caught(migratorOn(wh(), p, hist).undo('1'))).to.be.instanceOf(InputError);
    expect((await c.query(`select count(*)::int as n from information_schema.tables where table_schema = $1`, [app])).rows[0].n).to.equal(
      3,
    );
  });

  it('baselines an existing warehouse so older migrations do not run', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    p.migration('V1__schema.sql', `create schema ${app};`);
    p.migration('V2__a.sql', `create table ${app}.a (x int);`);
    p.migration('V3__b.sql', `create table ${app}.b (x int);`);
    const c = await db.client();
    await c.query(`create schema ${app}; create table ${app}.a (x int);`);
    await migratorOn(wh(), p, hist).baseline('2', '<< baseline >>');
    const r = await migratorOn(wh(), p, hist).migrate();
    expect(r.outcomes.map((o) => o.migration.version)).to.deep.equal(['3']);
    expect(await caught(migratorOn(wh(), p, hist).baseline('3', 'again'))).to.be.instanceOf(InputError);
  });

  it('applies the seed sample INI changeset layout section by section, in file order', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    p.migration(
      'changesets.ini',
      [
        '[DDL_v01]',
        `query0 = create schema ${app}`,
        `query1 = create table ${app}.t (a int, b varchar(10))`,
        '[DML_01]',
        `query0 = insert into ${app}.t values (1, 'x');`,
        `query1 = insert into ${app}.t values (2, 'y')`,
      ].join('\n'),
    );
    const r = await migratorOn(wh(), p, hist).migrate();
    expect(r.outcomes.map((o) => [o.migration.version, o.migration.script])).to.deep.equal([
      ['DDL_v01', 'changesets.ini#[DDL_v01]'],
      ['DML_01', 'changesets.ini#[DML_01]'],
    ]);
    // Appending a section later applies only the new one.
    p.migration(
      'changesets.ini',
      [
        '[DDL_v01]',
        `query0 = create schema ${app}`,
        `query1 = create table ${app}.t (a int, b varchar(10))`,
        '[DML_01]',
        `query0 = insert into ${app}.t values (1, 'x');`,
        `query1 = insert into ${app}.t values (2, 'y')`,
        '[DML_02]',
        `query0 = insert into ${app}.t values (3, 'z')`,
      ].join('\n'),
    );
    const r2 = await migratorOn(wh(), p, hist).migrate();
    expect(r2.outcomes.map((o) => o.migration.version)).to.deep.equal(['DML_02']);
    const c = await db.client();
    expect((await c.query(`select count(*)::int as n from ${app}.t`)).rows[0].n).to.equal(3);
  });

  it('lets two racing runners apply each migration exactly once', async function () {
    const { app, hist } = fresh();
    const p = new TempProject();
    p.migration('V1__schema.sql', `create schema ${app};\ncreate table ${app}.applied (v varchar(10));`);
    for (let i = 2; i <= 12; i++) p.migration(`V${i}__step.sql`, `insert into ${app}.applied values ('${i}');\nselect pg_sleep(0.02);`);
    const a = migratorOn(db.warehouse(), p, hist);
    const b = migratorOn(db.warehouse(), p, hist);
    const [ra, rb] = await Promise.all([a.migrate(), b.migrate()]);
    expect(ra.applied + rb.applied).to.equal(12);
    expect(Math.min(ra.applied, rb.applied)).to.equal(0);
    const c = await db.client();
    const counts = (await c.query(`select v, count(*)::int as n from ${app}.applied group by v`)).rows;
    expect(counts.length).to.equal(11);
    expect(counts.every((r) => r.n === 1)).to.equal(true);
    const hist2 = (await c.query(`select version, count(*)::int as n from ${hist}.rsrun_history group by version`)).rows;
    expect(hist2.every((r) => r.n === 1)).to.equal(true);
  });

  it('waits for a live holder until lock_timeout (exit 4, naming it), and takes over only a lease that expired and whose session is gone', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    p.migration('V1__schema.sql', `create schema ${app};`);
    await migratorOn(wh(), p, hist).migrate();
    const c = await db.client();
    // A live holder: on PostgreSQL this client's session (PID and start time), on the embedded
    // engine (no session probe: one backend) a live process of this host.
    const me = (
      await c.query('select pg_backend_pid() as pid, backend_start::text as start from pg_stat_activity where pid = pg_backend_pid()')
    ).rows[0];
    const live =
      db.engine === 'embedded'
        ? { host: hostname(), os_pid: process.pid, backend_pid: null, session_start: null }
        : { host: 'ci-host', os_pid: 1, backend_pid: me.pid, session_start: me.start };
    const lease = async (expiresIn: string, who: typeof live) =>
      c.query(
        `update ${hist}.rsrun_lock set owner = 'ci-host pid 1', run_id = 'other', host = $1, os_pid = $2, backend_pid = $3, session_start = $4, db_user = $5, acquired_at = now(), expires_at = now() + $6::interval where id = 1`,
        [who.host, who.os_pid, who.backend_pid, who.session_start, db.user, expiresIn],
      );
    await lease('1 hour', live);
    p.migration('V2__a.sql', `create table ${app}.a (x int);`);
    const e = (await caught(migratorOn(wh(), p, hist, 1500).migrate())) as LockTimeoutError;
    expect(e).to.be.instanceOf(LockTimeoutError);
    expect(e.exitCode).to.equal(ExitCode.LockTimeout);
    expect(e.message).to.contain('ci-host pid 1').and.to.contain('its lease is being renewed');
    // Expired, but its session is alive: a long migration whose renewals stalled is not taken over.
    await lease('-1 second', live);
    const alive = (await caught(migratorOn(wh(), p, hist, 1500).migrate())) as LockTimeoutError;
    expect(alive).to.be.instanceOf(LockTimeoutError);
    expect(alive.message).to.contain('its lease expired but its database session is still alive');
    // Expired and its session provably gone (a PID no session has; a process that no longer exists).
    const gone = db.engine === 'embedded' ? { ...live, os_pid: DEAD_PID } : { ...live, backend_pid: DEAD_PID };
    await lease('-1 second', gone);
    expect((await migratorOn(wh(), p, hist, 1500).migrate()).applied).to.equal(1);
    expect((await c.query(`select owner from ${hist}.rsrun_lock`)).rows).to.deep.equal([{ owner: null }]);
  });

  it('retries a migration Redshift cancelled with a serializable isolation violation (1023), applying it once', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    p.migration('V1__schema.sql', `create schema ${app};\ncreate table ${app}.t (a int);`);
    p.migration('V2__insert.sql', `insert into ${app}.t values (42);`);
    const { warehouse } = countingWarehouse(wh());
    // The first time V2's batch is sent, answer as Redshift does when it cancels the transaction.
    let failures = 0;
    const acquire = warehouse.acquire.bind(warehouse);
    warehouse.acquire = async () => {
      const s = await acquire();
      const batch = s.batch.bind(s);
      s.batch = async (sql: SqlPieces) => {
        if (joinedSql(sql).includes(`${app}.t values (42)`) && failures === 0) {
          failures++;
          await batch('BEGIN; ROLLBACK');
          throw Object.assign(new Error('1023'), {
            code: 'XX000',
            detail: 'Serializable isolation violation on table - 123, transactions forming the cycle are: 1, 2',
          });
        }
        return batch(sql);
      };
      return s;
    };
    const r = await migratorOn(warehouse, p, hist).migrate();
    expect(failures).to.equal(1);
    expect(r.applied).to.equal(2);
    const c = await db.client();
    expect((await c.query(`select a from ${app}.t`)).rows).to.deep.equal([{ a: 42 }]);
    expect((await c.query(`select count(*)::int as n from ${hist}.rsrun_history`)).rows[0].n).to.equal(2);
  });

  it('never applies a migration twice, even when another session recorded it after this run read the history', async () => {
    const { app, hist } = fresh();
    const p = new TempProject();
    p.migration('V1__schema.sql', `create schema ${app};\ncreate table ${app}.t (a int);`);
    await migratorOn(wh(), p, hist).migrate();
    p.migration('V2__insert.sql', `insert into ${app}.t values (2);`);
    p.migration('V3__insert.sql', `insert into ${app}.t values (3);`);
    // Between this run's history read and its batch, a zombie session of a killed runner commits V2.
    const { warehouse } = countingWarehouse(wh());
    const acquire = warehouse.acquire.bind(warehouse);
    warehouse.acquire = async () => {
      const s = await acquire();
      const batch = s.batch.bind(s);
      s.batch = async (sql: SqlPieces) => {
        if (joinedSql(sql).includes(`${app}.t values (2)`)) {
          const other = await db.client();
          await other.query(`insert into ${app}.t values (2)`);
          await other.query(
            `insert into ${hist}.rsrun_history select 99, '2', 'insert', 'versioned', 'V2__insert.sql', checksum, installed_by, now(), 1, true, 1, 'zombie' from ${hist}.rsrun_history where version = '1'`,
          );
        }
        return batch(sql);
      };
      return s;
    };
    const e = (await caught(migratorOn(warehouse, p, hist).migrate())) as MigrationError;
    expect(e).to.be.instanceOf(MigrationError);
    expect(e.message).to.contain('the history changed under this run: V2__insert.sql was recorded by another session (run zombie)');
    const c = await db.client();
    expect((await c.query(`select a from ${app}.t order by a`)).rows.map((r) => r.a)).to.deep.equal([2]);
  });
});
