/**
 * `rsrun undo` is a recorded run like migrate: its run directory holds the U scripts that ran and
 * the history table after it (history.json), which the report site reads for the schema state.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../support/cli';
import { TempProject } from '../support/project';

describe('rsrun undo run directory', function () {
  this.timeout(120_000);
  let p: TempProject;
  before(() => {
    p = new TempProject('rsrun-undo-');
    p.migration('V1__customers.sql', 'create table customers (id int);');
    p.migration('V2__orders.sql', 'create table orders (id int);');
    p.migration('U2__orders.sql', 'drop table orders;');
  });
  after(() => p.remove());

  const run = (...args: string[]) => runCli(['--project-dir', p.dir, ...args], { cwd: p.dir });

  it('writes history.json and the undo script beside the reports', async () => {
    const migrate = await run('migrate');
    expect(migrate.code, migrate.stderr).to.equal(0);
    const undo = await run('undo', '--to', '1', '--json');
    expect(undo.code, undo.stderr).to.equal(0);
    const { runId } = JSON.parse(undo.stdout) as { runId: string };
    const runDir = path.join(p.dir, 'reports', runId);
    expect(existsSync(path.join(runDir, 'report.json')), `run directory ${runDir}`).to.equal(true);
    const history = JSON.parse(readFileSync(path.join(runDir, 'history.json'), 'utf8')) as { version: string | null; type: string }[];
    expect(history.map((r) => [r.version, r.type])).to.deep.equal([
      ['1', 'versioned'],
      ['2', 'versioned'],
      ['2', 'undo'],
    ]);
    expect(readFileSync(path.join(runDir, 'sql', 'U2__orders.sql'), 'utf8')).to.equal('drop table orders;');
  });
});
