/**
 * The README's two commands, run as a new user would: in a fresh clone, the install-and-run
 * command deploys and tests the example project on the embedded warehouse and points at the
 * HTML report; the test command is the one CI runs.
 */
import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** The shell commands of the README's "Quick start" section, in order. */
export function quickStartCommands(readme: string): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Quick start'));
  if (!section) throw new Error('README has no "Quick start" section');
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => (m[1] as string).trim());
}

function sh(command: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('README commands', function () {
  this.timeout(600_000);
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const [installAndRun, testCommand] = quickStartCommands(readme);

  it('shows exactly two quick-start commands, and CI runs the test command', () => {
    expect(installAndRun).to.equal('npm install && npm start');
    expect(testCommand).to.equal('npm test');
    expect(readFileSync(path.join(ROOT, '.ci/run'), 'utf8')).to.match(/^npm test$/m);
  });

  it('install-and-run deploys and tests the example project in a fresh clone, printing the report path', async () => {
    const clone = mkdtempSync(path.join(tmpdir(), 'rsrun-readme-'));
    try {
      // A fresh clone of what is committed, as a new user gets it.
      execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone]);
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        // Tests reach only loopback: npm installs from this machine's cache, as the same command
        // would from the registry.
        npm_config_offline: 'true',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        NO_COLOR: '1',
      };
      const first = await sh(installAndRun as string, clone, env, 540_000);
      expect(first.code, first.out.slice(-4000)).to.equal(0);
      expect(first.out).to.match(/run \S+: PASSED on local/);
      const report = /report: (\S+report\.html)/.exec(first.out)?.[1];
      expect(report, first.out.slice(-2000)).to.be.a('string');
      expect(existsSync(path.resolve(clone, report as string))).to.equal(true);
      expect(first.out).to.match(/migrations: \d+ applied/);

      // The same command again: nothing new to apply, still green.
      const second = await sh('npm start', clone, env, 120_000);
      expect(second.code, second.out.slice(-4000)).to.equal(0);
      expect(second.out).to.match(/migrations: 0 applied/);
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });
});
