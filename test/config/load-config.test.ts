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
    ['a password cut at #', '[env.test]\nhost = h\npassword = abc#def\n', 3, 'would be cut'],
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

  it('parses shards i/n and rejects nonsense', () => {
    expect(parseShard('2/4')).to.deep.equal({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', 'a/b', '3']) expect(() => parseShard(bad)).to.throw(ConfigError);
  });
});
