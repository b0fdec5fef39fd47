/**
 * Nothing waits on an AWS endpoint without a bound (issue 14, defect 2): every client has
 * connection and request timeouts that throw, and shipping as a whole has a time budget after which
 * the run is spooled (exit 0) or fails with exit 6 (`required = true`). Without these, each case
 * below hangs until mocha's timeout.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../runner/config/load-config';
import { ConfigError, ExitCode, ShippingError } from '../../runner/errors';
import { createLogger } from '../../runner/logging/create-logger';
import { RunContext } from '../../runner/run/run-context';
import { attachShipping, PENDING_MARKER, PENDING_METRICS } from '../../runner/shipping/index';
import { awsHttpOptions } from '../../runner/warehouse/aws/aws-clients';
import { FaultServer } from '../faults/support/fault-server';
import { S3_ENV } from './s3-server';

describe('bounded waits on AWS endpoints', function () {
  this.timeout(45_000);
  let server: FaultServer;
  const dirs: string[] = [];
  const saved: Record<string, string | undefined> = {};

  before(async () => {
    for (const [k, v] of Object.entries(S3_ENV)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    server = await FaultServer.start();
    server.mode = 'black-hole';
  });
  after(async () => {
    await server.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  async function shipOnce(ini: string): Promise<{ runDir: string; errors: unknown[]; elapsedMs: number }> {
    const dir = await mkdtemp(path.join(tmpdir(), 'rsrun-bounded-'));
    dirs.push(dir);
    await writeFile(path.join(dir, 'rsrun.ini'), ini);
    const config = await loadConfig({ projectDir: dir }, { ...process.env, RSRUN_SHIP_TIMEOUT: '1500ms' });
    const ctx = await RunContext.start(config, 'deploy');
    const logger = createLogger({ level: 'error', format: 'json', secrets: [], stream: new (await import('node:stream')).PassThrough() });
    ctx.addFinisher('reports', async (report) => writeFile(path.join(ctx.runDir, 'report.json'), JSON.stringify(report)));
    attachShipping(ctx, logger);
    const started = Date.now();
    const { errors } = await ctx.finish('passed', 0);
    await logger.close();
    return { runDir: ctx.runDir, errors, elapsedMs: Date.now() - started };
  }

  it('every AWS client is told to throw when a request times out, and to time out a silent socket', () => {
    expect(awsHttpOptions().requestHandler).to.include({ throwOnRequestTimeout: true, connectionTimeout: 5_000 });
    expect(awsHttpOptions(1_000).requestHandler).to.include({ requestTimeout: 1_000, socketTimeout: 1_000, connectionTimeout: 1_000 });
  });

  it('a black-holed S3 endpoint: the run is spooled once the shipping budget is spent', async () => {
    const r = await shipOnce(`[s3]\nbucket = b\nendpoint = ${server.url}\n`);
    expect(r.errors).to.deep.equal([]);
    expect(existsSync(path.join(r.runDir, PENDING_MARKER))).to.equal(true);
    expect(r.elapsedMs).to.be.below(15_000);
  });

  it('with required = true the same black hole fails the run with exit code 6', async () => {
    const r = await shipOnce(`[s3]\nbucket = b\nendpoint = ${server.url}\nrequired = true\n`);
    expect(r.errors).to.have.length(1);
    const err = r.errors[0] as ShippingError;
    expect(err).to.be.instanceOf(ShippingError);
    expect(err.exitCode).to.equal(ExitCode.ShippingFailed);
    expect(err.message).to.contain('budget of 1500ms');
    expect(existsSync(path.join(r.runDir, PENDING_MARKER))).to.equal(true);
  });

  it('a black-holed CloudWatch endpoint: metrics are kept for `rsrun ship`, files still go to the store', async () => {
    const r = await shipOnce(`[cloudwatch]\nendpoint = ${server.url}\nregion = us-east-1\n`);
    expect(r.errors).to.deep.equal([]);
    expect(existsSync(path.join(r.runDir, PENDING_METRICS))).to.equal(true);
    expect(server.seen.filter((t) => t.endsWith('.PutMetricData')).length).to.be.greaterThan(0);
  });

  it('`rsrun ship` loads a configuration whose database ${VAR}s are not set; connecting commands still refuse it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rsrun-shipcfg-'));
    dirs.push(dir);
    await writeFile(
      path.join(dir, 'rsrun.ini'),
      '[env.test]\nengine = redshift\nhost = ${NOT_SET_HOST}\nport = ${NOT_SET_PORT}\npassword = ${NOT_SET_PASSWORD}\n\n[s3]\nbucket = reports\n',
    );
    const env = { PATH: process.env.PATH ?? '' };
    const config = await loadConfig({ projectDir: dir, env: 'test' }, env, { connection: false });
    expect([config.env.name, config.env.host, config.env.port, config.s3?.bucket]).to.deep.equal(['test', '', 5439, 'reports']);
    let refused: unknown;
    await loadConfig({ projectDir: dir, env: 'test' }, env).catch((e: unknown) => (refused = e));
    expect(refused).to.be.instanceOf(ConfigError);
  });
});
