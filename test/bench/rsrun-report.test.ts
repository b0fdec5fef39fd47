/**
 * How the benchmark reads back an `rsrun test` run (report.json, the test phase from run.log, the
 * error line of stderr): against what the built CLI really writes, so a change of its formats
 * shows here instead of as a wrong figure in the benchmark table.
 */
import { expect } from 'chai';
import path from 'node:path';
import { errorLine } from '../../bench/lib/process';
import { newestReport, testPhaseMs } from '../../bench/lib/rsrun-report';
import { runCli } from '../support/cli';
import { TempProject } from '../support/project';

describe('bench: reading back an rsrun run', function () {
  this.timeout(180_000);

  it('finds the newest report, its tests and a test phase inside the run', async () => {
    const project = new TempProject('rsrun-bench-report-');
    try {
      project.write('rsrun.ini', '[project]\nname = bench\n\n[env.local]\nengine = embedded\nemulate_redshift = false\n');
      project.write('tests/ok.sql', 'SELECT 1 AS n WHERE false;\n');
      project.write('tests/sleepy.sql', 'SELECT s FROM (SELECT pg_sleep(0.05)::text AS s) AS x WHERE s IS NULL;\n');
      project.write('tests/bad.sql', "SELECT 'offending' AS reason;\n");
      const before = Date.now();
      const r = await runCli(['--project-dir', project.dir, 'test'], { cwd: project.dir });
      expect(r.code, r.stderr).to.equal(1);

      const report = await newestReport(path.join(project.dir, 'reports'), before - 1000);
      expect(report.tests.map((t) => [path.basename(t.id.split('::')[0]!), t.status]).sort()).to.deep.equal([
        ['bad.sql', 'failed'],
        ['ok.sql', 'passed'],
        ['sleepy.sql', 'passed'],
      ]);
      const phase = testPhaseMs(report.runLog);
      expect(phase, 'test phase found in run.log').to.be.a('number');
      expect(phase!).to.be.at.least(50).and.at.most(report.durationMs);
      await expectRejects(newestReport(path.join(project.dir, 'reports'), Date.now() + 60_000), /no report\.json/);
    } finally {
      project.remove();
    }
  });

  it('quotes the rsrun error line of a failed command, even when the program name is masked', () => {
    const stderr = '{"level":"error"}\n***: error: V3__x.sql:2:1: statement 2 of 4 failed\n  hint: fix it\n';
    expect(errorLine(stderr)).to.equal('***: error: V3__x.sql:2:1: statement 2 of 4 failed');
    expect(errorLine('rsrun: error: no such env\n  hint: x\n')).to.equal('rsrun: error: no such env');
    expect(errorLine('something else\nlast line\n')).to.equal('last line');
  });

  it('has no test phase in a log without test outcomes', () => {
    const log = [
      { timestamp: '2026-01-01T00:00:00.000Z', level: 'info', message: 'run x: test on environment e' },
      { timestamp: '2026-01-01T00:00:00.100Z', level: 'info', message: 'running 0 of 0 tests with concurrency 8' },
    ]
      .map((e) => JSON.stringify(e))
      .join('\n');
    expect(testPhaseMs(log)).to.equal(undefined);
    expect(testPhaseMs(`${log}\n${JSON.stringify({ timestamp: '2026-01-01T00:00:01.350Z', test: 't', status: 'passed' })}`)).to.equal(1250);
  });
});

async function expectRejects(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await p;
  } catch (err) {
    expect((err as Error).message).to.match(pattern);
    return;
  }
  expect.fail('expected a rejection');
}
