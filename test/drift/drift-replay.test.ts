/**
 * The expected side of a drift check replays only statements that can make objects: rows are not
 * the schema. A data fix that depends on rows no migration wrote (loaded by an ETL) succeeded on the
 * environment but would fail in the empty replica, and a migration loading millions of rows would
 * be run again by every check.
 */
import { expect } from 'chai';
import { runCli } from '../support/cli';
import { describeEachEngine } from '../support/engines';
import { TempProject } from '../support/project';
import { driftEnv } from './project';

describeEachEngine('rsrun drift: rows are not replayed', (db) => {
  let project: TempProject | undefined;
  after(() => project?.remove());

  it('reports no drift for a data fix that only works on the rows an ETL loaded', async function () {
    this.timeout(240_000);
    const p = (project = new TempProject('rsrun-drift-rows-'));
    p.write(
      'rsrun.ini',
      `[project]\nname = rows\n\n[env.test]\nengine = postgres\nhost = ${db.host}\nport = ${db.port}\n` +
        `database = ${db.database}\nuser = ${db.user}\n${db.password === undefined ? '' : 'password = ${TEST_DB_PASSWORD}\n'}`,
    );
    const cli = (...args: string[]) => runCli(['-C', p.dir, ...args], { env: driftEnv(db), timeoutMs: 180_000 });
    p.migration('V1__raw.sql', 'CREATE SCHEMA etl;\nCREATE TABLE etl.raw (id INTEGER, share DECIMAL(10, 4));\n');
    const first = await cli('migrate', '--env', 'test');
    expect(first.code, first.stderr + first.stdout).to.equal(0);
    // The ETL's rows: not written by any migration.
    const client = await db.client();
    await client.query('INSERT INTO etl.raw VALUES (1, NULL), (2, NULL)');
    p.migration(
      'V2__shares.sql',
      [
        // A total row: one row even over an empty table, so the division is always evaluated.
        'INSERT INTO etl.raw SELECT 0, 1.0 / COUNT(*) FROM etl.raw',
        'UPDATE etl.raw SET share = 1.0 / (SELECT COUNT(*) FROM etl.raw) WHERE id > 0',
        'DELETE FROM etl.raw WHERE id < 0',
        'CREATE VIEW etl.v_raw AS SELECT id, share FROM etl.raw',
      ].join(';\n') + ';\n',
    );
    const second = await cli('migrate', '--env', 'test');
    expect(second.code, second.stderr + second.stdout).to.equal(0);

    // In an empty replica, COUNT(*) is 0: the total row would divide by zero.
    const r = await cli('drift', '--env', 'test');
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(r.stdout).to.include('no drift');
  });
});
