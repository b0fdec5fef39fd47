/**
 * Endpoint faults through the built CLI: S3 and CloudWatch that refuse connections, reset them,
 * answer 500, throttle forever, stall mid-body or never answer, and the same for Secrets Manager.
 * Every case ends within its bounds with the documented exit code: a deploy spools its run and
 * exits 0 (exit 6 with `required = true`); a Secrets Manager outage is "cannot connect" (exit 5)
 * with the database untouched. Nothing is lost: once the endpoints answer, `rsrun ship` uploads
 * every spooled run and every object is verified by checksum against the run directory.
 */
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isSpoolFile, PENDING_MARKER, PENDING_METRICS } from '../../runner/shipping/spool';
import { runCli, type CliResult } from '../support/cli';
import { requirePostgres } from '../support/engines';
import { TempProject } from '../support/project';
import { BUCKET, LocalS3, S3_ENV } from '../shipping/s3-server';
import { CampaignDatabases, PG, snapshot } from './support/databases';
import { FAULT_MODES, FaultServer, type FaultMode } from './support/fault-server';
import { faultCase } from './support/figures';

/** Shipping's whole budget in these runs, and the per-request bound of Secrets Manager (connect_timeout). */
const SHIP_TIMEOUT = '4s';
const CONNECT_TIMEOUT = '1s';
/** A run must end well within this (budget, retries, process start on a loaded machine). */
const RUN_BOUND_MS = 90_000;
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
const SECRET_JSON = JSON.stringify({ username: PG.user, password: PG.password });

type Mode = FaultMode | 'refused';
const MODES: readonly Mode[] = ['refused', ...FAULT_MODES];

describe('fault campaign: endpoint faults', function () {
  this.timeout(300_000);
  let dbs: CampaignDatabases;
  let s3: LocalS3;
  let s3Fault: FaultServer;
  let cwFault: FaultServer;
  let smFault: FaultServer;
  let refused: string;
  let database: string;
  let p: TempProject;
  const spooled: string[] = [];

  before(async function () {
    await requirePostgres(this);
    dbs = await CampaignDatabases.open();
    database = await dbs.create('rsrun_fe');
    s3 = await LocalS3.start();
    s3Fault = await FaultServer.start({ upstream: s3.endpoint });
    cwFault = await FaultServer.start({ json: () => ({}) });
    smFault = await FaultServer.start({
      json: (target) => (target.endsWith('GetSecretValue') ? { Name: 'db', SecretString: SECRET_JSON } : {}),
    });
    refused = await FaultServer.refusedUrl();
    p = new TempProject('fe-');
    p.migration('V1__init.sql', 'create table fe_t (a int);');
    p.write('tests/t.sql', '-- rsrun:test rows\n-- rsrun:expect count 0\nselect a from fe_t;\n');
  });
  after(async () => {
    for (const f of [s3Fault, cwFault, smFault]) await f?.close();
    await s3?.destroy();
    await dbs?.close();
    p?.remove();
  });

  const ini = (s3Url: string, cwUrl: string, extra = '') =>
    [
      '[project]',
      'name = faults',
      `ship_timeout = ${SHIP_TIMEOUT}`,
      '',
      '[env.pg]',
      'engine = postgres',
      `host = ${PG.host}`,
      `port = ${PG.port}`,
      `database = ${database}`,
      `user = ${PG.user}`,
      'password = ${FAULTS_PG_PASSWORD}',
      '',
      '[s3]',
      `bucket = ${BUCKET}`,
      `endpoint = ${s3Url}`,
      'region = us-east-1',
      '',
      '[cloudwatch]',
      `endpoint = ${cwUrl}`,
      'region = us-east-1',
      extra,
    ].join('\n');

  const cli = async (args: string[], env: Record<string, string> = {}): Promise<CliResult & { ms: number }> => {
    const started = Date.now();
    const r = await runCli(args, {
      cwd: p.dir,
      env: { ...S3_ENV, FAULTS_PG_PASSWORD: PG.password, RSRUN_LOG_FORMAT: 'json', ...env },
      timeoutMs: RUN_BOUND_MS,
    });
    return { ...r, ms: Date.now() - started };
  };

  const runDirOf = (r: CliResult) => {
    const m = /"runDir":\s*"([^"]+)"/.exec(r.stdout);
    if (!m) throw new Error(`no runDir in the JSON summary:\n${r.stdout}\n${r.stderr}`);
    return m[1] as string;
  };

  for (const mode of MODES) {
    it(`S3 and CloudWatch ${mode}: the deploy spools the run and metrics and exits 0 within its bounds`, () =>
      faultCase('endpoints', `s3+cloudwatch ${mode}`, async () => {
        s3Fault.mode = cwFault.mode = mode === 'refused' ? 'pass' : mode;
        p.write('rsrun.ini', ini(mode === 'refused' ? refused : s3Fault.url, mode === 'refused' ? refused : cwFault.url));
        const r = await cli(['--env', 'pg', 'deploy', '--json']);
        expect(r.signal, `still running after ${RUN_BOUND_MS} ms:\n${r.stderr}`).to.equal(null);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stderr).not.to.match(STACK_FRAME);
        expect(r.stderr).to.match(/spool/);
        const runDir = runDirOf(r);
        expect(existsSync(path.join(runDir, PENDING_MARKER)), 'spool marker').to.equal(true);
        expect(existsSync(path.join(runDir, PENDING_METRICS)), 'metrics kept').to.equal(true);
        spooled.push(runDir);
      }));
  }

  it('with required = true, a black-holed S3 and CloudWatch fail the deploy with exit 6 (still spooled)', () =>
    faultCase('endpoints', 'required black-hole', async () => {
      s3Fault.mode = cwFault.mode = 'black-hole';
      p.write('rsrun.ini', ini(s3Fault.url, cwFault.url, 'required = true').replace('[s3]\n', '[s3]\nrequired = true\n'));
      const r = await cli(['--env', 'pg', 'deploy', '--json']);
      expect(r.signal, r.stderr).to.equal(null);
      expect(r.code, r.stderr).to.equal(6);
      expect(r.stderr).not.to.match(STACK_FRAME);
      spooled.push(runDirOf(r));
    }));

  it('once the endpoints answer, `rsrun ship` sends every spooled run: objects verified by checksum, metrics sent', () =>
    faultCase('endpoints', 'ship after recovery', async () => {
      s3Fault.mode = cwFault.mode = 'pass';
      p.write('rsrun.ini', ini(s3Fault.url, cwFault.url));
      const before = cwFault.seen.filter((t) => t.endsWith('PutMetricData')).length;
      const r = await cli(['--env', 'pg', 'ship']);
      expect(r.code, r.stderr).to.equal(0);
      expect(cwFault.seen.filter((t) => t.endsWith('PutMetricData')).length).to.be.greaterThan(before);
      expect(spooled.length).to.be.at.least(MODES.length);
      const client = new S3Client({
        endpoint: s3.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      });
      try {
        for (const runDir of spooled) {
          expect(existsSync(path.join(runDir, PENDING_METRICS)), `${runDir}: metrics sent`).to.equal(false);
          expect(existsSync(path.join(runDir, PENDING_MARKER)), `${runDir}: no longer pending`).to.equal(false);
          await verifyObjects(client, runDir);
        }
      } finally {
        client.destroy();
      }
    }));

  for (const mode of MODES) {
    it(`Secrets Manager ${mode}: exit 5 within the connect timeout, the database untouched`, () =>
      faultCase('endpoints', `secrets-manager ${mode}`, async () => {
        smFault.mode = mode === 'refused' ? 'pass' : mode;
        p.write('rsrun.ini', secretIni(mode === 'refused' ? refused : smFault.url));
        const before = await snapshot(database);
        const r = await cli(['--env', 'sm', 'deploy'], { AWS_ENDPOINT_URL_SECRETS_MANAGER: mode === 'refused' ? refused : smFault.url });
        expect(r.signal, r.stderr).to.equal(null);
        expect(r.code, r.stderr).to.equal(5);
        expect(r.stderr).to.contain('cannot read secret');
        expect(r.stderr).not.to.match(STACK_FRAME);
        expect(await snapshot(database)).to.deep.equal(before);
      }));
  }

  it('Secrets Manager answering: the secret supplies the password and the deploy succeeds', () =>
    faultCase('endpoints', 'secrets-manager pass', async () => {
      smFault.mode = 'pass';
      p.write('rsrun.ini', secretIni(smFault.url));
      const r = await cli(['--env', 'sm', 'deploy'], { AWS_ENDPOINT_URL_SECRETS_MANAGER: smFault.url });
      expect(r.code, r.stderr).to.equal(0);
      expect(smFault.seen.some((t) => t.endsWith('GetSecretValue'))).to.equal(true);
    }));

  function secretIni(url: string): string {
    return [
      '[project]',
      'name = faults',
      '',
      '[env.sm]',
      'engine = postgres',
      `host = ${PG.host}`,
      `port = ${PG.port}`,
      `database = ${database}`,
      'auth = secret',
      'secret_id = db',
      'region = us-east-1',
      `connect_timeout = ${CONNECT_TIMEOUT}`,
      `; Secrets Manager is reached at ${url} (AWS_ENDPOINT_URL_SECRETS_MANAGER)`,
    ].join('\n');
  }
});

/** Every file of the run directory is in the bucket with the bytes the shipper sent (masked text). */
async function verifyObjects(client: S3Client, runDir: string): Promise<void> {
  const runId = path.basename(runDir);
  const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `rsrun/pg/${runId}/` }));
  const keys = new Set((listed.Contents ?? []).map((o) => o.Key as string));
  const files = (await readdir(runDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile() && !isSpoolFile(e.name));
  expect(files.length).to.be.greaterThan(2);
  for (const f of files) {
    const rel = path.relative(runDir, path.join(f.parentPath, f.name)).split(path.sep).join('/');
    const key = `rsrun/pg/${runId}/${rel}`;
    expect(keys.has(key), `${key} uploaded`).to.equal(true);
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const stored = Buffer.from(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    const local = await readFile(path.join(runDir, rel));
    if (rel === 'report.html') {
      // The site publishes its own rendering of the run's report (links into the site, history).
      expect(stored.toString('utf8'), `${key}: the site's report of this run`).to.contain(runId);
      continue;
    }
    // Text is masked on the way out; the run directory is masked when written: the same bytes.
    expect(sha256(stored), `${key} checksum`).to.equal(sha256(local));
  }
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
