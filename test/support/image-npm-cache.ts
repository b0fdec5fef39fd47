/**
 * The offline npm cache the runner image's build stage installs from (docker/npm-cache), kept once
 * per machine and lockfile. Every image build of a test run (the container suites' shared image,
 * the Jenkinsfile end to end's `rsrun image build` in its workspace) and of later runs on the same
 * machine then sends Docker the same bytes, so the COPY of docker/npm-cache and the `npm ci` layer
 * above it come from Docker's layer cache instead of a fresh install (about 45 s of `npm ci` and
 * a minute of staging on the 2-core machine, per build). A fresh clone (`.ci/run`) has no
 * docker/npm-cache of its own, and staging anew writes a new cache (npm's index records times),
 * which is why the copy lives outside the clone.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { NPM_CACHE_DIR } from '../../runner/container/npm-staging';

const exec = promisify(execFile);
const STAMP = 'lockfile.sha256';
/** Staged caches of the most recent lockfiles kept (one is ~160 MB of hard links to itself only). */
const KEEP = 3;

export const MACHINE_NPM_CACHES = process.env.RSRUN_TEST_NPM_STAGE_DIR ?? path.join(homedir(), '.cache', 'rsrun-test', 'image-npm-cache');

async function lockHashOf(dir: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path.join(dir, 'package-lock.json')))
    .digest('hex');
}

/**
 * Hard-links this machine's staged cache for `dir`'s lockfile into `dir`/docker/npm-cache.
 * Returns the lockfile hash when there was one to link, undefined otherwise.
 */
export async function linkMachineNpmCache(dir: string): Promise<string | undefined> {
  const hash = await lockHashOf(dir);
  const kept = path.join(MACHINE_NPM_CACHES, hash);
  if (!(await stat(path.join(kept, STAMP)).catch(() => undefined))) return undefined;
  const target = path.join(dir, NPM_CACHE_DIR);
  await rm(path.join(target, '_cacache'), { recursive: true, force: true });
  await mkdir(target, { recursive: true });
  await exec('cp', ['-al', path.join(kept, '_cacache'), path.join(kept, STAMP), target]);
  return hash;
}

/** Keeps `dir`'s staged docker/npm-cache (current for its lockfile) as this machine's copy. */
export async function keepMachineNpmCache(dir: string): Promise<void> {
  const hash = await lockHashOf(dir);
  const kept = path.join(MACHINE_NPM_CACHES, hash);
  if (await stat(kept).catch(() => undefined)) return;
  await mkdir(MACHINE_NPM_CACHES, { recursive: true });
  // Linked into a private name first and renamed: a concurrent run never links a half-made copy.
  const partial = `${kept}.${process.pid}.partial`;
  await mkdir(partial);
  const source = path.join(dir, NPM_CACHE_DIR);
  await exec('cp', ['-al', path.join(source, '_cacache'), path.join(source, STAMP), partial]);
  await rename(partial, kept).catch(() => rm(partial, { recursive: true, force: true }));
  const others = await readdir(MACHINE_NPM_CACHES);
  const dated = await Promise.all(
    others.filter((n) => /^[0-9a-f]{64}$/.test(n)).map(async (n) => ({ n, t: (await stat(path.join(MACHINE_NPM_CACHES, n))).mtimeMs })),
  );
  for (const { n } of dated.sort((a, b) => b.t - a.t).slice(KEEP))
    await rm(path.join(MACHINE_NPM_CACHES, n), { recursive: true, force: true });
}
