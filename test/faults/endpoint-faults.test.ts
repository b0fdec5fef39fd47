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
import { mapLimit } from './support/pool';

/** Shipping's whole budget in these runs, and the per-request bound of Secrets Manager (connect_timeout). */
const SHIP_TIMEOUT = '4s';
const CONNECT_TIMEOUT = '1s';
/** A run must end well within this (budget, retries, process start on a loaded machine). */
const RUN_BOUND_MS = 90_000;
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
const SECRET_JSON = JSON.stringify({ username: PG.user, password: PG.password });

type Mode = FaultMode | 'refused';
const MODES: readonly Mode[] = ['refused', ...FAULT_MODES];

/** One project with its own database and misbehaving endpoints: the cases run side by side. */
interface Lane {
  p: TempProject;
  database: string;
  s3: FaultServer;
  cw: FaultServer;
  sm: FaultServer;
  spooled: string[];
}

type Outcome = { ok: true } | { ok: false; error: unknown };

/** Runs `body`, keeping its failure for the `it` that reports it. */
async function settle(body: () => Promise<void>): Promise<Outcome> {
  try {
    await body();
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

describe('fault campaign: endpoint faults', function () {
  this.timeout(300_000);
  let dbs: CampaignDatabases;
  let s3: LocalS3;
  let refused: string;
  const lanes: Lane[] = [];
  const outcomes = new Map<string, Outcome>();

  const newLane = async (): Promise<Lane> => {
    const p = new TempProject('fe-');
    p.migration('V1__init.sql', 'create table fe_t (a int);');
    p.write('tests/t.sql', '-- rsrun:test rows\n-- rsrun:expect count 0\nselect a from fe_t;\n');
    const lane: Lane = {
      p,
      database: await dbs.create('rsrun_fe'),
      s3: await FaultServer.start({ upstream: s3.endpoint }),
      cw: await FaultServer.start({ json: () => ({}) }),
      sm: await FaultServer.start({
        json: (target) => (target.endsWith('GetSecretValue') ? { Name: 'db', SecretString: SECRET_JSON } : {}),
      }),
      spooled: [],
    };
    lanes.push(lane);
    return lane;
  };

  /** S3 and CloudWatch both in `mode`: the deploy spools and exits 0 (exit 6 when `required`). */
  const shippingCase = (mode: Mode, required: boolean) => async () => {
    const lane = await newLane();
    lane.s3.mode = lane.cw.mode = mode === 'refused' ? 'pass' : mode;
    const [s3Url, cwUrl] = mode === 'refused' ? [refused, refused] : [lane.s3.url, lane.cw.url];
    const text = ini(lane, s3Url, cwUrl, required ? 'required = true' : '');
    lane.p.write('rsrun.ini', required ? text.replace('[s3]\n', '[s3]\nrequired = true\n') : text);
    const r = await cli(lane, ['--env', 'pg', 'deploy', '--json']);
    expect(r.signal, `still running after ${RUN_BOUND_MS} ms:\n${r.stderr}`).to.equal(null);
    expect(r.code, r.stderr).to.equal(required ? 6 : 0);
    expect(r.stderr).not.to.match(STACK_FRAME);
    const runDir = runDirOf(r);
    if (!required) {
      expect(r.stderr).to.match(/spool/);
      expect(existsSync(path.join(runDir, PENDING_MARKER)), 'spool marker').to.equal(true);
      expect(existsSync(path.join(runDir, PENDING_METRICS)), 'metrics kept').to.equal(true);
    }
    lane.spooled.push(runDir);
  };

  /** Secrets Manager in `mode`: exit 5 within the connect timeout, the database untouched. */
  const secretCase = (mode: Mode) => async () => {
    const lane = await newLane();
    lane.sm.mode = mode === 'refused' ? 'pass' : mode;
    const url = mode === 'refused' ? refused : lane.sm.url;
    lane.p.write('rsrun.ini', secretIni(lane, url));
    const before = await snapshot(lane.database);
    const r = await cli(lane, ['--env', 'sm', 'deploy'], { AWS_ENDPOINT_URL_SECRETS_MANAGER: url });
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.code, r.stderr).to.equal(5);
    expect(r.stderr).to.contain('cannot read secret');
    expect(r.stderr).not.to.match(STACK_FRAME);
    expect(await snapshot(lane.database)).to.deep.equal(before);
  };

  const CASES: [string, string, () => Promise<void>][] = [
    ...MODES.map((mode): [string, string, () => Promise<void>] => [
      `s3+cloudwatch ${mode}`,
      `S3 and CloudWatch ${mode}: the deploy spools the run and metrics and exits 0 within its bounds`,
      shippingCase(mode, false),
    ]),
    [
      'required black-hole',
      'with required = true, a black-holed S3 and CloudWatch fail the deploy with exit 6 (still spooled)',
      shippingCase('black-hole', true),
    ],
    ...MODES.map((mode): [string, string, () => Promise<void>] => [
      `secrets-manager ${mode}`,
      `Secrets Manager ${mode}: exit 5 within the connect timeout, the database untouched`,
      secretCase(mode),
    ]),
  ];

  before(async function () {
    await requirePostgres(this);
    dbs = await CampaignDatabases.open();
    s3 = await LocalS3.start();
    refused = await FaultServer.refusedUrl();
    // Each case has its own project, database and endpoints: a few at a time, each bounded by RUN_BOUND_MS.
    await mapLimit(CASES, 4, async ([id, , body]) => {
      outcomes.set(id, await settle(body));
    });
  });
  after(async () => {
    for (const l of lanes) {
      for (const f of [l.s3, l.cw, l.sm]) await f.close();
      l.p.remove();
    }
    await s3?.destroy();
    await dbs?.close();
  });

  for (const [id, title] of CASES) {
    it(title, () =>
      faultCase('endpoints', id, async () => {
        const o = outcomes.get(id);
        if (!o) throw new Error(`${id} did not run`);
        if (!o.ok) throw o.error;
      }),
    );
  }

  it('once the endpoints answer, `rsrun ship` sends every spooled run: objects verified by checksum, metrics sent', () =>
    faultCase('endpoints', 'ship after recovery', async () => {
      const spooling = lanes.filter((l) => l.spooled.length > 0);
      expect(spooling.length, 'lanes that spooled a run').to.equal(MODES.length + 1);
      const client = new S3Client({
        endpoint: s3.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      });
      try {
        await mapLimit(spooling, 4, async (lane) => {
          lane.s3.mode = lane.cw.mode = 'pass';
          // The default budget: endpoints that answer must not fail for a slow, loaded machine.
          lane.p.write('rsrun.ini', ini(lane, lane.s3.url, lane.cw.url).replace(`ship_timeout = ${SHIP_TIMEOUT}\n`, ''));
          const r = await cli(lane, ['--env', 'pg', 'ship']);
          expect(r.code, r.stderr).to.equal(0);
          expect(
            lane.cw.seen.some((t) => t.endsWith('PutMetricData')),
            'metrics sent',
          ).to.equal(true);
          for (const runDir of lane.spooled) {
            expect(existsSync(path.join(runDir, PENDING_METRICS)), `${runDir}: metrics sent`).to.equal(false);
            expect(existsSync(path.join(runDir, PENDING_MARKER)), `${runDir}: no longer pending`).to.equal(false);
            await verifyObjects(client, lane.database, runDir);
          }
        });
      } finally {
        client.destroy();
      }
    }));

  it('Secrets Manager answering: the secret supplies the password and the deploy succeeds', () =>
    faultCase('endpoints', 'secrets-manager pass', async () => {
      const lane = lanes[0] as Lane;
      lane.sm.mode = 'pass';
      lane.p.write('rsrun.ini', secretIni(lane, lane.sm.url));
      const r = await cli(lane, ['--env', 'sm', 'deploy'], { AWS_ENDPOINT_URL_SECRETS_MANAGER: lane.sm.url });
      expect(r.code, r.stderr).to.equal(0);
      expect(lane.sm.seen.some((t) => t.endsWith('GetSecretValue'))).to.equal(true);
    }));
});

function ini(lane: Lane, s3Url: string, cwUrl: string, extra = ''): string {
  return [
    '[project]',
    'name = faults',
    `ship_timeout = ${SHIP_TIMEOUT}`,
    '',
    '[env.pg]',
    'engine = postgres',
    `host = ${PG.host}`,
    `port = ${PG.port}`,
    `database = ${lane.database}`,
    `user = ${PG.user}`,
    'password = ${FAULTS_PG_PASSWORD}',
    '',
    '[s3]',
    `bucket = ${BUCKET}`,
    // Each lane its own prefix, as separate projects have: the lanes ship side by side, and s3rver
    // (unlike S3) can serve a GET of an object another lane is overwriting with the old length, so
    // a shared index.json/tests.json stalled a lane's ship on the body until its 30 s timeout.
    `prefix = ${lane.database}`,
    `endpoint = ${s3Url}`,
    'region = us-east-1',
    '',
    '[cloudwatch]',
    `endpoint = ${cwUrl}`,
    'region = us-east-1',
    extra,
  ].join('\n');
}

function secretIni(lane: Lane, url: string): string {
  return [
    '[project]',
    'name = faults',
    '',
    '[env.sm]',
    'engine = postgres',
    `host = ${PG.host}`,
    `port = ${PG.port}`,
    `database = ${lane.database}`,
    'auth = secret',
    'secret_id = db',
    'region = us-east-1',
    `connect_timeout = ${CONNECT_TIMEOUT}`,
    `; Secrets Manager is reached at ${url} (AWS_ENDPOINT_URL_SECRETS_MANAGER)`,
  ].join('\n');
}

async function cli(lane: Lane, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, {
    cwd: lane.p.dir,
    env: { ...S3_ENV, FAULTS_PG_PASSWORD: PG.password, RSRUN_LOG_FORMAT: 'json', ...env },
    timeoutMs: RUN_BOUND_MS,
  });
}

function runDirOf(r: CliResult): string {
  const m = /"runDir":\s*"([^"]+)"/.exec(r.stdout);
  if (!m) throw new Error(`no runDir in the JSON summary:\n${r.stdout}\n${r.stderr}`);
  return m[1] as string;
}

/** Every file of the run directory is in the bucket with the bytes the shipper sent (masked text). */
async function verifyObjects(client: S3Client, prefix: string, runDir: string): Promise<void> {
  const runId = path.basename(runDir);
  const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/pg/${runId}/` }));
  const keys = new Set((listed.Contents ?? []).map((o) => o.Key as string));
  const files = (await readdir(runDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile() && !isSpoolFile(e.name));
  expect(files.length).to.be.greaterThan(2);
  for (const f of files) {
    const rel = path.relative(runDir, path.join(f.parentPath, f.name)).split(path.sep).join('/');
    const key = `${prefix}/pg/${runId}/${rel}`;
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
