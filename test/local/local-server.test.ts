/**
 * The embedded warehouse across processes: the resident local server (`rsrun local start|stop|status`)
 * and the in-process fallback, each under concurrent commands, through the built CLI.
 */
import { expect } from 'chai';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { mayStartServer } from '../../runner/local/open-embedded';
import { runCli, type CliResult } from '../support/cli';
import { TempProject } from '../support/project';

function writeProject(p: TempProject): void {
  p.write('rsrun.ini', '[project]\nname = local-server\n');
  p.migration('V1__schema.sql', 'create schema shop;\ncreate table shop.events (id int, note varchar(40));');
  for (let i = 2; i <= 6; i++) p.migration(`V${i}__step.sql`, `insert into shop.events values (${i}, 'step ${i}');`);
}

const cli = (p: TempProject, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
  runCli(['--project-dir', p.dir, ...args], { env: { RSRUN_LOCAL_SERVER: 'off', ...env }, timeoutMs: 180_000 });

/** The history as `info --json` reports it: version → number of successful rows. */
async function appliedVersions(p: TempProject): Promise<Record<string, number>> {
  const r = await cli(p, ['info', '--json']);
  expect(r.code, r.stderr).to.equal(0);
  const info = JSON.parse(r.stdout) as { applied: { version: string | null; success: boolean }[] };
  const counts: Record<string, number> = {};
  for (const a of info.applied) if (a.success && a.version) counts[a.version] = (counts[a.version] ?? 0) + 1;
  return counts;
}

const EACH_ONCE = { '1': 1, '2': 1, '3': 1, '4': 1, '5': 1, '6': 1 };

/** Waits (bounded) until `status --json` says what we expect: a condition, not a duration. */
async function untilStatus(p: TempProject, running: boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await cli(p, ['local', 'status', '--json']);
    if ((JSON.parse(r.stdout) as { running: boolean }).running === running) return;
    if (Date.now() > deadline) throw new Error(`server still ${running ? 'not running' : 'running'} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

describe('resident local server', function () {
  this.timeout(600_000);
  let p: TempProject;

  beforeEach(() => {
    p = new TempProject('rsrun-local-');
    writeProject(p);
  });

  afterEach(async () => {
    await cli(p, ['local', 'stop']);
    p.remove();
  });

  it('serves concurrent commands: racing deploys apply each migration once, and the data outlives the server', async () => {
    const start = await cli(p, ['local', 'start', '--json']);
    expect(start.code, start.stderr).to.equal(0);
    const info = JSON.parse(start.stdout) as { pid: number; host: string };
    expect(info.host, 'a Unix socket in the project state directory').to.equal(path.join(p.dir, '.rsrun', 'local'));

    const runs = await Promise.all([1, 2, 3].map(() => cli(p, ['deploy', '--no-tests'])));
    for (const r of runs) expect(r.code, r.stderr).to.equal(0);
    const applied = runs.map((r) => Number(/migrations: (\d+) applied/.exec(r.stdout)?.[1]));
    expect(
      applied.reduce((a, b) => a + b, 0),
      'each migration applied by exactly one run',
    ).to.equal(6);
    expect(await appliedVersions(p)).to.deep.equal(EACH_ONCE);

    const stop = await cli(p, ['local', 'stop']);
    expect(stop.stdout).to.contain(`pid ${info.pid}`);
    expect(existsSync(path.join(p.dir, '.rsrun', 'local', 'server.json'))).to.equal(false);
    // Now in-process: the directory lock was released and the data is on disk.
    expect(await appliedVersions(p)).to.deep.equal(EACH_ONCE);
  });

  it('without a server, a second command waits for the data directory or is refused, and nothing is applied twice', async () => {
    const runs = await Promise.all([1, 2].map(() => cli(p, ['deploy', '--no-tests'])));
    for (const r of runs) {
      if (r.code !== 0) {
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stderr).to.match(/is in use by another rsrun process/);
      }
    }
    expect(runs.some((r) => r.code === 0)).to.equal(true);
    expect(await appliedVersions(p)).to.deep.equal(EACH_ONCE);
  });

  it('ignores a server.json left by a server that died, without signalling its pid', async () => {
    const file = path.join(p.dir, '.rsrun', 'local', 'server.json');
    p.write('.rsrun/local/.keep', '');
    // pid 1 would be the worst process to signal; the dead socket must stop that from happening.
    writeFileSync(file, JSON.stringify({ pid: 1, host: path.dirname(file), port: 5439, version: '0.1.0' }));
    const status = await cli(p, ['local', 'status', '--json']);
    expect(JSON.parse(status.stdout)).to.deep.equal({ running: false });
    const deploy = await cli(p, ['deploy', '--no-tests']);
    expect(deploy.code, deploy.stderr).to.equal(0);
    const stop = await cli(p, ['local', 'stop']);
    expect(stop.stdout).to.contain('no local server runs');
    expect(existsSync(file)).to.equal(false);
  });

  it('--fresh stops a running server and starts from an empty warehouse', async () => {
    expect((await cli(p, ['local', 'start'])).code).to.equal(0);
    expect((await cli(p, ['deploy', '--no-tests'])).code).to.equal(0);
    p.migration('V7__more.sql', 'create table shop.more (a int);');
    const fresh = await cli(p, ['deploy', '--no-tests', '--fresh']);
    expect(fresh.code, fresh.stderr).to.equal(0);
    expect(fresh.stdout).to.match(/migrations: 7 applied/);
    await untilStatus(p, false, 5_000);
  });

  it('stops by itself after --idle-timeout with no client', async () => {
    expect((await cli(p, ['local', 'start', '--idle-timeout', '1s'])).code).to.equal(0);
    await untilStatus(p, false);
    expect(existsSync(path.join(p.dir, '.rsrun', 'local', 'server.json'))).to.equal(false);
  });

  it('refuses an environment that is not embedded, with exit 2', async () => {
    p.write('rsrun.ini', '[project]\nname = x\n\n[env.pg]\nengine = postgres\nhost = 127.0.0.1\n');
    const r = await cli(p, ['local', 'start', '--env', 'pg']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/engine = postgres: a local server serves an embedded warehouse only/);
  });
});

describe('when a command may start a local server', () => {
  it('only for a person at a terminal, unless RSRUN_LOCAL_SERVER says otherwise', () => {
    expect(mayStartServer({}, true)).to.equal(true);
    expect(mayStartServer({}, false)).to.equal(false);
    expect(mayStartServer({ CI: 'true' }, true)).to.equal(false);
    expect(mayStartServer({ RSRUN_LOCAL_SERVER: 'off' }, true)).to.equal(false);
    expect(mayStartServer({ RSRUN_LOCAL_SERVER: 'auto', CI: 'true' }, false)).to.equal(true);
  });
});
