/**
 * The whole flow end to end on a real engine: the image built and pushed to the local registry,
 * run as a container (deploy: migrate, test, report, ship) against a real PostgreSQL server as
 * `test`, then the same digest against a second database as `prod`, reports shipped to an S3
 * stand-in; and a failing SQL test on `test` that stops promotion, with the exit codes saying so.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type Docker from 'dockerode';
import pg from 'pg';
import S3rver from 's3rver';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '../../runner/config/load-config';
import { runEnvironment } from '../../runner/container/run-environment';
import { formatSummary, runPipeline } from '../../runner/container/pipeline';
import { readRecord } from '../../runner/container/promotion';
import { ExitCode, RsrunError } from '../../runner/errors';
import { PG_URL, requirePostgres } from '../support/engines';
import { REGISTRY, REGISTRY_PASSWORD, REGISTRY_USER, REPOSITORY, buildOnce, requireDocker, requireRegistry, sink } from './harness';

const BUCKET = 'rsrun-e2e';

function iniFor(): string {
  const env = (name: string) => `[env.${name}]
engine = postgres
host = \${RSRUN_${name.toUpperCase()}_HOST}
port = 5432
database = \${RSRUN_${name.toUpperCase()}_DATABASE}
user = rsrun
password = \${RSRUN_${name.toUpperCase()}_PASSWORD}
`;
  return `[project]
name = e2e-warehouse
migrations = migrations
tests = tests

${env('test')}
${env('prod')}
[s3]
bucket = ${BUCKET}
prefix = runs
endpoint = \${E2E_S3_ENDPOINT}
required = true
`;
}

async function writeProject(dir: string, failingTest: boolean): Promise<void> {
  await mkdir(path.join(dir, 'migrations'), { recursive: true });
  await mkdir(path.join(dir, 'tests'), { recursive: true });
  await writeFile(path.join(dir, 'rsrun.ini'), iniFor());
  await writeFile(
    path.join(dir, 'migrations', 'V1__create_orders.sql'),
    'CREATE TABLE orders (order_id INTEGER NOT NULL, amount INTEGER NOT NULL);\nINSERT INTO orders VALUES (1, 10), (2, 20);\n',
  );
  await writeFile(
    path.join(dir, 'tests', 'orders.sql'),
    failingTest
      ? '-- rsrun:test no order is above 15\nSELECT order_id FROM orders WHERE amount > 15;\n'
      : '-- rsrun:test amounts are positive\nSELECT order_id FROM orders WHERE amount <= 0;\n',
  );
}

describe('pipeline end to end (Docker engine, registry, PostgreSQL, S3 stand-in)', function () {
  this.timeout(15 * 60_000);
  let docker: Docker;
  let admin: pg.Client;
  let s3: S3rver | undefined;
  let s3Dir: string;
  let endpoint: string;
  let work: string;
  const databases: string[] = [];
  const url = new URL(PG_URL);

  before(async function () {
    docker = await requireDocker(this);
    await requireRegistry(this);
    await requirePostgres(this);
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    // The S3 stand-in listens on the Docker bridge's host address: reachable from the runner's
    // container (as the host), and from nothing outside this machine's own networks.
    const bridge = (await docker.getNetwork('bridge').inspect()) as {
      IPAM?: { Config?: { Gateway?: string }[] };
      Options?: Record<string, string>;
    };
    const ifname = bridge.Options?.['com.docker.network.bridge.name'] ?? 'docker0';
    // Node lists only interfaces that are up; docker0 is down while no container runs, so ask iproute2.
    const ipOut = (await promisify(execFile)('ip', ['-4', '-o', 'addr', 'show', ifname]).catch(() => ({ stdout: '' }))).stdout;
    const gateway = bridge.IPAM?.Config?.[0]?.Gateway ?? /inet (\d+\.\d+\.\d+\.\d+)\//.exec(ipOut)?.[1];
    if (!gateway) throw new Error(`cannot find the Docker bridge's host address (interface ${ifname})`);
    s3Dir = await mkdtemp(path.join(tmpdir(), 'rsrun-e2e-s3-'));
    s3 = new S3rver({ address: gateway, port: 0, silent: true, directory: s3Dir, configureBuckets: [{ name: BUCKET }] });
    const info = await s3.run();
    endpoint = `http://${gateway}:${info.port}`;
    work = await mkdtemp(path.join(tmpdir(), 'rsrun-e2e-'));
  });

  after(async () => {
    await s3?.close();
    for (const db of databases) await admin?.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    await admin?.end();
    if (s3Dir) await rm(s3Dir, { recursive: true, force: true });
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function freshDatabase(): Promise<string> {
    const db = `rsrun_e2e_${randomBytes(5).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${db}`);
    databases.push(db);
    return db;
  }

  async function setup(name: string, failingTest: boolean) {
    const project = path.join(work, name);
    await writeProject(project, failingTest);
    const reportsDir = path.join(work, `${name}-reports`);
    const hostEnv: NodeJS.ProcessEnv = {
      RSRUN_TEST_HOST: '127.0.0.1',
      RSRUN_TEST_DATABASE: await freshDatabase(),
      RSRUN_TEST_PASSWORD: decodeURIComponent(url.password),
      RSRUN_PROD_HOST: '127.0.0.1',
      RSRUN_PROD_DATABASE: await freshDatabase(),
      RSRUN_PROD_PASSWORD: decodeURIComponent(url.password),
      E2E_S3_ENDPOINT: endpoint,
      AWS_ACCESS_KEY_ID: 'S3RVER',
      AWS_SECRET_ACCESS_KEY: 'S3RVER',
      AWS_REGION: 'us-east-1',
      RSRUN_REGISTRY_USER: REGISTRY_USER,
      RSRUN_REGISTRY_PASSWORD: REGISTRY_PASSWORD,
    };
    const config = (env: string) => loadConfig({ projectDir: project, env, reportsDir }, hostEnv);
    return { project, reportsDir, hostEnv, testConfig: await config('test'), prodConfig: await config('prod') };
  }

  async function ordersIn(database: string | undefined): Promise<number | undefined> {
    const c = new pg.Client({ connectionString: PG_URL.replace(/\/[^/]*$/, `/${database}`) });
    await c.connect();
    try {
      const r = await c.query<{ n: string }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'orders'");
      if (r.rows[0]?.n !== '1') return undefined;
      return Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM orders')).rows[0]?.n);
    } finally {
      await c.end();
    }
  }

  async function objectsUnder(prefix: string): Promise<string[]> {
    const client = new S3Client({
      endpoint: endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const out = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    client.destroy();
    return (out.Contents ?? []).map((o) => o.Key as string);
  }

  const auth = { username: REGISTRY_USER, password: REGISTRY_PASSWORD, serveraddress: REGISTRY };

  /** What `rsrun pipeline` runs, on the exported tree, with the fixture project mounted. */
  async function pipeline(s: Awaited<ReturnType<typeof setup>>, buildNumber: string, progress: (stage: string) => (line: string) => void) {
    const { context } = await buildOnce(docker);
    const out = sink();
    const err = sink();
    const result = await runPipeline(docker, {
      build: {
        contextDir: context,
        dockerfile: 'docker/Dockerfile',
        registry: REGISTRY,
        repository: REPOSITORY,
        commit: undefined,
        buildNumber,
        movingTag: 'e2e',
        version: '0.0.0-e2e',
      },
      auth,
      testConfig: s.testConfig,
      prodConfig: s.prodConfig,
      run: { timeoutMs: 5 * 60_000, projectDir: s.project, passEnv: ['E2E_S3_ENDPOINT'], passSecrets: [], hostEnv: s.hostEnv },
      stdout: out.stream,
      stderr: err.stream,
      progress,
    });
    return { result, out, err, summary: formatSummary(result) };
  }

  it('builds, pushes, deploys on test, promotes the same digest to prod; reports reach S3', async function () {
    const s = await setup('passing', false);
    const stages: string[] = [];
    const { result, out, err, summary } = await pipeline(s, '43', (stage) => (line) => stages.push(`${stage}: ${line}`));
    expect(result.exitCode, `${summary}\n--- container stderr:\n${err.text()}`).to.equal(0);
    expect(result.stages.map((st) => `${st.stage}:${st.status}`)).to.deep.equal([
      'build:passed',
      'push:passed',
      'run test:passed',
      'run prod:passed',
    ]);
    expect(summary).to.match(/^pipeline passed: 127\.0\.0\.1:5000\/rsrun-e2e@sha256:[0-9a-f]{64}\n/);
    const digest = (result.image as string).split('@')[1] as string;
    // Both databases now hold the migration, applied by the container through the Docker bridge.
    expect(await ordersIn(s.testConfig.env.database)).to.equal(2);
    expect(await ordersIn(s.prodConfig.env.database)).to.equal(2);
    // The promotion is recorded for the digest on both environments.
    expect(await readRecord(s.reportsDir, digest, 'test')).to.include({ digest, environment: 'test', passed: true, exitCode: 0 });
    expect(await readRecord(s.reportsDir, digest, 'prod')).to.include({ digest, environment: 'prod', passed: true });
    // The runs' report directories landed in the mounted reports dir and in S3.
    const keys = await objectsUnder('runs/');
    for (const env of ['test', 'prod']) {
      expect(
        keys.some((k) => k.startsWith(`runs/${env}/`) && k.endsWith('/run.log')),
        keys.join('\n'),
      ).to.equal(true);
      expect(
        keys.some((k) => k.startsWith(`runs/${env}/`) && k.endsWith('/report.json')),
        keys.join('\n'),
      ).to.equal(true);
    }
    // No secret in anything the pipeline printed.
    for (const text of [out.text(), err.text(), stages.join('\n'), summary]) expect(text).not.to.include(REGISTRY_PASSWORD);
  });

  it('a failing SQL test on test stops promotion: exit 1 from the run, prod untouched, a direct prod run refused with 8', async function () {
    const s = await setup('failing', true);
    const { result, out, err, summary } = await pipeline(s, '44', () => () => undefined);
    expect(result.exitCode, `${summary}\n${err.text()}`).to.equal(ExitCode.TestsFailed);
    expect(result.stages.map((st) => `${st.stage}:${st.status}`)).to.deep.equal([
      'build:passed',
      'push:passed',
      'run test:failed',
      'run prod:skipped',
    ]);
    expect(summary).to.match(/run prod\s+SKIPPED\s+0\.0 s\s+not promoted: the run on test failed/);
    expect(await ordersIn(s.prodConfig.env.database)).to.equal(undefined);
    const digest = (result.image as string).split('@')[1] as string;
    expect(await readRecord(s.reportsDir, digest, 'test')).to.include({ passed: false, exitCode: 1 });
    // Jenkins' separate prod stage asks for the promotion and is refused.
    const refused = await runEnvironment(docker, {
      config: s.prodConfig,
      image: result.image as string,
      auth,
      timeoutMs: 60_000,
      projectDir: s.project,
      requirePassed: 'test',
      hostEnv: s.hostEnv,
      stdout: out.stream,
      stderr: err.stream,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).to.be.instanceOf(RsrunError);
    expect((refused as RsrunError).exitCode).to.equal(ExitCode.PromotionRefused);
    expect((refused as RsrunError).message).to.match(/its run on test failed \(exit code 1\)/);
    expect(await ordersIn(s.prodConfig.env.database)).to.equal(undefined);
    expect(
      JSON.parse(await readFile(path.join(s.reportsDir, 'promotions', `${digest.replace(':', '-')}.test.json`), 'utf8')).passed,
    ).to.equal(false);
  });
});
