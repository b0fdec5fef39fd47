/**
 * A dropped database connection (the server terminates rsrun's backend) is exit 5 with a message
 * that says the connection was lost and that a re-run resumes: never exit 70, never a stack
 * trace (issue 14, defect 1). The re-run then finishes the deploy.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runCli, startCli } from '../support/cli';
import { PG_URL, requirePostgres } from '../support/engines';
import { TempProject } from '../support/project';
import { until } from '../support/until';

describe('rsrun CLI when the connection drops [postgres]', function () {
  this.timeout(120_000);
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

  for (const [where, slow] of [
    [
      'inside a round trip of transactional migrations',
      'insert into shop.events values (2);\nselect pg_sleep(60) from ctl.flag where armed;',
    ],
    [
      'inside a non-transactional migration',
      '-- rsrun:no-transaction\ninsert into shop.events values (2);\nselect pg_sleep(60) from ctl.flag where armed;',
    ],
  ] as const) {
    it(`terminated ${where}: exit 5, "connection lost ... a re-run resumes", no stack trace; the re-run completes`, async () => {
      const db = `rsrun_drop_${randomBytes(4).toString('hex')}`;
      await admin.query(`create database ${db}`);
      dbs.push(db);
      const url = new URL(PG_URL);
      const c = new pg.Client({ connectionString: PG_URL.replace(/\/[^/]*$/, `/${db}`) });
      await c.connect();
      const p = new TempProject('rsrun-drop-');
      try {
        // A switch outside the migrations: the slow statement sleeps only while it is armed.
        await c.query('create schema ctl; create table ctl.flag (armed boolean); insert into ctl.flag values (true)');
        p.write(
          'rsrun.ini',
          `[env.pg]\nengine = postgres\nhost = ${url.hostname}\nport = ${url.port || 5432}\ndatabase = ${db}\nuser = ${decodeURIComponent(url.username)}\npassword = \${DROP_PG_PASSWORD}\n# pg_sleep holds the run; Redshift has no sleep function, so emulation would refuse it (RS019).\nemulate_redshift = false\n`,
        );
        p.migration('V1__schema.sql', 'create schema shop;\ncreate table shop.events (id int);');
        p.migration('V2__slow.sql', slow);
        p.migration('V3__after.sql', 'insert into shop.events values (3);');
        const env = { DROP_PG_PASSWORD: decodeURIComponent(url.password) };
        const { done } = startCli(['--env', 'pg', 'migrate'], { cwd: p.dir, env });
        const sleeping = async () =>
          (await admin.query(`select pid from pg_stat_activity where datname = $1 and wait_event = 'PgSleep'`, [db])).rows[0]?.pid as
            number | undefined;
        await until('rsrun runs the slow statement', async () => (await sleeping()) !== undefined, 60_000);
        await admin.query('select pg_terminate_backend($1)', [await sleeping()]);
        const r = await done;
        expect(r.code, r.stderr).to.equal(5);
        expect(r.stderr).to.match(/connection to postgres:\/\/\S+ lost: terminating connection due to administrator command/);
        expect(r.stderr).to.contain('a re-run resumes');
        expect(r.stderr).to.not.match(/internal error|bug in rsrun|\n\s+at /);

        await c.query('update ctl.flag set armed = false');
        const rerun = await runCli(['--env', 'pg', 'migrate'], { cwd: p.dir, env });
        expect(rerun.code, rerun.stderr).to.equal(0);
        const events = (await c.query('select id from shop.events order by id')).rows.map((x: { id: number }) => x.id);
        expect(events).to.deep.equal([2, 3]);
        const history = await c.query('select version, success from rsrun.rsrun_history order by installed_rank');
        expect(history.rows).to.deep.equal([
          { version: '1', success: true },
          { version: '2', success: true },
          { version: '3', success: true },
        ]);
      } finally {
        await c.end();
        p.remove();
      }
    });
  }
});
