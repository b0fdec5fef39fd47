/**
 * Offline dependencies for the image's build stage.
 *
 * The Dockerfile's build stage runs `npm ci`. Where containers can reach the npm registry that is
 * all it needs. On machines where they cannot (measured on this project's CI machines: the bridge
 * network reaches registry.npmjs.org only through a TLS-intercepting egress proxy whose CA the
 * container does not trust, so `npm ci` fails with SELF_SIGNED_CERT_IN_CHAIN), the host, which can
 * reach the registry, fills an npm cache with exactly the lockfile's packages and the build stage
 * runs `npm ci --offline` against it. The cache lives in `docker/npm-cache/` (ignored by git) and
 * is refilled only when package-lock.json changes, so the COPY layer and the `npm ci` layer stay
 * cached between builds.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ContainerError, messageOf } from '../errors';

const run = promisify(execFile);

export const NPM_CACHE_DIR = path.join('docker', 'npm-cache');
const STAMP = 'lockfile.sha256';

/** Whether the offline cache in `contextDir` already matches the lockfile. */
export async function stagedFor(contextDir: string): Promise<{ current: boolean; lockHash: string }> {
  const lock = await readFile(path.join(contextDir, 'package-lock.json'));
  const lockHash = createHash('sha256').update(lock).digest('hex');
  const stamp = await readFile(path.join(contextDir, NPM_CACHE_DIR, STAMP), 'utf8').catch(() => '');
  return { current: stamp.trim() === lockHash, lockHash };
}

/**
 * Fills `docker/npm-cache/_cacache` with every package of package-lock.json by running `npm ci`
 * on the host into a scratch directory. Returns false when it was already current.
 */
export async function stageNpmCache(contextDir: string, log: (line: string) => void): Promise<boolean> {
  const { current, lockHash } = await stagedFor(contextDir);
  if (current) return false;
  const cacheDir = path.join(contextDir, NPM_CACHE_DIR);
  const scratch = await mkdtemp(path.join(tmpdir(), 'rsrun-npm-stage-'));
  try {
    await rm(path.join(cacheDir, '_cacache'), { recursive: true, force: true });
    await mkdir(cacheDir, { recursive: true });
    await cp(path.join(contextDir, 'package.json'), path.join(scratch, 'package.json'));
    await cp(path.join(contextDir, 'package-lock.json'), path.join(scratch, 'package-lock.json'));
    log(`staging npm dependencies for the image build into ${NPM_CACHE_DIR} (lockfile changed)`);
    // npm writes its debug logs under the cache by default (<cache>/_logs): a new file each time
    // would change the COPY of docker/npm-cache and miss Docker's layer cache for the same lockfile.
    const logsDir = path.join(tmpdir(), 'rsrun-npm-stage-logs');
    await run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--cache', cacheDir, '--logs-dir', logsDir], {
      cwd: scratch,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 10 * 60_000,
    });
    // A new file renamed over the stamp, never a write into it: the stamp may be a hard link to
    // another tree's (the test harness links a staged cache in), whose cache was not restaged.
    const stampTmp = path.join(cacheDir, `${STAMP}.${process.pid}.tmp`);
    await writeFile(stampTmp, `${lockHash}\n`);
    await rename(stampTmp, path.join(cacheDir, STAMP));
    return true;
  } catch (err) {
    throw new ContainerError(`could not stage npm dependencies for the image build: ${messageOf(err)}`, {
      cause: err,
      hint: 'check that this machine reaches the npm registry (npm ping), or build with --no-offline-deps where containers reach it',
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
