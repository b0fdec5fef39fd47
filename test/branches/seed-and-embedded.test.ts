/**
 * A new branch environment's data, and the embedded warehouse's branch environments.
 * PostgreSQL: after the first migrate, `branch_clone` copies the base's reference tables into the
 * tables the migrations created (and warns about one they did not: PostgreSQL cannot CREATE TABLE
 * AS across databases), then `branch_seed` runs its SQL script and loads its CSV; a second deploy
 * does not seed again. Embedded: a branch environment is a data directory of its own, dropped
 * with it, and the base warehouse never sees the branch's migrations.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { branchDatabaseName } from '../../runner/config/branch-target';
import { runCli } from '../support/cli';
import { PG_URL, requirePostgres } from '../support/engines';
import { TempProject } from '../support/project';
import { dropDatabases, onDb, testEnvIni } from './pg-databases';

describe('branch environments: seed data on PostgreSQL', function () {
  this.timeout(180_000);
  const baseDb = `rsrun_seed_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client | undefined;
  let p: TempProject;
  const rsrun = (...args: string[]) =>
    runCli(['--project-dir', p.dir, '--log-format', 'text', ...args], { cwd: p.dir, timeoutMs: 150_000 });

  before(async function () {
    await requirePostgres(this);
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${baseDb}`);
    await onDb(baseDb, (c) =>
      c.query(`CREATE SCHEMA ref;
        CREATE TABLE ref.countries (code VARCHAR(2), name VARCHAR(20));
        INSERT INTO ref.countries VALUES ('de', 'Germany'), ('fr', 'France');
        CREATE TABLE ref.only_in_base (x INT);`),
    );
    p = new TempProject('rsrun-branch-seed-');
    p.write('rsrun.ini', testEnvIni(baseDb, 'branch_clone = ref\nbranch_seed = seeds/branch\n'));
    p.migration(
      'V1__tables.sql',
      'CREATE SCHEMA ref; CREATE TABLE ref.countries (code VARCHAR(2), name VARCHAR(20)); CREATE TABLE public.orders (id INT, country VARCHAR(2));',
    );
    p.write('seeds/branch/01_orders.sql', "INSERT INTO public.orders VALUES (1, 'de');\n");
    p.write('seeds/branch/public.orders.csv', 'id,country\n2,fr\n');
    // Tables are schema-qualified: the test server's user is "rsrun", so "$user" in PostgreSQL's
    // search_path would put unqualified tables into the history schema rsrun.
    // Zero rows pass: every order's country is a known one (the cloned reference data).
    p.write(
      'tests/orders_have_countries.sql',
      'SELECT o.id FROM public.orders o LEFT JOIN ref.countries c ON c.code = o.country WHERE c.code IS NULL;',
    );
    p.write('tests/orders_seeded.sql', 'SELECT n FROM (SELECT COUNT(*) AS n FROM public.orders) x WHERE n <> 2;');
  });
  after(async () => {
    if (admin) {
      await dropDatabases(admin, baseDb);
      await admin.end();
    }
    p?.remove();
  });

  it('clones the reference schema and loads the seed once, after the first migrate', async () => {
    const created = await rsrun('env', 'create', '--from', 'test', '--name', 'feature/seeded');
    expect(created.code, created.stderr).to.equal(0);
    const first = await rsrun('deploy', '--env', 'test:feature/seeded');
    expect(first.code, first.stderr + first.stdout).to.equal(0);
    expect(first.stdout).to.contain('tests: 2 passed');
    expect(first.stderr).to.contain('branch_clone: ref.only_in_base skipped');
    const second = await rsrun('deploy', '--env', 'test:feature/seeded');
    expect(second.code, second.stderr + second.stdout).to.equal(0);
    expect(second.stdout).to.contain('tests: 2 passed');
    const database = branchDatabaseName(baseDb, 'feature/seeded', 63);
    const counts = await onDb(database, async (c) => ({
      countries: Number((await c.query<{ n: string }>('SELECT COUNT(*) AS n FROM ref.countries')).rows[0]?.n),
      orders: Number((await c.query<{ n: string }>('SELECT COUNT(*) AS n FROM public.orders')).rows[0]?.n),
    }));
    expect(counts).to.deep.equal({ countries: 2, orders: 2 });
  });
});

describe('branch environments on the embedded warehouse', function () {
  this.timeout(300_000);
  let p: TempProject;
  const rsrun = (...args: string[]) =>
    runCli(['--project-dir', p.dir, '--log-format', 'text', ...args], { cwd: p.dir, timeoutMs: 240_000 });
  before(() => {
    p = new TempProject('rsrun-branch-embedded-');
    p.migration('V1__t.sql', 'CREATE TABLE t (a INT);');
  });
  after(() => p.remove());

  it('creates a data directory of its own, deploys there, leaves the base alone, and drops it', async () => {
    const created = await rsrun('env', 'create', '--from', 'local', '--name', 'Feature/E');
    expect(created.code, created.stderr).to.equal(0);
    const name = /embedded: \.rsrun\/(local\.feature_e_[0-9a-f]{8})/.exec(created.stdout)?.[1];
    expect(name, created.stdout).to.be.a('string');
    const dir = path.join(p.dir, '.rsrun', name as string);
    expect(existsSync(path.join(dir, 'pgdata'))).to.equal(true);

    const migrate = await rsrun('migrate', '--env', 'local:Feature/E');
    expect(migrate.code, migrate.stderr).to.equal(0);
    expect(migrate.stdout).to.contain('migrations: 1 applied');
    const base = await rsrun('info', '--json');
    expect(base.code, base.stderr).to.equal(0);
    expect((JSON.parse(base.stdout) as { current: string | null }).current).to.equal(null);

    const list = await rsrun('env', 'list', '--json');
    expect((JSON.parse(list.stdout) as { name: string; sizeBytes: number }[]).map((r) => [r.name, r.sizeBytes > 0])).to.deep.equal([
      ['Feature/E', true],
    ]);

    const drop = await rsrun('env', 'drop', '--env', 'local:Feature/E');
    expect(drop.code, drop.stderr).to.equal(0);
    expect(existsSync(dir)).to.equal(false);
    const after = await rsrun('env', 'list');
    expect(after.stdout).to.contain('no branch environments on local');
  });
});
