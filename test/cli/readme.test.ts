/**
 * The README's commands, run as a new user would, in a fresh clone of what is committed:
 * - "Quick start": install-and-run deploys and tests the example project on the embedded
 *   warehouse and points at the HTML report; the test command is the one CI runs.
 * - "Using rsrun on your project": every `sh` block, in order, in one shell, from the folder that
 *   holds the clone (`rsrun/`): build the package, install it in a new project, `rsrun init`,
 *   deploy, and a PostgreSQL environment.
 * - The README's rsrun.ini key reference and exit-code table say what the code says.
 */
import { expect } from 'chai';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { EXIT_CODES } from '../../runner/cli/help';
import { renderKeyReference, KEY_REFERENCE_END, KEY_REFERENCE_START } from '../../runner/config/key-reference';
import { PG_URL, requirePostgres } from '../support/engines';
import { startLocalRegistry } from '../support/npm-registry';

const ROOT = path.resolve(__dirname, '../..');

function section(readme: string, title: string): string {
  const found = readme.split(/^## /m).find((s) => s.startsWith(title));
  if (!found) throw new Error(`README has no "${title}" section`);
  return found;
}

/** The shell commands of a README section's ```sh blocks, in order. */
export function shellBlocks(readme: string, title: string): string[] {
  return [...section(readme, title).matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => (m[1] as string).trim());
}

/** The shell commands of the README's "Quick start" section, in order. */
export function quickStartCommands(readme: string): string[] {
  return shellBlocks(readme, 'Quick start');
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
  this.timeout(1_200_000);
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const [installAndRun, testCommand] = quickStartCommands(readme);
  const sandbox = mkdtempSync(path.join(tmpdir(), 'rsrun-readme-'));
  const clone = path.join(sandbox, 'rsrun');
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
  before(() => {
    // A fresh clone of what is committed, as a new user gets it.
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, clone]);
  });
  after(() => rmSync(sandbox, { recursive: true, force: true }));

  it('shows exactly two quick-start commands, and CI runs the test command', () => {
    expect(installAndRun).to.equal('npm install && npm start');
    expect(testCommand).to.equal('npm test');
    expect(readFileSync(path.join(ROOT, '.ci/run'), 'utf8')).to.match(/^npm test$/m);
  });

  it('install-and-run deploys and tests the example project in a fresh clone, printing the report path', async () => {
    const first = await sh(installAndRun as string, clone, env, 900_000);
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
  });

  it('"Using rsrun on your project": every command, from installing the package to a PostgreSQL environment', async function () {
    const blocks = shellBlocks(readme, 'Using rsrun on your project');
    expect(blocks.join('\n'))
      .to.match(/npm pack/)
      .and.to.match(/npx rsrun init/)
      .and.to.match(/--env ci/);
    await requirePostgres(this);
    const database = `rsrun_readme_${process.pid}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const registry = await startLocalRegistry(path.join(ROOT, 'package-lock.json'), path.join(process.env.HOME ?? '/root', '.npm'));
    try {
      await admin.query(`CREATE DATABASE ${database}`);
      mkdirSync(path.join(sandbox, 'home'));
      const using: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: path.join(sandbox, 'home'),
        // The machine's npm cache, and a loopback registry serving it for what a new project resolves.
        npm_config_cache: path.join(process.env.HOME ?? '/root', '.npm'),
        npm_config_registry: registry.url,
        npm_config_prefer_offline: 'true',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
        npm_config_update_notifier: 'false',
        // Each test owns its database: the README's [env.ci] gets one through its variable.
        RSRUN_CI_DATABASE: database,
        NO_COLOR: '1',
      };
      const r = await sh(['set -euo pipefail', ...blocks].join('\n'), sandbox, using, 1_000_000);
      expect(r.code, r.out.slice(-6000)).to.equal(0);
      expect(r.out).to.match(/^0\.\d+\.\d+$/m);
      expect(r.out)
        .to.match(/run \S+: PASSED on local/)
        .and.to.match(/run \S+: PASSED on ci/);
      expect(r.out).to.contain('"pending": []');
      const project = path.join(sandbox, 'my-warehouse');
      expect(existsSync(path.join(project, 'migrations', 'V1__example.sql'))).to.equal(true);
      // What test/adoption/distribution.test.ts checked of the same `npm pack` + `npm install
      // --save-dev` path before this test was its only run: the installed package brings no dev
      // dependency, a deploy points at a report that exists, and a failing SQL test exits 1.
      expect(readdirSync(path.join(project, 'node_modules')))
        .to.include('rsrun')
        .and.not.to.include.members(['typescript', 'mocha', 'tsx']);
      const report = /report: (\S+report\.html)/.exec(r.out)?.[1];
      expect(report && existsSync(path.join(project, report)), r.out.slice(-4000)).to.equal(true);
      expect(r.out).to.match(/migrations: 1 applied/);
      writeFileSync(
        path.join(project, 'tests', 'failing.sql'),
        "-- rsrun:test no event is a login\nSELECT event_id FROM app.events WHERE event_type = 'login';\n",
      );
      const failing = await sh('npx rsrun deploy', project, using, 300_000);
      expect(failing.code, failing.out.slice(-4000)).to.equal(1);
      expect(failing.out).to.match(/tests: 2 passed, 1 failed/);
    } finally {
      await registry.close();
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('the rsrun.ini key reference is the one generated from the key table', () => {
    const start = readme.indexOf(KEY_REFERENCE_START);
    const end = readme.indexOf(KEY_REFERENCE_END) + KEY_REFERENCE_END.length;
    expect(readme.slice(start, end), 'run: node --import tsx scripts/update-readme-keys.ts').to.equal(renderKeyReference());
  });

  it('the exit-code table says what `rsrun --help` says', () => {
    const rows = [...section(readme, 'Using rsrun on your project').matchAll(/^\| (\d+) \| (.+) \|$/gm)].map(
      (m) => [Number(m[1]), (m[2] as string).replace(/`/g, '')] as [number, string],
    );
    expect(rows).to.deep.equal(EXIT_CODES);
  });
});
