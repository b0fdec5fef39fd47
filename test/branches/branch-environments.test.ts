/**
 * Issue 20 on a real PostgreSQL server, through the built CLI: every branch its own database.
 * Two branches with conflicting migrations (same version, different SQL) deploy and test in
 * parallel into their own databases while the shared base stays untouched; two builds of one
 * branch serialise on that branch's deploy lock; `env drop` removes each; `env gc` removes the one
 * whose `last used` is old and keeps a fresh one; `branch_max` refuses one too many.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { branchDatabaseName } from '../../runner/config/branch-target';
import { runCli } from '../support/cli';
import { PG_URL, requirePostgres } from '../support/engines';
import { TempProject } from '../support/project';
import { dropDatabases, onDb, testEnvIni, urlOf } from './pg-databases';

describe('branch environments on PostgreSQL (rsrun env, --env BASE:BRANCH)', function () {
  this.timeout(240_000);
  const baseDb = `rsrun_br_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client;
  const projects: TempProject[] = [];

  const ini = testEnvIni(baseDb, 'lock_timeout = 2m\n');

  function project(v1: string, test: string): TempProject {
    const p = new TempProject('rsrun-branches-');
    p.write('rsrun.ini', ini);
    p.migration('V1__t.sql', v1);
    p.write('tests/t.sql', test);
    projects.push(p);
    return p;
  }
  // The test server's password is "rsrun": rsrun masks it in its output, so messages are matched without the word.
  const rsrun = (p: TempProject, ...args: string[]) =>
    runCli(['--project-dir', p.dir, '--log-format', 'text', ...args], { cwd: p.dir, timeoutMs: 180_000 });
  const dbOf = (branch: string) => branchDatabaseName(baseDb, branch, 63);
  const databaseExists = async (name: string) =>
    (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rows.length > 0;

  before(async function () {
    await requirePostgres(this);
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${baseDb}`);
  });
  after(async () => {
    if (!admin) return;
    await dropDatabases(admin, baseDb);
    await admin.end();
    for (const p of projects) p.remove();
  });

  it('deploys two branches with conflicting V1 in parallel, each into its own database, base untouched', async () => {
    const a = project('CREATE TABLE t (a INT);', 'SELECT a FROM t WHERE 1 = 0;');
    const b = project('CREATE TABLE t (b VARCHAR(10));', 'SELECT b FROM t WHERE 1 = 0;');
    const ca = await rsrun(a, 'env', 'create', '--from', 'test', '--name', 'feature/a');
    expect(ca.code, ca.stderr).to.equal(0);
    expect(ca.stdout).to.contain(`created: test:feature/a (database ${dbOf('feature/a')})`);
    const cb = await rsrun(b, 'env', 'create', '--from', 'test', '--name', 'feature/b');
    expect(cb.code, cb.stderr).to.equal(0);

    const [da, db] = await Promise.all([rsrun(a, 'deploy', '--env', 'test:feature/a'), rsrun(b, 'deploy', '--env', 'test:feature/b')]);
    expect(da.code, da.stderr + da.stdout).to.equal(0);
    expect(db.code, db.stderr + db.stdout).to.equal(0);
    expect(da.stdout).to.contain('tests: 1 passed');
    expect(db.stdout).to.contain('tests: 1 passed');

    const columns = (database: string) =>
      onDb(database, async (c) =>
        (await c.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 't'")).rows.map(
          (r) => r.column_name,
        ),
      );
    expect(await columns(dbOf('feature/a'))).to.deep.equal(['a']);
    expect(await columns(dbOf('feature/b'))).to.deep.equal(['b']);
    // The shared base holds the registry and nothing the branches deployed.
    const baseTables = await onDb(baseDb, async (c) =>
      (
        await c.query<{ t: string }>(
          "SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
        )
      ).rows.map((r) => r.t),
    );
    expect(baseTables).to.deep.equal(['rsrun.rsrun_environments']);
  });

  it('serialises two builds of the same branch on its deploy lock: one applies V2, the other finds it applied', async () => {
    const a = projects[0] as TempProject;
    a.migration('V2__u.sql', 'CREATE TABLE u (id INT);');
    const [one, two] = await Promise.all([rsrun(a, 'deploy', '--env', 'test:feature/a'), rsrun(a, 'deploy', '--env', 'test:feature/a')]);
    expect(one.code, one.stderr).to.equal(0);
    expect(two.code, two.stderr).to.equal(0);
    const applied = [one.stdout, two.stdout].map((o) => /migrations: (\d+) applied/.exec(o)?.[1]).sort();
    expect(applied).to.deep.equal(['0', '1']);
    const v2 = await onDb(
      dbOf('feature/a'),
      async (c) => (await c.query("SELECT version FROM rsrun.rsrun_history WHERE version = '2' AND success")).rows.length,
    );
    expect(v2).to.equal(1);
  });

  it('lists them with size, age and provenance', async () => {
    const a = projects[0] as TempProject;
    const list = await rsrun(a, 'env', 'list', '--from', 'test', '--json');
    expect(list.code, list.stderr).to.equal(0);
    const rows = JSON.parse(list.stdout) as { name: string; database: string; sizeBytes: number; environment: string }[];
    expect(rows.map((r) => r.name)).to.deep.equal(['feature/a', 'feature/b']);
    expect(rows[0]?.database).to.equal(dbOf('feature/a'));
    expect(rows[0]?.sizeBytes).to.be.greaterThan(1_000_000);
    const text = await rsrun(a, 'env', 'list', '--from', 'test');
    expect(text.stdout)
      .to.match(/name\s+database\s+size\s+age\s+last used/)
      .and.to.match(/feature\/a\s+\S+\s+\d+\.\d MB/);
  });

  it('refuses a command on a branch environment that was never created, naming the command that creates it', async () => {
    const r = await rsrun(projects[0] as TempProject, 'migrate', '--env', 'test:nope');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('branch environment test:nope does not exist').and.to.contain('env create --from test --name "nope"');
    expect(await databaseExists(dbOf('nope'))).to.equal(false);
  });

  it('refuses one branch environment beyond branch_max, creating nothing for it', async () => {
    const a = projects[0] as TempProject;
    const r = await runCli(['--project-dir', a.dir, '--log-format', 'text', 'env', 'create', '--from', 'test', '--name', 'feature/c'], {
      cwd: a.dir,
      env: { RSRUN_TEST_BRANCH_MAX: '2' },
    });
    expect(r.code).to.equal(2);
    expect(r.stderr)
      .to.contain('environment test already has 2 branch environments (branch_max = 2)')
      .and.to.contain('env gc --from test --older-than 7d');
    expect(await databaseExists(dbOf('feature/c'))).to.equal(false);
  });

  it('env create again is harmless; env drop removes the database and its row, even with a session open on it', async () => {
    const b = projects[1] as TempProject;
    const again = await rsrun(b, 'env', 'create', '--from', 'test', '--name', 'feature/b');
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.contain('exists: test:feature/b');
    // A session someone left open: DROP DATABASE ... WITH (FORCE) ends it.
    const lingering = new pg.Client({ connectionString: urlOf(dbOf('feature/b')) });
    lingering.on('error', () => undefined);
    await lingering.connect();
    const drop = await rsrun(b, 'env', 'drop', '--env', 'test:feature/b');
    await lingering.end().catch(() => undefined);
    expect(drop.code, drop.stderr).to.equal(0);
    expect(drop.stdout).to.contain('dropped test:feature/b');
    expect(await databaseExists(dbOf('feature/b'))).to.equal(false);
    const again2 = await rsrun(b, 'env', 'drop', '--env', 'test:feature/b');
    expect(again2.stdout).to.contain('did not exist');
  });

  it('env gc drops the one unused for longer than --older-than and keeps a fresh one', async () => {
    const a = projects[0] as TempProject;
    const fresh = await rsrun(a, 'env', 'create', '--from', 'test', '--name', 'fresh');
    expect(fresh.code, fresh.stderr).to.equal(0);
    await onDb(baseDb, (c) =>
      c.query("UPDATE rsrun.rsrun_environments SET last_used = now() - INTERVAL '10 days' WHERE name = 'feature/a'"),
    );
    const gc = await rsrun(a, 'env', 'gc', '--from', 'test', '--older-than', '7d', '--json');
    expect(gc.code, gc.stderr).to.equal(0);
    expect(JSON.parse(gc.stdout)).to.deep.equal({ base: 'test', dropped: ['feature/a'] });
    expect(await databaseExists(dbOf('feature/a'))).to.equal(false);
    expect(await databaseExists(dbOf('fresh'))).to.equal(true);
    const names = await onDb(baseDb, async (c) =>
      (await c.query<{ name: string }>('SELECT name FROM rsrun.rsrun_environments ORDER BY name')).rows.map((r) => r.name),
    );
    expect(names).to.deep.equal(['fresh']);
  });
});
