import { expect } from 'chai';
import { ConfigError } from '../../runner/errors';
import { loadConfig, parseShard } from '../../runner/config/load-config';
import { TempProject } from '../support/project';

async function configError(p: Promise<unknown>): Promise<ConfigError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject();
  });
  afterEach(() => p.remove());

  it('defaults to the embedded local environment with no rsrun.ini', async () => {
    const c = await loadConfig({ projectDir: p.dir }, {});
    expect(c.env.name).to.equal('local');
    expect(c.env.engine).to.equal('embedded');
    expect(c.env.emulateRedshift).to.equal(true);
    expect(c.project.migrationsDir).to.equal(`${p.dir}/migrations`);
    expect(c.project.reportsDir).to.equal(`${p.dir}/reports`);
    expect(c.project.historySchema).to.equal('rsrun');
    expect(c.tests.concurrency).to.equal(5);
  });

  it('reads paths in rsrun.ini relative to the project, and paths given as a flag or an environment variable relative to the working directory', async () => {
    p.write('rsrun.ini', '[project]\nreports = out/reports\n');
    expect((await loadConfig({ projectDir: p.dir }, {})).project.reportsDir).to.equal(`${p.dir}/out/reports`);
    // The Jenkinsfile runs from the workspace with RSRUN_PROJECT_DIR=sql and RSRUN_REPORTS_DIR=reports.
    expect((await loadConfig({ projectDir: p.dir }, { RSRUN_REPORTS_DIR: 'reports' })).project.reportsDir).to.equal(
      `${process.cwd()}/reports`,
    );
    expect((await loadConfig({ projectDir: p.dir, reportsDir: 'r2' }, {})).project.reportsDir).to.equal(`${process.cwd()}/r2`);
  });

  it('reads [project] and [env.NAME], interpolates ${VAR}, and applies flag > env var > INI > default', async () => {
    p.write(
      'rsrun.ini',
      [
        '[project]',
        'name = shop',
        'migrations = db/changes',
        'history_schema = ops',
        '',
        '[env.test]',
        'engine = redshift',
        'host = ${RS_HOST}',
        'port = 5439',
        'database = ${RS_DB:-dev}',
        'user = deployer',
        'password = ${RS_PASSWORD}',
        'statement_timeout = 30m',
        'lock_timeout = 90s',
        'query_group = deploys',
      ].join('\n'),
    );
    const env = { RS_HOST: 'cluster.example.com', RS_PASSWORD: 's3cr3t-pw', RSRUN_USER: 'from-env', RSRUN_TEST_PORT: '5440' };
    const c = await loadConfig({ projectDir: p.dir, env: 'test', database: 'from-flag' }, env);
    expect(c.project.name).to.equal('shop');
    expect(c.project.migrationsDir).to.equal(`${p.dir}/db/changes`);
    expect(c.project.historySchema).to.equal('ops');
    expect(c.env).to.include({
      name: 'test',
      engine: 'redshift',
      host: 'cluster.example.com',
      port: 5440,
      database: 'from-flag',
      user: 'from-env',
      password: 's3cr3t-pw',
      ssl: 'verify-full',
      statementTimeoutMs: 1_800_000,
      lockTimeoutMs: 90_000,
      queryGroup: 'deploys',
    });
    expect(c.secrets).to.include('s3cr3t-pw');
  });

  it('names the key, file and line of a missing variable', async () => {
    p.write('rsrun.ini', '[env.prod]\nhost = ${PROD_HOST}\n');
    const e = await configError(loadConfig({ projectDir: p.dir, env: 'prod' }, {}));
    expect(e.message).to.contain('env.prod.host').and.to.contain('PROD_HOST');
    expect(e.file).to.match(/rsrun\.ini$/);
    expect(e.line).to.equal(2);
    expect(e.exitCode).to.equal(2);
  });

  it('rejects an unknown environment, listing the known ones', async () => {
    p.write('rsrun.ini', '[env.test]\nhost = h\n');
    const e = await configError(loadConfig({ projectDir: p.dir, env: 'staging' }, {}));
    expect(e.message).to.contain('unknown environment "staging"');
    expect(e.hint).to.contain('local, test');
  });

  for (const [name, text, line, fragment] of [
    ['a line that is not key = value', '[project]\nname = x\nthis is wrong\n', 3, 'expected "key = value"'],
    ['an unclosed section header', '[project\nname = x\n', 1, 'malformed section header'],
    ['a duplicate key', '[project]\nname = a\nname = b\n', 3, 'appears twice'],
    ['a duplicate section', '[project]\n[project]\n', 2, 'appears twice'],
    ['a password cut at #', '[env.test]\nhost = h\npassword = abc#def\n', 3, 'cuts a value'],
    ['a typo of a known key', '[env.test]\nhots = h\n', 2, 'did you mean "host"'],
  ] as const) {
    it(`reports malformed INI: ${name}, with file and line`, async () => {
      p.write('rsrun.ini', text);
      const e = await configError(loadConfig({ projectDir: p.dir, env: 'test' }, {}));
      expect(e.message + (e.hint ?? '')).to.contain(fragment);
      expect(e.line).to.equal(line);
    });
  }

  it('rejects bad values naming the key', async () => {
    p.write('rsrun.ini', '[env.test]\nhost = h\nport = fifty\n');
    const e = await configError(loadConfig({ projectDir: p.dir, env: 'test' }, {}));
    expect(e.message).to.contain('env.test.port').and.to.contain('not a whole number');
  });

  it("reads the seed sample's dw_config.ini environments, with the host given separately", async () => {
    p.write(
      'dw_config.ini',
      '[DEV]\nDWH_CLUSTER_IDENTIFIER = dev-cluster\nDWH_DB = dev\nDWH_DB_USER = awsuser\nDWH_DB_PASSWORD = Passw0rd\nDWH_PORT = 5439\n',
    );
    const c = await loadConfig({ projectDir: p.dir, env: 'dev', host: 'dev-cluster.abc.eu-west-1.redshift.amazonaws.com' }, {});
    expect(c.env).to.include({
      name: 'dev',
      engine: 'redshift',
      host: 'dev-cluster.abc.eu-west-1.redshift.amazonaws.com',
      port: 5439,
      database: 'dev',
      user: 'awsuser',
      password: 'Passw0rd',
      clusterIdentifier: 'dev-cluster',
    });
    expect(c.secrets).to.include('Passw0rd');
    const e = await configError(loadConfig({ projectDir: p.dir, env: 'dev' }, {}));
    expect(e.message).to.contain('has no host');
    expect(e.hint).to.contain('RSRUN_HOST');
  });

  describe('key typos in every section are errors naming file and line (issue 14 defect 9)', () => {
    for (const [section, typo, near] of [
      ['project', 'history_shema', 'history_schema'],
      ['s3', 'endpont', 'endpoint'],
      ['cloudwatch', 'namspace', 'namespace'],
      ['tests', 'concurency', 'concurrency'],
      ['lint', 'require_distsort', 'require_dist_sort'],
      ['env.test', 'hots', 'host'],
    ] as const) {
      it(`[${section}] ${typo}`, async () => {
        p.write(
          'rsrun.ini',
          `[${section}]\n${section === 's3' ? 'bucket = b\n' : ''}${section === 'env.test' ? 'host = h\n' : ''}${typo} = 1\n`,
        );
        const e = await configError(loadConfig({ projectDir: p.dir, env: 'local' }, {}));
        expect(e.message).to.equal(`unknown key "${typo}" in [${section}]`);
        expect(e.hint).to.equal(`did you mean "${near}"?`);
        expect(e.file).to.match(/rsrun\.ini$/);
        expect(e.line).to.equal(section === 's3' || section === 'env.test' ? 3 : 2);
      });
    }

    it('a key that is not close to any lists the keys of the section', async () => {
      p.write('rsrun.ini', '[tests]\nparallelism = 4\n');
      const e = await configError(loadConfig({ projectDir: p.dir }, {}));
      expect(e.hint).to.equal('[tests] keys: concurrency, timeout');
    });

    it("x_ keys of an environment are the user's; elsewhere they are typos", async () => {
      p.write('rsrun.ini', '[env.test]\nhost = h\nx_owner = data-team\n');
      const c = await loadConfig({ projectDir: p.dir, env: 'test' }, {});
      expect(c.env.raw.x_owner).to.equal('data-team');
      p.write('rsrun.ini', '[project]\nx_owner = data-team\n');
      await configError(loadConfig({ projectDir: p.dir }, {}));
    });

    for (const [written, near] of [
      ['cloudwach', '[cloudwatch]'],
      ['env-test', '[env.test]'],
      ['Project', '[project]'],
    ] as const) {
      it(`an unknown section [${written}] suggests ${near}`, async () => {
        p.write('rsrun.ini', `[project]\nname = x\n\n[${written}]\nnamespace = n\n`);
        const e = await configError(loadConfig({ projectDir: p.dir }, {}));
        expect(e.message).to.equal(`unknown section [${written}]`);
        expect(e.hint).to.equal(`did you mean ${near}?`);
        expect(e.line).to.equal(4);
      });
    }

    it("test sections ([assert ...], [TESTSUITE_*], [RESULTS]) are the test runner's", async () => {
      p.write('rsrun.ini', '[assert sales.orders]\nunique = id\n[TESTSUITE_v01]\ntest0 = select 1;\n[RESULTS]\ntest0 = 1\n');
      const c = await loadConfig({ projectDir: p.dir }, {});
      expect(Object.keys(c.project.extraSections)).to.deep.equal(['assert sales.orders', 'TESTSUITE_v01', 'RESULTS']);
    });
  });

  it('names the location once: the file and line before the message, a variable or flag inside it', async () => {
    p.write('rsrun.ini', '[env.test]\nhost = h\nport = fifty\n');
    const fromFile = await configError(loadConfig({ projectDir: p.dir, env: 'test' }, {}));
    expect(fromFile.describe()).to.match(/rsrun\.ini:3: env\.test\.port: "fifty" is not a whole number\n/);
    expect(fromFile.describe().match(/rsrun\.ini/g)).to.have.length(1);
    p.write('rsrun.ini', '[env.test]\nhost = h\n');
    const fromVar = await configError(loadConfig({ projectDir: p.dir, env: 'test' }, { RSRUN_TEST_PORT: 'abc' }));
    expect(fromVar.describe()).to.match(/^env\.test\.port \(RSRUN_TEST_PORT\): "abc" is not a whole number/);
  });

  describe('rsrun.ini values', () => {
    it('continue on indented lines (lists), and a continued single value is an error at its key', async () => {
      p.write('rsrun.ini', '[lint]\ndisable = RS016,\n    RS204\n');
      const c = await loadConfig({ projectDir: p.dir }, {});
      expect(c.project.extraSections.lint?.disable).to.equal('RS016,\nRS204');
      p.write('rsrun.ini', '[project]\nname = shop\n    tests = checks\n');
      const e = await configError(loadConfig({ projectDir: p.dir }, {}));
      expect(e.message).to.contain('project.name: the value goes on over several lines');
      expect(e.line).to.equal(2);
    });

    it('end at ; or # (comments), unless quoted or escaped', async () => {
      p.write(
        'rsrun.ini',
        [
          '[project]',
          'name = shop   ; the report title',
          '[env.test]',
          'host = h # the host',
          'query_group = "team;1"',
          "database = 'a#b'",
          'user = de\\;ployer',
        ].join('\n'),
      );
      const c = await loadConfig({ projectDir: p.dir, env: 'test' }, {});
      expect(c.project.name).to.equal('shop');
      expect(c.env).to.include({ host: 'h', queryGroup: 'team;1', database: 'a#b', user: 'de;ployer' });
    });
  });

  describe('defaults that fit a Redshift project (issue 13 b8, issue 15)', () => {
    it('emulate_redshift is on for embedded and postgres, off for redshift', async () => {
      p.write('rsrun.ini', '[env.pg]\nengine = postgres\nhost = h\n[env.rs]\nengine = redshift\nhost = h\n[env.local]\nfresh = true\n');
      expect((await loadConfig({ projectDir: p.dir, env: 'local' }, {})).env).to.include({ engine: 'embedded', emulateRedshift: true });
      expect((await loadConfig({ projectDir: p.dir, env: 'pg' }, {})).env).to.include({ engine: 'postgres', emulateRedshift: true });
      expect((await loadConfig({ projectDir: p.dir, env: 'rs' }, {})).env).to.include({ engine: 'redshift', emulateRedshift: false });
    });

    it('engine = redshift with emulate_redshift = true is refused, naming where it was set', async () => {
      p.write('rsrun.ini', '[env.prod]\nengine = redshift\nhost = h\nemulate_redshift = true\n');
      const e = await configError(loadConfig({ projectDir: p.dir, env: 'prod' }, {}));
      expect(e.message).to.contain('emulate_redshift = true cannot be used with engine = redshift');
      expect(e.line).to.equal(4);
      p.write('rsrun.ini', '[env.prod]\nengine = redshift\nhost = h\n');
      const fromVar = await configError(loadConfig({ projectDir: p.dir, env: 'prod' }, { RSRUN_EMULATE_REDSHIFT: 'yes' }));
      expect(fromVar.message).to.contain('(RSRUN_EMULATE_REDSHIFT)');
      // Saying false explicitly is fine.
      p.write('rsrun.ini', '[env.prod]\nengine = redshift\nhost = h\nemulate_redshift = false\n');
      expect((await loadConfig({ projectDir: p.dir, env: 'prod' }, {})).env.emulateRedshift).to.equal(false);
    });

    it("COPY/UNLOAD read local_s3_dir, else the environment's s3_endpoint, never the report store [s3]", async () => {
      p.write(
        'rsrun.ini',
        '[s3]\nbucket = reports\nendpoint = http://127.0.0.1:9000\n[env.local]\nlocal_s3_dir = seeds/s3\n[env.pg]\nhost = h\ns3_endpoint = http://127.0.0.1:9100\n[env.plain]\nhost = h\n',
      );
      expect((await loadConfig({ projectDir: p.dir }, {})).env.copySource).to.deep.equal({ kind: 'dir', dir: `${p.dir}/seeds/s3` });
      expect((await loadConfig({ projectDir: p.dir, env: 'pg' }, {})).env.copySource).to.deep.equal({
        kind: 'endpoint',
        endpoint: 'http://127.0.0.1:9100',
      });
      expect((await loadConfig({ projectDir: p.dir, env: 'plain' }, {})).env.copySource).to.deep.equal({
        kind: 'dir',
        dir: `${p.dir}/.rsrun/s3`,
      });
    });

    it('options that do not apply are warnings: --fresh on a server, local_s3_dir without emulation', async () => {
      p.write('rsrun.ini', '[env.test]\nhost = h\nemulate_redshift = false\nlocal_s3_dir = s3\n');
      const c = await loadConfig({ projectDir: p.dir, env: 'test', fresh: true }, {});
      expect(c.env.fresh).to.equal(false);
      expect(c.warnings).to.have.length(2);
      expect(c.warnings[0]).to.match(/^--fresh is ignored: environment "test" is postgres/);
      expect(c.warnings[1]).to.match(/^local_s3_dir \(rsrun\.ini\) is ignored/);
      expect((await loadConfig({ projectDir: p.dir, fresh: true }, {})).warnings).to.deep.equal([]);
    });

    it('[project] lock_ttl sets the deploy lock lease (default 10 minutes, at least 1 s)', async () => {
      expect((await loadConfig({ projectDir: p.dir }, {})).project.lockTtlMs).to.equal(600_000);
      p.write('rsrun.ini', '[project]\nlock_ttl = 45s\n');
      expect((await loadConfig({ projectDir: p.dir }, {})).project.lockTtlMs).to.equal(45_000);
      expect((await loadConfig({ projectDir: p.dir }, { RSRUN_LOCK_TTL: '2m' })).project.lockTtlMs).to.equal(120_000);
      p.write('rsrun.ini', '[project]\nname = x\nlock_ttl = 0.5s\n');
      const e = await configError(loadConfig({ projectDir: p.dir }, {}));
      expect(e.message).to.equal('project.lock_ttl: 0.5s is shorter than 1000 ms');
      expect(e.line).to.equal(3);
    });
  });

  it('reads dw_config.ini as configparser does (`:`, multi-line, lower-cased keys); its [AWS] keys are not an environment', async () => {
    p.write('dw_config.ini', '[AWS]\nKEY=123\nSECRET=456\n[DEV]\nDWH_DB: dev\nDWH_DB_USER = awsuser\nDWH_PORT=5439\n');
    const c = await loadConfig({ projectDir: p.dir, env: 'dev', host: 'h' }, {});
    expect(c.env).to.include({ engine: 'redshift', database: 'dev', user: 'awsuser', port: 5439, emulateRedshift: false });
    const e = await configError(loadConfig({ projectDir: p.dir, env: 'aws' }, {}));
    expect(e.hint).to.contain('known environments: local, dev;');
  });

  it('parses shards i/n and rejects nonsense', () => {
    expect(parseShard('2/4')).to.deep.equal({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', 'a/b', '3']) expect(() => parseShard(bad)).to.throw(ConfigError);
  });
});
