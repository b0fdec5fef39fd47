/**
 * `rsrun init`: a new project, a Flyway project and the seed sample's layout, each followed by the
 * command a user runs next, through the built CLI, with no edit in between.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../support/cli';

const SEED = '/work/shared/seed-sample';

function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('rsrun init', function () {
  this.timeout(300_000);
  const dirs: string[] = [];
  const fresh = (prefix: string) => {
    const d = tempDir(prefix);
    dirs.push(d);
    return d;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('writes a project that deploys with no edit, and never overwrites', async () => {
    const root = fresh('rsrun-init-');
    const r = await runCli(['init', 'shop'], { cwd: root });
    expect(r.code, r.stderr).to.equal(0);
    const dir = path.join(root, 'shop');
    expect(listTree(dir)).to.deep.equal(['.gitignore', 'migrations/V1__example.sql', 'rsrun.ini', 'tests/example.sql']);
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).to.contain('reports/\n.rsrun/\n');
    const ini = readFileSync(path.join(dir, 'rsrun.ini'), 'utf8');
    expect(ini)
      .to.match(/^name\s+= shop$/m)
      .and.to.match(/^\[env\.local\]\nengine\s+= embedded$/m);
    // The cluster environments are there to fill in, with secrets from the environment.
    expect(ini).to.contain('; password = ${RSRUN_TEST_PASSWORD}').and.to.contain('; [env.prod]');
    expect(r.stdout).to.contain('Next:').and.to.contain('rsrun deploy');

    const deploy = await runCli(['deploy'], { cwd: dir });
    expect(deploy.code, deploy.stderr).to.equal(0);
    expect(deploy.stdout)
      .to.match(/migrations: 1 applied/)
      .and.to.match(/tests: 2 passed, 0 failed/);

    const before = listTree(dir).filter((f) => !/^(reports|\.rsrun)\//.test(f));
    const again = await runCli(['init', 'shop'], { cwd: root });
    expect(again.code).to.equal(2);
    expect(again.stderr).to.contain('already has rsrun.ini, migrations/V1__example.sql, tests/example.sql');
    expect(listTree(dir).filter((f) => !/^(reports|\.rsrun)\//.test(f))).to.deep.equal(before);
  });

  it('refuses to add an example migration beside existing SQL', async () => {
    const dir = fresh('rsrun-init-existing-');
    mkdirSync(path.join(dir, 'migrations'));
    writeFileSync(path.join(dir, 'migrations', 'V1__mine.sql'), 'CREATE TABLE mine (id INT);\n');
    const r = await runCli(['init', dir]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('already has migrations/').and.to.contain('--from-flyway');
    expect(listTree(dir)).to.deep.equal(['migrations/V1__mine.sql']);
  });

  it('keeps an existing .gitignore and adds only what is missing', async () => {
    const dir = fresh('rsrun-init-git-');
    writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\nreports/');
    const r = await runCli(['init', '--name', 'kept'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(readFileSync(path.join(dir, '.gitignore'), 'utf8')).to.equal(
      'node_modules/\nreports/\n# rsrun: run reports and local state\n.rsrun/\n',
    );
    expect(readFileSync(path.join(dir, 'rsrun.ini'), 'utf8')).to.match(/^name\s+= kept$/m);
  });

  it('--from-flyway adopts flyway.conf and keeps the SQL in place; deploy works with no edit', async () => {
    const dir = fresh('rsrun-init-flyway-');
    writeFileSync(
      path.join(dir, 'flyway.conf'),
      [
        '# Flyway settings',
        'flyway.url=jdbc:redshift://analytics.abc123.eu-west-1.redshift.amazonaws.com:5439/dev?ssl=true',
        'flyway.user=deployer',
        'flyway.password=Fly-Secret-123',
        'flyway.locations=filesystem:sql',
        'flyway.schemas=analytics',
      ].join('\n'),
    );
    mkdirSync(path.join(dir, 'sql', 'core'), { recursive: true });
    writeFileSync(
      path.join(dir, 'sql', 'core', 'V1__create_orders.sql'),
      'CREATE SCHEMA analytics;\nCREATE TABLE analytics.orders (id BIGINT IDENTITY(1,1), total DECIMAL(12,2) ENCODE az64) DISTSTYLE EVEN;\n',
    );
    writeFileSync(path.join(dir, 'sql', 'V1.1__seed_orders.sql'), 'INSERT INTO analytics.orders (total) VALUES (10.50), (20.00);\n');
    writeFileSync(
      path.join(dir, 'sql', 'R__order_totals.sql'),
      'CREATE OR REPLACE VIEW analytics.order_totals AS SELECT SUM(total) AS total FROM analytics.orders;\n',
    );

    const r = await runCli(['init', '--from-flyway', '.'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    const ini = readFileSync(path.join(dir, 'rsrun.ini'), 'utf8');
    expect(ini).to.match(/^migrations\s+= sql$/m);
    expect(ini).to.match(
      /^\[env\.flyway\]\nengine\s+= redshift\nhost\s+= analytics\.abc123\.eu-west-1\.redshift\.amazonaws\.com\nuser\s+= deployer$/m,
    );
    expect(ini)
      .to.match(/^password\s+= \$\{RSRUN_FLYWAY_PASSWORD\}$/m)
      .and.to.match(/^port\s+= 5439\ndatabase\s+= dev$/m);
    expect(ini).not.to.contain('Fly-Secret-123');
    expect(r.stdout).to.contain('rsrun baseline --env flyway').and.to.contain('default schema analytics');
    // The SQL files were not copied or moved.
    expect(listTree(path.join(dir, 'sql'))).to.deep.equal(['R__order_totals.sql', 'V1.1__seed_orders.sql', 'core/V1__create_orders.sql']);

    const deploy = await runCli(['deploy'], { cwd: dir });
    expect(deploy.code, deploy.stderr).to.equal(0);
    expect(deploy.stdout).to.match(/migrations: 3 applied/);
  });

  it('--from-flyway refuses a flyway.conf with several locations, writing nothing', async () => {
    const dir = fresh('rsrun-init-flyway-bad-');
    writeFileSync(path.join(dir, 'flyway.conf'), 'flyway.locations=filesystem:a,filesystem:b\n');
    const r = await runCli(['init', '--from-flyway', dir, dir]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('flyway.conf').and.to.contain('names 2 locations');
    expect(existsSync(path.join(dir, 'rsrun.ini'))).to.equal(false);
  });

  it('a failing changeset statement is named by file, section, key and line', async () => {
    const dir = fresh('rsrun-changeset-');
    mkdirSync(path.join(dir, 'migrations'));
    writeFileSync(
      path.join(dir, 'migrations', 'changes.ini'),
      '[DDL_v01]\nquery0 = create table t (a int);\n\n[DDL_v02]\nquery0 = alter table t add column b int;\nquery1 = alter table t\n    drop column missing_col;\n',
    );
    const r = await runCli(['migrate'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(3);
    expect(r.stderr).to.match(/migrations\/changes\.ini:6(:\d+)?: changes\.ini#\[DDL_v02\]: query1 \(statement 2 of 2\) failed: /);
    expect(r.stdout).to.match(/migrations: 1 applied, 1 failed/);
  });

  it("--from-seed references the seed's files in place and migrates up to the first statement that cannot run", async () => {
    const dir = fresh('rsrun-init-seed-');
    const r = await runCli(['init', '--from-seed', SEED], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    const ini = readFileSync(path.join(dir, 'rsrun.ini'), 'utf8');
    const rel = path.relative(dir, SEED);
    expect(ini).to.contain(`migrations       = ${rel}/query_redshift_api.ini`);
    expect(ini).to.contain(`tests            = ${rel}\n`).and.to.contain(`dw_config        = ${rel}/dw_config.ini`);
    expect(r.stdout).to.contain('Environments from').and.to.contain('dwh, dev');
    expect(r.stdout).to.contain(
      'COPY reads s3://redshift-immersionday-labs/data/orders/orders.tbl. on the cluster; locally from seeds/s3/redshift-immersionday-labs/data/orders/orders.tbl.* (put a sample of those files there, compressed as on the cluster: GZIP, BZIP2, LZOP and ZSTD are read)',
    );
    // Lint reads every changeset statement: the policy rule the seed breaks is switched off, and
    // the name Redshift refuses is an RS000 error at its line while the other statements are checked.
    expect(r.stdout).to.contain('Lint: RS102 switched off in [lint]').and.not.to.contain('could not read');
    const lint = await runCli(['lint'], { cwd: dir });
    expect(lint.code).to.equal(2);
    expect(`${lint.stdout}${lint.stderr}`).to.match(/query_redshift_api\.ini#\[DDL_v03\]:31: error RS000 1_FULFILLED is not a valid name/);
    expect(lint.stdout).to.match(/query_redshift_api\.ini#\[DDL_v08\]:55: warning RS201/);
    // Referenced, not copied: the only INI file in the project is rsrun.ini.
    expect(listTree(dir).filter((f) => f.endsWith('.ini'))).to.deep.equal(['rsrun.ini']);

    // The seed's files load (multi-line values, `;` in SQL), its LZOP COPY (DML_01, line 19) is
    // emulated, and the run stops at DDL_v03 query1 (line 31), whose column name Redshift refuses:
    // named by file, line, section and key, nothing half-applied.
    const migrate = await runCli(['migrate'], { cwd: dir });
    expect(migrate.code, migrate.stderr).to.equal(2);
    expect(migrate.stderr).to.contain(
      `${path.join(SEED, 'query_redshift_api.ini')}:31: query_redshift_api.ini#[DDL_v03]: query1 (statement 2 of 3): 1_FULFILLED is not a valid name`,
    );
    expect(migrate.stdout).to.contain('migrations: 0 applied');
    expect(migrate.stderr).not.to.match(/expected "key|internal error/);
    // The project cannot live in the seed's own folder: its tests folder would read the reports.
    const inPlace = await runCli(['init', '--from-seed', SEED, SEED]);
    expect(inPlace.code).to.equal(2);
    expect(inPlace.stderr).to.contain(`cannot live in ${SEED}`);
    // The dw_config.ini environments are there, with the host given separately.
    const info = await runCli(['info', '--env', 'dev'], { cwd: dir });
    expect(info.code).to.equal(2);
    expect(info.stderr).to.contain('environment "dev" has no host');
  });

  it("past the seed's LZOP COPY, the first statement Redshift rejects stops the deploy, named by file, line, section and key", async () => {
    // The seed's files, less DML_01 query0 (lines 17-19, the COPY of LZOP files): DDL_v03 query1
    // adds a column named 1_FULFILLED, which no Redshift name may be; nothing is applied before.
    const root = fresh('rsrun-seed-rest-');
    const src = path.join(root, 'src');
    mkdirSync(src);
    for (const f of ['dw_config.ini', 'test_cases.ini']) writeFileSync(path.join(src, f), readFileSync(path.join(SEED, f)));
    const lines = readFileSync(path.join(SEED, 'query_redshift_api.ini'), 'utf8').split('\n');
    expect(lines[16]).to.match(/^query0 = copy orders from 's3:/);
    writeFileSync(path.join(src, 'query_redshift_api.ini'), [...lines.slice(0, 16), ...lines.slice(19)].join('\n'));
    const project = path.join(root, 'project');
    mkdirSync(project);
    expect((await runCli(['init', '--from-seed', src], { cwd: project })).code).to.equal(0);
    const migrate = await runCli(['migrate'], { cwd: project });
    expect(migrate.code, migrate.stderr).to.equal(2);
    expect(migrate.stderr).to.contain(
      `${path.join(src, 'query_redshift_api.ini')}:28: query_redshift_api.ini#[DDL_v03]: query1 (statement 2 of 3): 1_FULFILLED is not a valid name`,
    );
    expect(migrate.stdout).to.contain('migrations: 0 applied');
  });
});
