/**
 * rsrun reaches a user's project three ways, each tried from a clean temp directory outside the
 * repository, with the commands a user types: the `npm pack` tarball installed globally
 * (`npm i -g`) and a git URL (npm builds it through `prepare`) here; the same tarball as a dev
 * dependency (`npm i -D`, then init, deploy, a failing test, a PostgreSQL environment) in the
 * README suite (test/cli/readme.test.ts), whose "Using rsrun on your project" commands are exactly
 * that: one install of it instead of two saves ~25 s of npm's CPU per run; the runner image used as
 * a CLI in test/container/image-as-cli.test.ts (with the other Docker-bound suites). npm talks to
 * a registry on loopback that serves this machine's npm cache (test/support/npm-registry.ts).
 */
import { expect } from 'chai';
import { execFile, type ExecFileOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalRegistry, type LocalRegistry } from '../support/npm-registry';

const REPO = path.resolve(__dirname, '../..');
const VERSION = (require(path.join(REPO, 'package.json')) as { version: string }).version;

interface Run {
  code: number;
  out: string;
}

function sh(file: string, args: string[], options: ExecFileOptions & { timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, { maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 1_200_000, ...options }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code as number) : 1) : 0;
      resolve({ code, out: `${String(stdout)}${String(stderr)}` });
    });
  });
}

describe('distribution: installing rsrun outside the repository', function () {
  // Bounds, not measures: the git URL install (npm installs and builds the whole dev tree) took
  // 84 s at load ~4 and 510 s at load 4-25 on the 2-core machine, near the former 600 s limit.
  this.timeout(1_500_000);
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
