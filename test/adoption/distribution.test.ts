/**
 * rsrun reaches a user's project three ways, each tried from a clean temp directory outside the
 * repository, with the commands a user types: the `npm pack` tarball (`npm i -D`, `npm i -g`) and
 * a git URL (npm builds it through `prepare`) here; the runner image used as a CLI in
 * test/container/image-as-cli.test.ts (with the other Docker-bound suites). npm talks to a
 * registry on loopback that serves this machine's npm cache (test/support/npm-registry.ts).
 */
import { expect } from 'chai';
import { execFile, type ExecFileOptions } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PG_URL, requirePostgres } from '../support/engines';
import { startLocalRegistry, type LocalRegistry } from '../support/npm-registry';

const REPO = path.resolve(__dirname, '../..');
const VERSION = (require(path.join(REPO, 'package.json')) as { version: string }).version;

interface Run {
  code: number;
  out: string;
}

function sh(file: string, args: string[], options: ExecFileOptions & { timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 600_000, ...options }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code as number) : 1) : 0;
      resolve({ code, out: `${String(stdout)}${String(stderr)}` });
    });
  });
}

describe('distribution: installing rsrun outside the repository', function () {
  this.timeout(900_000);
  const root = mkdtempSync(path.join(tmpdir(), 'rsrun-dist-'));
  const tarball = path.join(root, `rsrun-${VERSION}.tgz`);
  let registry: LocalRegistry;
  // npm as a user runs it, but against the loopback registry and a cache of its own.
  const npmEnv = (): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: root,
    npm_config_registry: registry.url,
    npm_config_cache: path.join(root, 'npm-cache'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    NO_COLOR: '1',
  });
  const npm = (cwd: string, ...args: string[]) => sh('npm', args, { cwd, env: npmEnv() });
  const rsrun = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
    sh(path.join(cwd, 'node_modules/.bin/rsrun'), args, { cwd, env: { ...npmEnv(), ...env }, timeoutMs: 300_000 });

  before(async function () {
    // What CI checks out: the committed tree, packed by npm (prepare builds dist/ first).
    const src = path.join(root, 'src');
    mkdirSync(src);
    const exported = await sh('sh', ['-c', `git -C "${REPO}" archive --format=tar HEAD | tar -x -C "${src}"`]);
    expect(exported.code, exported.out).to.equal(0);
    symlinkSync(path.join(REPO, 'node_modules'), path.join(src, 'node_modules'));
    registry = await startLocalRegistry(path.join(REPO, 'package-lock.json'), path.join(process.env.HOME ?? '/root', '.npm'));
    const packed = await npm(src, 'pack', '--pack-destination', root);
    expect(packed.code, packed.out).to.equal(0);
    expect(existsSync(tarball), packed.out).to.equal(true);
  });
  after(async () => {
    await registry?.close();
    rmSync(root, { recursive: true, force: true });
  });

  describe('the npm pack tarball, as a dev dependency', () => {
    const project = path.join(root, 'my-warehouse');
    const database = `rsrun_dist_${process.pid}`;
    let admin: pg.Client | undefined;
    after(async () => {
      await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin?.end();
    });

    it('installs with a working bin and no dev dependencies', async () => {
      mkdirSync(project);
      expect((await npm(project, 'init', '-y')).code).to.equal(0);
      const installed = await npm(project, 'install', '--save-dev', tarball);
      expect(installed.code, installed.out).to.equal(0);
      expect(readdirSync(path.join(project, 'node_modules')))
        .to.include('rsrun')
        .and.not.to.include.members(['typescript', 'mocha', 'tsx']);
      const version = await rsrun(project, ['--version']);
      expect(version.out.trim()).to.equal(VERSION);
    });

    it('rsrun init, then deploy: exit 0 and a report', async () => {
      expect((await rsrun(project, ['init'])).code).to.equal(0);
      const deploy = await rsrun(project, ['deploy']);
      expect(deploy.code, deploy.out).to.equal(0);
      const report = /report: (\S+report\.html)/.exec(deploy.out)?.[1];
      expect(report && existsSync(path.join(project, report)), deploy.out).to.equal(true);
    });

    it('a failing test: exit 1', async () => {
      const failing = path.join(project, 'tests', 'failing.sql');
      writeFileSync(failing, "-- rsrun:test no event is a login\nSELECT event_id FROM app.events WHERE event_type = 'login';\n");
      const deploy = await rsrun(project, ['deploy']);
      expect(deploy.code, deploy.out).to.equal(1);
      expect(deploy.out).to.match(/tests: 2 passed, 1 failed/);
      unlinkSync(failing);
    });

    it('a postgres environment on the test PostgreSQL: exit 0 with no extra setting', async function () {
      await requirePostgres(this);
      admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${database}`);
      const url = new URL(PG_URL);
      appendFileSync(
        path.join(project, 'rsrun.ini'),
        `\n[env.ci]\nengine = postgres\nhost = ${url.hostname}\nport = ${url.port || 5432}\nuser = ${decodeURIComponent(url.username)}\npassword = \${RSRUN_CI_PASSWORD}\ndatabase = ${database}\n`,
      );
      const deploy = await rsrun(project, ['deploy', '--env', 'ci'], { RSRUN_CI_PASSWORD: decodeURIComponent(url.password) });
      expect(deploy.code, deploy.out).to.equal(0);
      expect(deploy.out)
        .to.match(/PASSED on ci/)
        .and.to.match(/migrations: 1 applied/);
    });
  });

  it('the tarball installed globally (npm i -g): rsrun on the PATH', async () => {
    const prefix = path.join(root, 'global');
    const installed = await npm(root, 'install', '-g', '--prefix', prefix, tarball);
    expect(installed.code, installed.out).to.equal(0);
    const dir = path.join(root, 'global-project');
    const init = await sh(path.join(prefix, 'bin/rsrun'), ['init', dir], { env: npmEnv() });
    expect(init.code, init.out).to.equal(0);
    const lint = await sh('rsrun', ['lint'], { cwd: dir, env: { ...npmEnv(), PATH: `${path.join(prefix, 'bin')}:${process.env.PATH}` } });
    expect(lint.code, lint.out).to.equal(0);
    expect(lint.out).to.contain('2 files checked: 0 errors');
  });

  it('a git URL: npm installs and builds it (prepare)', async () => {
    const bare = path.join(root, 'rsrun.git');
    expect((await sh('git', ['clone', '--quiet', '--bare', REPO, bare])).code).to.equal(0);
    const project = path.join(root, 'from-git');
    mkdirSync(project);
    await npm(project, 'init', '-y');
    const installed = await npm(project, 'install', '--save-dev', `git+file://${bare}`);
    expect(installed.code, installed.out).to.equal(0);
    // prepare ran the build: the bundled CLI that bin/rsrun.js loads exists.
    expect(existsSync(path.join(project, 'node_modules/rsrun/dist/rsrun.js'))).to.equal(true);
    expect((await rsrun(project, ['--version'])).out.trim()).to.equal(VERSION);
    expect((await rsrun(project, ['init'])).code).to.equal(0);
    const lint = await rsrun(project, ['lint']);
    expect(lint.code, lint.out).to.equal(0);
  });
});
