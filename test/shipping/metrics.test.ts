import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import { expect } from 'chai';
import { batches, MAX_METRICS_PER_REQUEST, metricsFor, publishMetrics, type StoredDatum } from '../../runner/shipping/metrics';
import type { CloudWatchConfig } from '../../runner/config/types';
import type { RunReport } from '../../runner/run/run-report';

export function sampleReport(overrides: Partial<RunReport> = {}): RunReport {
  const migration = (version: string, status: 'applied' | 'failed', durationMs: number) => ({
    migration: {
      version,
      description: `m${version}`,
      kind: 'versioned' as const,
      script: `V${version}__m.sql`,
      checksum: 'x',
      transactional: true,
      statementCount: 1,
    },
    status,
    durationMs,
  });
  const test = (name: string, status: 'passed' | 'failed' | 'error', durationMs: number) => ({
    id: `s::${name}`,
    suite: 's',
    name,
    file: 't.sql',
    tags: [],
    status,
    durationMs,
  });
  return {
    schemaVersion: 1,
    runId: '20260101T000000Z-abcdef',
    command: 'deploy',
    project: 'shop',
    environment: 'test',
    target: 'postgres://deployer@h:5439/dev',
    status: 'failed',
    exitCode: 1,
    startedAt: new Date(Date.now() - 5000).toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: 5000,
    build: {},
    migrations: [migration('1', 'applied', 120), migration('2', 'applied', 30)],
    tests: [test('a', 'passed', 10), test('b', 'failed', 20), test('c', 'error', 5), test('d', 'passed', 1)],
    lint: [],
    summary: { migrationsApplied: 2, migrationsFailed: 0, total: 4, passed: 2, failed: 1, errors: 1, skipped: 0 },
    ...overrides,
  };
}

const config: CloudWatchConfig = { namespace: 'Rsrun/Test', region: 'us-east-1', endpoint: undefined, required: false };
const noWait = { sleep: async () => undefined };

const mockCloudWatch = () => mockClient(CloudWatchClient);

describe('CloudWatch metrics', () => {
  // Mocked while this block runs only (not from the moment mocha loads the file): other files talk to real endpoints.
  let cw: ReturnType<typeof mockCloudWatch>;
  before(() => (cw = mockCloudWatch()));
  beforeEach(() => cw.reset());
  after(() => cw.restore());

  it('publishes one PutMetricData with every run metric, dimensions Environment and Project', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const report = sampleReport();
    const result = await publishMetrics(config, metricsFor(report), { retry: noWait });
    expect(result).to.deep.include({ sent: 8, unsent: [] });
    const calls = cw.commandCalls(PutMetricDataCommand);
    expect(calls).to.have.length(1);
    const input = calls[0]!.args[0].input;
    expect(input.Namespace).to.equal('Rsrun/Test');
    const byName = Object.fromEntries((input.MetricData ?? []).map((d) => [d.MetricName, d]));
    expect(Object.keys(byName).sort()).to.deep.equal([
      'DeploymentSuccess',
      'MigrationDuration',
      'MigrationsApplied',
      'RunDuration',
      'TestDuration',
      'TestsErrored',
      'TestsFailed',
      'TestsPassed',
    ]);
    expect(byName.DeploymentSuccess).to.include({ Value: 0, Unit: 'Count' });
    expect(byName.MigrationsApplied!.Value).to.equal(2);
    expect(byName.MigrationDuration).to.include({ Value: 150, Unit: 'Milliseconds' });
    expect([byName.TestsPassed!.Value, byName.TestsFailed!.Value, byName.TestsErrored!.Value]).to.deep.equal([2, 1, 1]);
    expect(byName.TestDuration!.Value).to.equal(36);
    expect(byName.RunDuration).to.include({ Value: 5000, Unit: 'Milliseconds' });
    expect(byName.RunDuration!.Dimensions).to.deep.equal([
      { Name: 'Environment', Value: 'test' },
      { Name: 'Project', Value: 'shop' },
    ]);
    expect(byName.RunDuration!.Timestamp).to.be.instanceOf(Date);
  });

  it('reports a successful deployment as 1, and a test-only run without deployment metrics', () => {
    const ok = metricsFor(sampleReport({ status: 'passed' }));
    expect(ok.find((m) => m.name === 'DeploymentSuccess')!.value).to.equal(1);
    const testOnly = metricsFor(sampleReport({ command: 'test', migrations: [] })).map((m) => m.name);
    expect(testOnly).not.to.include('DeploymentSuccess');
    expect(testOnly).to.include('TestsPassed');
  });

  it('splits data into requests of at most 1000 metrics and within the payload size', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const one = metricsFor(sampleReport())[0]!;
    const data: StoredDatum[] = Array.from({ length: 2500 }, (_, i) => ({ ...one, name: `M${i}` }));
    const result = await publishMetrics(config, data, { retry: noWait });
    expect(result.sent).to.equal(2500);
    const sizes = cw.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input.MetricData!.length);
    expect(sizes).to.deep.equal([1000, 1000, 500]);
    // Order is kept across requests.
    expect(cw.commandCalls(PutMetricDataCommand)[2]!.args[0].input.MetricData![0]!.MetricName).to.equal('M2000');

    const big: StoredDatum[] = Array.from({ length: 300 }, (_, i) => ({
      ...one,
      name: `M${i}`,
      dimensions: { Environment: 'e'.repeat(1000), Project: 'p'.repeat(1000) },
    }));
    const split = batches(big);
    expect(split.length).to.be.greaterThan(1);
    for (const b of split) {
      expect(b.length).to.be.at.most(MAX_METRICS_PER_REQUEST);
      // The serialized request stays under 1 MB.
      expect(Buffer.byteLength(JSON.stringify(b))).to.be.below(1_000_000 / 2);
    }
    expect(split.flat()).to.have.length(300);
  });

  it('retries throttling with growing backoff and then succeeds', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    cw.on(PutMetricDataCommand).rejectsOnce(throttled).rejectsOnce(throttled).resolves({});
    const delays: number[] = [];
    const result = await publishMetrics(config, metricsFor(sampleReport()), {
      retry: { sleep: async (ms) => void delays.push(ms), random: () => 1 },
    });
    expect(result.unsent).to.deep.equal([]);
    expect(cw.commandCalls(PutMetricDataCommand)).to.have.length(3);
    expect(delays).to.deep.equal([500, 1000]);
  });

  it('does not retry a request CloudWatch refuses, and hands back what was not sent', async () => {
    const invalid = Object.assign(new Error('bad value'), { name: 'InvalidParameterValueException', $metadata: { httpStatusCode: 400 } });
    cw.on(PutMetricDataCommand).rejects(invalid);
    const data = metricsFor(sampleReport());
    const result = await publishMetrics(config, data, { retry: noWait });
    expect(cw.commandCalls(PutMetricDataCommand)).to.have.length(1);
    expect(result.sent).to.equal(0);
    expect(result.unsent).to.deep.equal(data);
    expect((result.error as Error).name).to.equal('InvalidParameterValueException');
  });

  it('gives up after bounded attempts during an outage and keeps every unsent batch', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const one = metricsFor(sampleReport())[0]!;
    const data: StoredDatum[] = Array.from({ length: 1500 }, (_, i) => ({ ...one, name: `M${i}` }));
    cw.on(PutMetricDataCommand).resolvesOnce({}).rejects(down);
    const result = await publishMetrics(config, data, { retry: noWait });
    expect(result.sent).to.equal(1000);
    expect(result.unsent).to.deep.equal(data.slice(1000));
    expect(cw.commandCalls(PutMetricDataCommand)).to.have.length(1 + 5);
  });

  it('drops data points older than CloudWatch accepts, and says how many', async () => {
    cw.on(PutMetricDataCommand).resolves({});
    const old = metricsFor(sampleReport({ finishedAt: new Date(Date.now() - 15 * 86400_000).toISOString() }));
    const result = await publishMetrics(config, old, { retry: noWait });
    expect(result).to.deep.include({ sent: 0, expired: old.length });
    expect(cw.commandCalls(PutMetricDataCommand)).to.have.length(0);
  });
});
