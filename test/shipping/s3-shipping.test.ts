/**
 * Shipping against a real S3 protocol server on loopback (s3rver) with the real
 * @aws-sdk/client-s3, results read back with Debian's AWS CLI. CloudWatch has no local server:
 * its client is mocked (aws-sdk-client-mock).
 */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '../../runner/config/load-config';
import type { ResolvedConfig } from '../../runner/config/types';
import { ExitCode, ShippingError } from '../../runner/errors';
import { createLogger, type ClosableLogger } from '../../runner/logging/create-logger';
import { RunContext } from '../../runner/run/run-context';
import { attachShipping, PENDING_MARKER, PENDING_METRICS, shipRuns } from '../../runner/shipping/index';
import { requireService } from '../support/services';
import { AWS_CLI, BUCKET, LocalS3, S3_ENV } from './s3-server';

const SECRET = 'Zebra-Secret-77';

interface Harness {
  project: string;
  config: ResolvedConfig;
  stderr: PassThrough & { text(): string };
}

function capture(): PassThrough & { text(): string } {
  const s = new PassThrough() as PassThrough & { text(): string };
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  s.text = () => Buffer.concat(chunks).toString('utf8');
  return s;
}

async function project(ini: string): Promise<Harness> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rsrun-ship-'));
  await writeFile(path.join(dir, 'rsrun.ini'), ini);
  const config = await loadConfig({ projectDir: dir }, { ...process.env, RSRUN_DB_PASSWORD: SECRET });
  return { project: dir, config, stderr: capture() };
}

/**
 * A deploy as the CLI runs it, without a warehouse: RunContext, logger with run.log, the report
 * writers' finisher (stand-in for issue 3's writers), shipping after it. `during` runs mid-run.
 */
async function deployRun(
  h: Harness,
  during: () => Promise<void> = async () => undefined,
): Promise<{ ctx: RunContext; errors: unknown[]; logger: ClosableLogger }> {
  const ctx = await RunContext.start(h.config, 'deploy');
  const logger = createLogger({
    level: 'info',
    format: 'text',
    runLogPath: path.join(ctx.runDir, 'run.log'),
    secrets: h.config.secrets,
    stream: h.stderr,
  });
  ctx.addFinisher('reports', async (report) => {
    await writeFile(path.join(ctx.runDir, 'report.json'), JSON.stringify(report, null, 2));
    await writeFile(path.join(ctx.runDir, 'report.html'), `<!doctype html><title>${report.runId}</title><p>${report.status}</p>`);
    await writeFile(path.join(ctx.runDir, 'junit.xml'), '<?xml version="1.0" encoding="UTF-8"?><testsuites tests="1"/>');
  });
  attachShipping(ctx, logger);
  logger.info('deploying', { target: `postgres://deployer:${SECRET}@127.0.0.1:5432/dev` });
  const migration = {
    version: '1',
    description: 'init',
    kind: 'versioned' as const,
    script: 'V1__init.sql',
    checksum: 'c',
    transactional: true,
    statementCount: 1,
  };
  await mkdir(path.join(ctx.runDir, 'sql'));
  // The SQL that ran, including a secret a careless migration might carry: masked on upload.
  await writeFile(path.join(ctx.runDir, 'sql', 'V1__init.sql'), `CREATE TABLE t (id int);\n-- connect with ${SECRET}\n`);
  await writeFile(path.join(ctx.runDir, 'history.json'), JSON.stringify([{ version: '1', success: true }]));
  ctx.events.emit('migration:start', { migration });
  ctx.events.emit('migration:finish', { migration, status: 'applied', durationMs: 12 });
  ctx.events.emit('test:finish', { id: 's::a', suite: 's', name: 'a', file: 't.sql', tags: [], status: 'passed', durationMs: 3 });
  await during();
  const { errors } = await ctx.finish('passed', 0);
  await logger.close();
  return { ctx, errors, logger };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function filesUnder(dir: string, skip: (name: string) => boolean = () => false): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile() || skip(e.name)) continue;
    const full = path.join(e.parentPath, e.name);
    out.set(path.relative(dir, full).split(path.sep).join('/'), sha256(await readFile(full)));
  }
  return out;
}

const mockCloudWatch = () => mockClient(CloudWatchClient);

describe('shipping to S3 (s3rver on loopback, read back with the AWS CLI)', function () {
  let s3: LocalS3;
  // Mocked while this block runs only (not from the moment mocha loads the file): other files talk to real endpoints.
  let cw: ReturnType<typeof mockCloudWatch>;
  const savedEnv: Record<string, string | undefined> = {};
  const projects: string[] = [];

  before(async function () {
    cw = mockCloudWatch();
    await requireService(
      this,
      `Debian's AWS CLI (${AWS_CLI})`,
      () => access(AWS_CLI),
      'run scripts/setup-test-services.sh (installs awscli)',
    );
    // The SDK's default credential chain reads the environment, as on a Jenkins agent.
    for (const [k, v] of Object.entries(S3_ENV)) {
      savedEnv[k] = process.env[k];
      process.env[k] = v;
    }
    s3 = await LocalS3.start();
  });
  after(async () => {
    await s3?.destroy();
    cw?.restore();
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    for (const p of projects) await rm(p, { recursive: true, force: true });
  });
  beforeEach(() => cw.reset());

  const ini = (extra = '') =>
    [
      '[project]',
      'name = shop',
      '',
      '[s3]',
      `bucket = ${BUCKET}`,
      'prefix = ci/rsrun',
      `endpoint = ${s3.endpoint}`,
      'region = us-east-1',
      'force_path_style = true',
      extra,
      '',
      '[cloudwatch]',
      'namespace = Rsrun/Test',
      'region = us-east-1',
      '',
    ].join('\n');

  it('a deploy uploads its run directory, the index and the metrics; the AWS CLI reads them back', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const h = await project(ini());
    projects.push(h.project);
    const { ctx, errors } = await deployRun(h);
    expect(errors).to.deep.equal([]);

    const base = `ci/rsrun/local/${ctx.runId}`;
    const listed = await s3.list('ci/rsrun/');
    expect([...listed.keys()].sort()).to.deep.equal(
      [
        `${base}/history.json`,
        `${base}/junit.xml`,
        `${base}/report.html`,
        `${base}/report.json`,
        `${base}/run.log`,
        `${base}/sql/V1__init.sql`,
        'ci/rsrun/local/index.html',
        'ci/rsrun/local/index.json',
        'ci/rsrun/local/tests.json',
        'ci/rsrun/index.html',
        'ci/rsrun/site.json',
      ].sort(),
    );
    const head = JSON.parse(await s3.aws('s3api', 'head-object', '--bucket', BUCKET, '--key', `${base}/report.html`));
    expect(head.ContentType).to.equal('text/html; charset=utf-8');
    const junitHead = JSON.parse(await s3.aws('s3api', 'head-object', '--bucket', BUCKET, '--key', `${base}/junit.xml`));
    expect(junitHead.ContentType).to.equal('application/xml; charset=utf-8');

    const index = JSON.parse(await s3.aws('s3', 'cp', `s3://${BUCKET}/ci/rsrun/local/index.json`, '-'));
    expect(index.runs).to.have.length(1);
    expect(index.runs[0]).to.include({ runId: ctx.runId, status: 'passed', command: 'deploy', report: `${ctx.runId}/report.html` });
    const html = await s3.aws('s3', 'cp', `s3://${BUCKET}/ci/rsrun/local/index.html`, '-');
    expect(html).to.include(`<a href="${ctx.runId}/report.html">${ctx.runId}</a>`);

    const sql = await s3.aws('s3', 'cp', `s3://${BUCKET}/${base}/sql/V1__init.sql`, '-');
    expect(sql).to.equal('CREATE TABLE t (id int);\n-- connect with ***\n');
    const runLog = await s3.aws('s3', 'cp', `s3://${BUCKET}/${base}/run.log`, '-');
    expect(runLog).to.include('"message":"deploying"');
    expect(runLog).not.to.include(SECRET);

    expect(existsSync(path.join(ctx.runDir, PENDING_MARKER))).to.equal(false);
    expect(existsSync(path.join(ctx.runDir, PENDING_METRICS))).to.equal(false);
    const calls = cw.commandCalls(PutMetricDataCommand);
    expect(calls).to.have.length(1);
    const names = calls[0]!.args[0].input.MetricData!.map((d) => `${d.MetricName}=${d.Value}`);
    expect(names).to.include.members(['DeploymentSuccess=1', 'MigrationsApplied=1', 'TestsPassed=1', 'TestsFailed=0']);
    expect(h.stderr.text()).to.match(new RegExp(`run shipped to s3://${BUCKET}/${base}/ \\(6 objects, checksums verified\\)`));
  });

  it('S3 and CloudWatch down mid-run: the run succeeds, says so, keeps a spool; `ship` later uploads everything intact', async () => {
    const h = await project(ini());
    projects.push(h.project);
    cw.on(PutMetricDataCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }));
    const { ctx, errors } = await deployRun(h, () => s3.stop());
    try {
      expect(errors).to.deep.equal([]);
      const marker = JSON.parse(await readFile(path.join(ctx.runDir, PENDING_MARKER), 'utf8'));
      expect(marker).to.include({ runId: ctx.runId, state: 'finished', environment: 'local' });
      expect(marker.lastError).to.match(/ECONNREFUSED/);
      expect(existsSync(path.join(ctx.runDir, PENDING_METRICS))).to.equal(true);
      const said = h.stderr.text();
      expect(said).to.include(
        `s3://${BUCKET}/ci/rsrun is unreachable: run records kept in the local spool at ${ctx.runDir}; upload them later with \`rsrun ship\``,
      );
      expect(said).to.include(`CloudWatch is unreachable: 8 metrics kept in ${path.join(ctx.runDir, PENDING_METRICS)}`);
    } finally {
      await s3.resume();
    }

    cw.reset();
    cw.on(PutMetricDataCommand).resolves({});
    const logger = createLogger({ level: 'info', format: 'json', secrets: h.config.secrets, stream: capture() });
    const shipped = await shipRuns(h.config, logger);
    await logger.close();
    expect(shipped.map((s) => [s.runId, Boolean(s.shipped), s.uploadError?.message, s.metricsError?.message])).to.deep.equal([
      [ctx.runId, true, undefined, undefined],
    ]);
    expect(cw.commandCalls(PutMetricDataCommand)).to.have.length(1);
    expect(existsSync(path.join(ctx.runDir, PENDING_MARKER))).to.equal(false);
    expect(existsSync(path.join(ctx.runDir, PENDING_METRICS))).to.equal(false);

    // Object count and checksums: download with the AWS CLI and compare with the run directory.
    const download = await mkdtemp(path.join(tmpdir(), 'rsrun-dl-'));
    projects.push(download);
    await s3.aws('s3', 'cp', '--recursive', '--quiet', `s3://${BUCKET}/ci/rsrun/local/${ctx.runId}/`, download);
    const local = await filesUnder(ctx.runDir, (n) => n === PENDING_MARKER || n === PENDING_METRICS);
    const remote = await filesUnder(download);
    expect(remote.size).to.equal(6);
    // report.html in the store is the report re-rendered with the site's history and links.
    expect(remote.get('report.html')).not.to.equal(local.get('report.html'));
    expect(await readFile(path.join(download, 'report.html'), 'utf8')).to.include('<a href="../index.html">← all runs of local</a>');
    local.delete('report.html');
    remote.delete('report.html');
    // The one file carrying a secret was masked on the way; every other byte is identical.
    const sqlLocal = await readFile(path.join(ctx.runDir, 'sql', 'V1__init.sql'), 'utf8');
    expect(remote.get('sql/V1__init.sql')).to.equal(sha256(Buffer.from(sqlLocal.replace(SECRET, '***'))));
    local.delete('sql/V1__init.sql');
    remote.delete('sql/V1__init.sql');
    expect(remote).to.deep.equal(local);

    const index = JSON.parse(await s3.aws('s3', 'cp', `s3://${BUCKET}/ci/rsrun/local/index.json`, '-'));
    expect(index.runs.map((r: { runId: string }) => r.runId)).to.include(ctx.runId);
    // Nothing left: a second ship has nothing to do.
    expect(await shipRuns(h.config, createLogger({ level: 'error', format: 'json', secrets: [], stream: capture() }))).to.deep.equal([]);
  });

  it('with `required = true` an unreachable S3 fails the run with exit code 6, and the spool is still kept', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const h = await project(ini('required = true'));
    projects.push(h.project);
    let ctx: RunContext;
    let errors: unknown[];
    try {
      ({ ctx, errors } = await deployRun(h, () => s3.stop()));
    } finally {
      await s3.resume();
    }
    expect(errors).to.have.length(1);
    expect(errors[0]).to.be.instanceOf(ShippingError);
    expect((errors[0] as ShippingError).exitCode).to.equal(ExitCode.ShippingFailed);
    expect(existsSync(path.join(ctx!.runDir, PENDING_MARKER))).to.equal(true);
  });

  it('the index lists runs newest first across runs, with each status', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const h = await project(ini().replace('prefix = ci/rsrun', 'prefix = history'));
    projects.push(h.project);
    const first = await deployRun(h);
    const second = await deployRun(h);
    const index = JSON.parse(await s3.aws('s3', 'cp', `s3://${BUCKET}/history/local/index.json`, '-'));
    expect(index.runs.map((r: { runId: string }) => r.runId)).to.deep.equal([second.ctx.runId, first.ctx.runId]);
  });
});

describe('shipping without [s3]: the local store', () => {
  it('gives the same layout under <reports-dir>/store, and concurrent runs all land in the index', async () => {
    const h = await project('[project]\nname = shop\n');
    try {
      const runs = await Promise.all([deployRun(h), deployRun(h), deployRun(h)]);
      const store = path.join(h.config.project.reportsDir, 'store', 'local');
      for (const { ctx, errors } of runs) {
        expect(errors).to.deep.equal([]);
        expect(existsSync(path.join(ctx.runDir, PENDING_MARKER))).to.equal(false);
        const files = [...(await filesUnder(path.join(store, ctx.runId))).keys()].sort();
        expect(files).to.deep.equal(['history.json', 'junit.xml', 'report.html', 'report.json', 'run.log', 'sql/V1__init.sql']);
      }
      const index = JSON.parse(await readFile(path.join(store, 'index.json'), 'utf8'));
      expect(index.runs.map((r: { runId: string }) => r.runId).sort()).to.deep.equal(runs.map((r) => r.ctx.runId).sort());
      expect(await readFile(path.join(store, 'index.html'), 'utf8')).to.include('3 runs, newest first');
    } finally {
      await rm(h.project, { recursive: true, force: true });
    }
  });
});
