/**
 * The local stand-ins the Jenkinsfile end-to-end test runs the pipeline against: an S3 server
 * (s3rver) on the Docker bridge's host address (reachable from the host and from the runner's
 * containers, from nothing else), two PostgreSQL databases (test and prod), a "remote" repository
 * that `checkout scm` clones from, and the offline npm cache the image build stages.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import pg from 'pg';
import S3rver from 's3rver';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { linkMachineNpmCache, MACHINE_NPM_CACHES } from '../support/image-npm-cache';

const exec = promisify(execFile);

/** The host's address on Docker's default bridge (docker0 is down while no container runs, so ask iproute2 too). */
export async function bridgeAddress(docker: Docker): Promise<string> {
  const bridge = (await docker.getNetwork('bridge').inspect()) as {
    IPAM?: { Config?: { Gateway?: string }[] };
    Options?: Record<string, string>;
  };
  const ifname = bridge.Options?.['com.docker.network.bridge.name'] ?? 'docker0';
  const fromIp = async () =>
    /inet (\d+\.\d+\.\d+\.\d+)\//.exec((await exec('ip', ['-4', '-o', 'addr', 'show', ifname]).catch(() => ({ stdout: '' }))).stdout)?.[1];
  const address = bridge.IPAM?.Config?.[0]?.Gateway ?? (await fromIp());
  if (!address) throw new Error(`cannot find the Docker bridge's host address (interface ${ifname})`);
  return address;
}

export interface S3StandIn {
  endpoint: string;
  bucket: string;
  keys(prefix: string): Promise<string[]>;
  /** Uploads `dir/<bucket>/<key...>` files as objects (creating the buckets); returns the s3:// URLs. */
  putTree(dir: string): Promise<string[]>;
  close(): Promise<void>;
}

export const S3_KEY = 'S3RVER';

export async function startS3(address: string, bucket: string): Promise<S3StandIn> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rsrun-jenkins-e2e-s3-'));
  const server = new S3rver({ address, port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://${address}:${port}`;
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: S3_KEY, secretAccessKey: S3_KEY },
  });
  return {
    endpoint,
    bucket,
    async keys(prefix) {
      const out: string[] = [];
      let token: string | undefined;
      for (let page = 0; page < 50; page++) {
        const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        out.push(...(r.Contents ?? []).map((o) => o.Key as string));
        token = r.NextContinuationToken;
        if (!token) break;
      }
      return out.sort();
    },
    async putTree(tree) {
      const { readdir, readFile: read } = await import('node:fs/promises');
      const put: string[] = [];
      for (const b of await readdir(tree, { withFileTypes: true }).catch(() => [])) {
        if (!b.isDirectory()) continue;
        await client.send(new CreateBucketCommand({ Bucket: b.name })).catch((err: { name?: string }) => {
          if (err.name !== 'BucketAlreadyOwnedByYou' && err.name !== 'BucketAlreadyExists') throw err;
        });
        for (const f of await readdir(path.join(tree, b.name), { recursive: true, withFileTypes: true })) {
          if (!f.isFile()) continue;
          const key = path
            .relative(path.join(tree, b.name), path.join(f.parentPath ?? f.path, f.name))
            .split(path.sep)
            .join('/');
          await client.send(new PutObjectCommand({ Bucket: b.name, Key: key, Body: await read(path.join(tree, b.name, key)) }));
          put.push(`s3://${b.name}/${key}`);
        }
      }
      return put;
    },
    async close() {
      client.destroy();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface Databases {
  test: string;
  prod: string;
  /** Runs a query in one of them. */
  query<R extends pg.QueryResultRow>(database: string, sql: string, values?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

export async function createDatabases(adminUrl: string): Promise<Databases> {
  const id = randomBytes(4).toString('hex');
  const names = { test: `rsrun_jenkins_e2e_${id}_test`, prod: `rsrun_jenkins_e2e_${id}_prod` };
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  for (const n of Object.values(names)) await admin.query(`CREATE DATABASE ${n}`);
  return {
    ...names,
    async query<R extends pg.QueryResultRow>(database: string, sql: string, values: unknown[] = []) {
      const url = new URL(adminUrl);
      url.pathname = `/${database}`;
      const c = new pg.Client({ connectionString: url.toString() });
      await c.connect();
      try {
        return (await c.query<R>(sql, values)).rows;
      } finally {
        await c.end();
      }
    },
    async drop() {
      for (const n of Object.values(names)) await admin.query(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
    },
  };
}

/** A clone of `repo` at HEAD standing for the GitHub repository; returns its path and a commit helper. */
export async function makeRemote(
  repo: string,
  dir: string,
): Promise<{ path: string; head(): Promise<string>; commit(files: Record<string, string>, message: string): Promise<string> }> {
  const remote = path.join(dir, 'remote.git');
  await exec('git', ['clone', '--quiet', repo, remote]);
  const git = (args: string[]) =>
    exec('git', ['-c', 'user.name=rsrun e2e', '-c', 'user.email=e2e@rsrun.invalid', ...args], { cwd: remote });
  const head = async () => (await git(['rev-parse', 'HEAD'])).stdout.trim();
  return {
    path: remote,
    head,
    async commit(files, message) {
      for (const [rel, text] of Object.entries(files)) {
        await mkdir(path.dirname(path.join(remote, rel)), { recursive: true });
        await writeFile(path.join(remote, rel), text);
      }
      await git(['add', '--', ...Object.keys(files)]);
      await git(['commit', '--quiet', '-m', message]);
      return head();
    },
  };
}

/**
 * `rsrun image build` stages an npm cache for the image's offline `npm ci` by running `npm ci`
 * against the registry (docker/npm-cache, ignored by git). Tests talk only to loopback, so the
 * workspace gets a cache already on this machine instead, hard-linked: the one staged for this
 * lockfile by the container suites (../support/image-npm-cache.ts: the same bytes, so the image's
 * npm layers come from Docker's cache), else this machine's npm cache, which the "Install runner"
 * stage's offline `npm ci` needs to hold every package of the lockfile anyway. The build itself
 * then runs unchanged.
 */
export async function seedImageNpmCache(workspace: string): Promise<string> {
  const staged = await linkMachineNpmCache(workspace);
  if (staged) return `hard-linked the npm cache staged for lockfile ${staged.slice(0, 12)} (${MACHINE_NPM_CACHES}) into the workspace`;
  const { createHash } = await import('node:crypto');
  const lockHash = createHash('sha256')
    .update(await readFile(path.join(workspace, 'package-lock.json')))
    .digest('hex');
  const target = path.join(workspace, 'docker', 'npm-cache');
  await mkdir(target, { recursive: true });
  const machineCache = path.join((await exec('npm', ['config', 'get', 'cache'])).stdout.trim(), '_cacache');
  if (!(await stat(machineCache).catch(() => undefined)))
    throw new Error(`no npm cache at ${machineCache}: run npm ci once in the repository`);
  await exec('cp', ['-al', machineCache, target]);
  await writeFile(path.join(target, 'lockfile.sha256'), `${lockHash}\n`);
  return `hard-linked this machine's npm cache (${machineCache}) into the workspace as the image's offline cache`;
}
