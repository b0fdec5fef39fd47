/**
 * A run records what it deployed: commit, branch and author from git when the project is a
 * checkout (issue 15: the commit was blank outside Jenkins), CI variables overriding them, in
 * report.json, the store's index.json and index.html.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../support/cli';
import { TempProject } from '../support/project';

const NO_CI = { GIT_COMMIT: '', GIT_BRANCH: '', BRANCH_NAME: '', CHANGE_AUTHOR: '', BUILD_NUMBER: '', BUILD_URL: '' };

describe('provenance of a run', function () {
  this.timeout(180_000);
  let p: TempProject;
  let commit: string;
  before(() => {
    p = new TempProject('rsrun-provenance-');
    p.migration('V1__t.sql', 'CREATE TABLE t (id INT);\n');
    // Also exercises [project] keep_runs: after each run, only the newest run directory stays.
    p.write('rsrun.ini', '[project]\nkeep_runs = 1\n');
    const git = (...args: string[]) => execFileSync('git', ['-C', p.dir, ...args], { encoding: 'utf8' }).trim();
    git('init', '--quiet', '--initial-branch', 'feature/lineage');
    git('add', '.');
    git('-c', 'user.name=Ada Lovelace', '-c', 'user.email=ada@example.com', 'commit', '--quiet', '-m', 'first');
    commit = git('rev-parse', 'HEAD');
  });
  after(() => p.remove());

  const latestReport = () => {
    const runs = readdirSync(path.join(p.dir, 'reports'))
      .filter((d) => /^\d{8}T/.test(d))
      .sort();
    return JSON.parse(readFileSync(path.join(p.dir, 'reports', runs.at(-1) as string, 'report.json'), 'utf8')) as {
      build: Record<string, string>;
    };
  };

  it('takes commit, branch and author from git in report.json, index.json and index.html', async () => {
    const r = await runCli(['deploy', '--project-dir', p.dir], { env: NO_CI });
    expect(r.code, r.stderr).to.equal(0);
    expect(latestReport().build).to.include({ commit, branch: 'feature/lineage', author: 'Ada Lovelace <ada@example.com>' });
    const index = JSON.parse(readFileSync(path.join(p.dir, 'reports/store/local/index.json'), 'utf8')) as {
      runs: Record<string, string>[];
    };
    expect(index.runs[0]).to.include({ commit, branch: 'feature/lineage', author: 'Ada Lovelace <ada@example.com>' });
    const html = readFileSync(path.join(p.dir, 'reports/store/local/index.html'), 'utf8');
    expect(html).to.contain(commit.slice(0, 12)).and.to.contain('feature/lineage').and.to.contain('Ada Lovelace &lt;ada@example.com&gt;');
  });

  it('CI variables override git (Jenkins builds a detached HEAD)', async () => {
    const r = await runCli(['deploy', '--project-dir', p.dir], {
      env: { ...NO_CI, GIT_COMMIT: 'c0ffee', BRANCH_NAME: 'main', RSRUN_GIT_AUTHOR: 'jenkins' },
    });
    expect(r.code, r.stderr).to.equal(0);
    expect(latestReport().build).to.include({ commit: 'c0ffee', branch: 'main', author: 'jenkins' });
    expect(readdirSync(path.join(p.dir, 'reports')).filter((d) => /^\d{8}T/.test(d))).to.have.length(1);
  });
});
