/**
 * Shared set-up of the container suites: the Docker engine, the local registry (with basic auth)
 * and the runner image, built once per mocha process from a clean export of the committed tree
 * (what Jenkins builds: a checkout of the pushed commit, without anyone's uncommitted edits),
 * installing from this machine's staged npm cache (../support/image-npm-cache.ts).
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, type Writable } from 'node:stream';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { connectDocker } from '../../runner/container/docker-client';
import { buildImage, type BuiltImage } from '../../runner/container/image-build';
import { stageNpmCache } from '../../runner/container/npm-staging';
import { keepMachineNpmCache, linkMachineNpmCache } from '../support/image-npm-cache';
import { requireService } from '../support/services';

const exec = promisify(execFile);
export const REPO = path.resolve(__dirname, '../..');
export const REGISTRY = process.env.RSRUN_TEST_REGISTRY ?? '127.0.0.1:5000';
export const REGISTRY_USER = process.env.RSRUN_TEST_REGISTRY_USER ?? 'rsrun';
export const REGISTRY_PASSWORD = process.env.RSRUN_TEST_REGISTRY_PASSWORD ?? 'rsrun-registry';
export const BASE_IMAGE = 'node:20-bookworm-slim';
export const REPOSITORY = 'rsrun-e2e';

export async function requireDocker(ctx: Mocha.Context): Promise<Docker> {
  let docker: Docker | undefined;
  await requireService(
    ctx,
    'the Docker engine with the local base image',
    async () => {
      docker = await connectDocker();
      await docker.getImage(BASE_IMAGE).inspect();
    },
    'run scripts/docker-setup.sh (as root)',
  );
  return docker as Docker;
}

export async function requireRegistry(ctx: Mocha.Context): Promise<void> {
  await requireService(
    ctx,
    `the local registry on ${REGISTRY}`,
    async () => {
      const res = await fetch(`http://${REGISTRY}/v2/`, {
        headers: { authorization: `Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64')}` },
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status} with the test credentials`);
    },
    'run scripts/start-local-registry.sh (as root)',
  );
}

let built: Promise<{ image: BuiltImage; commit: string; buildLog: string[]; context: string }> | undefined;

/** Exports HEAD (like a CI checkout), reuses the staged npm cache, builds the image once. */
export function buildOnce(docker: Docker): Promise<{ image: BuiltImage; commit: string; buildLog: string[]; context: string }> {
  built ??= (async () => {
    const { stdout } = await exec('git', ['rev-parse', 'HEAD'], { cwd: REPO });
    const commit = stdout.trim();
    const context = await mkdtemp(path.join(tmpdir(), 'rsrun-image-ctx-'));
    // Kept for the pipeline suite, which builds again (from the layer cache); gone with the process.
    process.on('exit', () => rmSync(context, { recursive: true, force: true }));
    {
      // RSRUN_TEST_IMAGE_CONTEXT builds another tree instead (e.g. a prepared checkout).
      const from = process.env.RSRUN_TEST_IMAGE_CONTEXT;
      if (from) await exec('cp', ['-a', `${from}/.`, context]);
      else await exec('sh', ['-c', `git -C "${REPO}" archive --format=tar HEAD | tar -x -C "${context}"`]);
      // This machine's staged offline npm cache for the lockfile, if any, saves a download and keeps
      // the image's npm layers cached across runs and with the Jenkinsfile end to end's build.
      if (!(await linkMachineNpmCache(context))) {
        await stageNpmCache(context, () => undefined);
        await keepMachineNpmCache(context);
      }
      if (!(await stat(path.join(context, 'sql')).catch(() => undefined))) await mkdir(path.join(context, 'sql'));
      const buildLog: string[] = [];
      const image = await buildImage(docker, {
        contextDir: context,
        dockerfile: 'docker/Dockerfile',
        registry: REGISTRY,
        repository: REPOSITORY,
        commit,
        buildNumber: '42',
        movingTag: 'e2e',
        version: '0.0.0-e2e',
        onProgress: (l) => buildLog.push(l),
      });
      return { image, commit, buildLog, context };
    }
  })();
  return built;
}

/** Collects a stream's text for assertions. */
export function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
