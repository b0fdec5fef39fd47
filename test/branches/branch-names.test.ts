/**
 * How `--env BASE:BRANCH` names the branch environment's database: Redshift identifier rules
 * (r_names: at most 127 bytes, unquoted names fold to lower case), PostgreSQL's 63-byte limit, and
 * a short hash whenever sanitising or shortening could make two branches meet.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { branchDatabaseName, branchSlug, maxDatabaseNameBytes, splitEnvName } from '../../runner/config/branch-target';
import { loadConfig } from '../../runner/config/load-config';
import { ConfigError } from '../../runner/errors';

describe('branch environment names', () => {
  it('keeps a plain lower-case branch as it is', () => {
    expect(branchDatabaseName('analytics', 'feature_x', 127)).to.equal('analytics_feature_x');
  });

  it('lower-cases, replaces what is not a-z0-9_ and adds a hash of the name as given', () => {
    const name = branchDatabaseName('Analytics', 'Feature/Login-Page', 127);
    expect(name).to.match(/^analytics_feature_login_page_[0-9a-f]{8}$/);
  });

  it('never gives two branches that sanitise alike the same database', () => {
    const names = ['feature/x', 'feature-x', 'Feature_X', 'feature_x', 'feature..x'].map((b) => branchDatabaseName('dev', b, 127));
    expect(new Set(names).size).to.equal(names.length);
  });

  it('stays within 127 bytes on Redshift and 63 on PostgreSQL, with the hash kept', () => {
    const long = `feature/${'very-long-branch-name-'.repeat(10)}`;
    const rs = branchDatabaseName('dev', long, maxDatabaseNameBytes('redshift'));
    const pg = branchDatabaseName('postgres', long, maxDatabaseNameBytes('postgres'));
    expect(Buffer.byteLength(rs)).to.be.at.most(127);
    expect(Buffer.byteLength(pg)).to.be.at.most(63);
    expect(rs).to.match(/_[0-9a-f]{8}$/);
    expect(pg).to.match(/_[0-9a-f]{8}$/);
    // Two long names that differ only beyond the cut stay apart.
    expect(branchDatabaseName('postgres', `${long}a`, 63)).not.to.equal(branchDatabaseName('postgres', `${long}b`, 63));
  });

  it('gives a branch of only punctuation or non-ASCII letters a name that is still an identifier', () => {
    const slug = branchSlug('ünïcødé/ß');
    expect(slug).to.match(/^[a-z0-9_]+$/);
    expect(branchSlug('///')).to.match(/^b_[0-9a-f]{8}$/);
  });

  it('reads BASE:BRANCH, or the base with RSRUN_ENV_BRANCH', () => {
    expect(splitEnvName('test:feature/x', {})).to.deep.equal({ base: 'test', branch: 'feature/x' });
    expect(splitEnvName('test', { RSRUN_ENV_BRANCH: 'feature/y' })).to.deep.equal({ base: 'test', branch: 'feature/y' });
    expect(splitEnvName('test', {})).to.deep.equal({ base: 'test', branch: undefined });
    expect(() => splitEnvName('test:', {})).to.throw(ConfigError, /names no branch/);
  });

  describe('in the resolved configuration', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'rsrun-branch-names-'));
      writeFileSync(
        path.join(dir, 'rsrun.ini'),
        '[env.test]\nengine = postgres\nhost = 127.0.0.1\ndatabase = analytics\nbranch_max = 3\nbranch_clone = ref, lookup\nbranch_seed = seeds/branch\n',
      );
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('targets <base database>_<branch> on the same server, with the base settings', async () => {
      const c = await loadConfig({ projectDir: dir, env: 'test:Feature/X' }, {});
      expect(c.env.database).to.match(/^analytics_feature_x_[0-9a-f]{8}$/);
      expect(c.env.host).to.equal('127.0.0.1');
      expect(c.env.name).to.match(/^test\.feature_x_[0-9a-f]{8}$/);
      expect(c.env.branch).to.deep.include({ base: 'test', branch: 'Feature/X', baseDatabase: 'analytics' });
      expect(c.env.branches).to.deep.equal({ seed: path.join(dir, 'seeds/branch'), clone: ['ref', 'lookup'], max: 3 });
    });

    it('takes the branch from RSRUN_ENV_BRANCH when --env names only the base', async () => {
      const c = await loadConfig({ projectDir: dir }, { RSRUN_ENV: 'test', RSRUN_ENV_BRANCH: 'feature_y' });
      expect(c.env.database).to.equal('analytics_feature_y');
    });

    it('refuses branch_max = 0 at its line', async () => {
      writeFileSync(path.join(dir, 'rsrun.ini'), '[env.test]\nengine = postgres\nhost = h\nbranch_max = 0\n');
      const err = await loadConfig({ projectDir: dir, env: 'test:x' }, {}).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as ConfigError).describe())
        .to.contain('rsrun.ini:4')
        .and.to.contain('out of range');
    });
  });
});
