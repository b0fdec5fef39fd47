/**
 * Read-only commands on an embedded warehouse that does not exist yet (a fresh checkout) answer
 * from the migration files alone: everything pending, nothing applied, and the engine is never
 * started, so no data directory appears (issue 16: the first command of a new user).
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../support/cli';
import { TempProject } from '../support/project';

describe('read-only commands before the embedded warehouse exists', function () {
  this.timeout(120_000);
  let p: TempProject;
  before(() => {
    p = new TempProject('rsrun-readonly-');
    p.migration('V1__customers.sql', 'create table customers (id int);');
    p.migration('V2__orders.sql', 'create table orders (id int);');
  });
  after(() => p.remove());

  const run = (...args: string[]) => runCli(['--project-dir', p.dir, ...args], { cwd: p.dir });
  const dataDir = () => path.join(p.dir, '.rsrun', 'local', 'pgdata');

  it('plan, info and validate answer "nothing applied" without creating the warehouse', async () => {
    const plan = await run('plan');
    expect(plan.code, plan.stderr).to.equal(0);
    expect(plan.stdout).to.contain('current version: none').and.to.contain('2 migration(s) to apply');

    const info = await run('info', '--json');
    expect(info.code, info.stderr).to.equal(0);
    const parsed = JSON.parse(info.stdout) as { current: string | null; applied: unknown[]; pending: { version: string }[] };
    expect(parsed.current).to.equal(null);
    expect(parsed.applied).to.deep.equal([]);
    expect(parsed.pending.map((m) => m.version)).to.deep.equal(['1', '2']);

    const validate = await run('validate');
    expect(validate.code, validate.stderr).to.equal(0);
    expect(validate.stdout).to.contain('valid: 0 applied migration(s) match their files; 2 pending');

    expect(existsSync(dataDir()), 'the embedded engine was started').to.equal(false);
  });

  it('once migrate created it, the same commands read its history', async () => {
    const migrate = await run('migrate');
    expect(migrate.code, migrate.stderr).to.equal(0);
    expect(existsSync(dataDir())).to.equal(true);
    const info = await run('info', '--json');
    expect(info.code, info.stderr).to.equal(0);
    const parsed = JSON.parse(info.stdout) as { current: string | null; applied: { version: string }[]; pending: unknown[] };
    expect(parsed.current).to.equal('2');
    expect(parsed.applied.map((m) => m.version)).to.deep.equal(['1', '2']);
    expect(parsed.pending).to.deep.equal([]);
  });
});
