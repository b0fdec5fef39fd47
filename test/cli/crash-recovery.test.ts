/**
 * A runner killed in the middle of a deploy (SIGKILL: no cleanup at all) leaves nothing that a
 * re-run cannot finish, and the re-run's schema and data equal a clean deploy's — on a PostgreSQL
 * server over TCP and on the embedded engine (whose process is the one killed).
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbedded } from '../../runner/warehouse/embedded';
import { runCli, startCli } from '../support/cli';
import { PG_URL, requirePostgres } from '../support/engines';
import { TempProject } from '../support/project';

function writeProject(p: TempProject, envSection: string): void {
  // A short lease: the re-run takes over the killed run's lease once it expires (its session is gone).
  p.write('rsrun.ini', `[project]\nname = crash\nlock_ttl = 2s\n\n${envSection}\n`);
  p.migration('V1__schema.sql', 'create schema shop;\ncreate table shop.events (id int, note varchar(40));');
  for (let i = 2; i <= 7; i++) {
    p.migration(
      `V${i}__step.sql`,
      `insert into shop.events values (${i}, 'step ${i}');\ncreate table shop.t${i} (a int);\nselect pg_sleep(0.4);`,
    );
  }
  // Outside a transaction: progress is recorded statement group by statement group.
  p.migration(
    'V8__maintenance.sql',
    `-- rsrun:no-transaction\ninsert into shop.events values (8, 'before vacuum');\nselect pg_sleep(0.4);\nvacuum shop.events;\ninsert into shop.events values (9, 'after vacuum');`,
  );
  for (let i = 10; i <= 12; i++) p.migration(`V${i}__late.sql`, `insert into shop.events values (${i}, 'late');\nselect pg_sleep(0.3);`);
  p.migration('R__view.sql', 'create or replace view shop.event_count as select count(*) as n from shop.events;');
}

const SNAPSHOT_SQL = [
  `select table_name, column_name, data_type from information_schema.columns where table_schema = 'shop' order by 1, 2`,
  `select id, note from shop.events order by id, note`,
  `select version, type, success, statements_done from rsrun.rsrun_history order by installed_rank`,
];

async function snapshot(client: pg.Client): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const sql of SNAPSHOT_SQL) out.push((await client.query(sql)).rows);
  return out;
}

/** Starts a deploy and kills it with SIGKILL once `ready` says enough has been applied. */
async function killMidway(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  ready: (stderr: string) => boolean,
  delayMs: number,
): Promise<void> {
  const { child, done } = startCli(args, { cwd, env: { ...env, RSRUN_LOG_FORMAT: 'json' } });
  let stderr = '';
  let armed = false;
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!armed && ready(stderr)) {
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), delayMs);
    }
  });
  const r = await done;
  expect(r.signal, `the run finished before it could be killed:\n${r.stderr}`).to.equal('SIGKILL');
}

describe('crash recovery [postgres]', function () {
  this.timeout(180_000);
  let admin: pg.Client;
  const dbs: string[] = [];

  before(async function () {
    await requirePostgres(this);
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
  });
  after(async () => {
    for (const d of dbs) await admin?.query(`drop database if exists ${d} with (force)`).catch(() => undefined);
    await admin?.end();
  });

  async function freshProject(): Promise<{ p: TempProject; db: string }> {
    const db = `rsrun_crash_${randomBytes(4).toString('hex')}`;
    await admin.query(`create database ${db}`);
    dbs.push(db);
    const url = new URL(PG_URL);
    const p = new TempProject('rsrun-crash-');
    writeProject(
      p,
      `[env.pg]\nengine = postgres\nhost = ${url.hostname}\nport = ${url.port || 5432}\ndatabase = ${db}\nuser = ${decodeURIComponent(url.username)}\npassword = \${CRASH_PG_PASSWORD}\nlock_timeout = 20s\n# pg_sleep paces the run; Redshift has no sleep function, so emulation would refuse it (RS019).\nemulate_redshift = false`,
    );
    return { p, db };
  }

  // V2-V7 travel in one round trip, each sleeping 0.4 s on the server: 1 s after they are sent,
  // V2 and V3 are committed and V4 is half done. V8 runs outside a transaction, statement by statement.
  for (const [when, ready, delayMs] of [
    ['inside a round trip of transactional migrations', (s: string) => s.includes('applying V7__step.sql'), 1000],
    ['inside a non-transactional migration', (s: string) => s.includes('applying V8__maintenance.sql'), 200],
  ] as const) {
    it(`a re-run after SIGKILL ${when} equals a clean deploy`, async () => {
      const env = { CRASH_PG_PASSWORD: decodeURIComponent(new URL(PG_URL).password) };
      const crashed = await freshProject();
      const args = ['--env', 'pg', 'migrate'];
      await killMidway(args, crashed.p.dir, env, ready, delayMs);

      const rerun = await runCli(args, { cwd: crashed.p.dir, env });
      expect(rerun.code, rerun.stderr).to.equal(0);

      const clean = await freshProject();
      const cleanRun = await runCli(args, { cwd: clean.p.dir, env });
      expect(cleanRun.code, cleanRun.stderr).to.equal(0);

      const a = new pg.Client({ connectionString: PG_URL.replace(/\/[^/]*$/, `/${crashed.db}`) });
      const b = new pg.Client({ connectionString: PG_URL.replace(/\/[^/]*$/, `/${clean.db}`) });
      await a.connect();
      await b.connect();
      try {
        expect(await snapshot(a)).to.deep.equal(await snapshot(b));
      } finally {
        await a.end();
        await b.end();
        crashed.p.remove();
        clean.p.remove();
      }
    });
  }
});

describe('crash recovery [embedded]', function () {
  this.timeout(180_000);

  async function embeddedSnapshot(dir: string): Promise<unknown[]> {
    const server = await startEmbedded({ dataDir: `${dir}/.rsrun/local/pgdata`, fresh: false });
    const c = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database });
    await c.connect();
    try {
      return await snapshot(c);
    } finally {
      await c.end();
      await server.stop();
    }
  }

  it('a re-run after SIGKILL of the process hosting the engine equals a clean deploy', async () => {
    const env = '[env.local]\nengine = embedded\nemulate_redshift = false';
    const crashed = new TempProject('rsrun-crash-emb-');
    writeProject(crashed, env);
    await killMidway(['migrate'], crashed.dir, {}, (s) => s.includes('applying V7__step.sql'), 1000);
    const rerun = await runCli(['migrate'], { cwd: crashed.dir });
    expect(rerun.code, rerun.stderr).to.equal(0);

    const clean = new TempProject('rsrun-clean-emb-');
    writeProject(clean, env);
    const cleanRun = await runCli(['migrate'], { cwd: clean.dir });
    expect(cleanRun.code, cleanRun.stderr).to.equal(0);

    expect(await embeddedSnapshot(crashed.dir)).to.deep.equal(await embeddedSnapshot(clean.dir));
    crashed.remove();
    clean.remove();
  });
});
