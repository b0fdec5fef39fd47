/**
 * What a new user reads first: `rsrun --help` (examples, exit codes), a command's own help (its
 * options first, the global ones that apply in one block), warnings for options that do not apply,
 * `rsrun reports prune`, and seed INI tests named by what they check.
 */
import { expect } from 'chai';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT_CODES } from '../../runner/cli/help';
import { parseConfigIni } from '../../runner/testing/config-ini';
import { testsFromIni } from '../../runner/testing/ini-tests';
import { runCli } from '../support/cli';
import { TempProject } from '../support/project';

describe('help, warnings and housekeeping', () => {
  it('rsrun --help shows examples and every exit code', async () => {
    const r = await runCli(['--help']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.contain('Examples:\n  rsrun init my-warehouse');
    for (const [code, meaning] of EXIT_CODES) expect(r.stdout).to.contain(`${String(code).padStart(2)}  ${meaning}`);
  });

  it("a command's help lists its own options, then the global ones that apply in one block", async () => {
    const r = await runCli(['test', '--help']);
    const [own, globals] = r.stdout.split('Global options');
    expect(own).to.contain('--grep <regex>').and.to.contain('--shard <i/n>');
    expect(own).not.to.contain('--project-dir').and.not.to.contain('--fresh');
    expect(globals).to.contain('-e, --env <name>').and.to.contain('--fresh');
    expect(globals?.trim().split('\n').length).to.be.at.most(4);
  });

  it('options that do not apply are left out of the help, and warned about when given', async () => {
    const help = await runCli(['image', '--help']);
    expect(help.stdout).not.to.match(/--fresh|--database|Global options/);
    const p = new TempProject('rsrun-help-');
    try {
      const r = await runCli(['--fresh', 'lint', '--database', 'x', '-C', p.dir]);
      expect(r.code).to.equal(0);
      expect(r.stderr).to.contain('rsrun: warning: --fresh does not apply to `rsrun lint`: ignored');
      expect(r.stderr).to.contain('rsrun: warning: --database does not apply to `rsrun lint`: ignored');
    } finally {
      p.remove();
    }
  });

  it('rsrun reports prune --keep N deletes old run directories, never one not shipped yet', async () => {
    const p = new TempProject('rsrun-prune-');
    try {
      const runs = ['20261101T000000Z-aaaaaa', '20261102T000000Z-bbbbbb', '20261103T000000Z-cccccc', '20261104T000000Z-dddddd'];
      for (const r of runs) mkdirSync(path.join(p.dir, 'reports', r), { recursive: true });
      writeFileSync(path.join(p.dir, 'reports', runs[0] as string, '.rsrun-pending.json'), '{}');
      mkdirSync(path.join(p.dir, 'reports', 'store'));
      const r = await runCli(['reports', 'prune', '--keep', '2', '-C', p.dir, '--json']);
      expect(r.code, r.stderr).to.equal(0);
      expect(JSON.parse(r.stdout)).to.deep.equal({ kept: [runs[3], runs[2]], deleted: [runs[1]], pending: [runs[0]] });
      expect(readdirSync(path.join(p.dir, 'reports')).sort()).to.deep.equal([runs[0], runs[2], runs[3], 'store']);
      const missing = await runCli(['reports', 'prune', '-C', p.dir]);
      expect(missing.code).to.equal(2);
      expect(missing.stderr).to.contain('[project] keep_runs');
    } finally {
      p.remove();
    }
  });

  it('seed INI tests are named by what they check; their ids stay testN', () => {
    const [t0] = testsFromIni(
      parseConfigIni('[TESTSUITE_v01]\ntest0 = select count(*)\n    from orders;\n[RESULTS]\ntest0=76000000\n', 'test_cases.ini'),
      'test_cases.ini',
    );
    expect(t0?.name).to.equal('test0: select count(*) from orders → 76000000');
    expect(t0?.id).to.equal('test_cases.ini[TESTSUITE_v01]::test0');
  });
});
