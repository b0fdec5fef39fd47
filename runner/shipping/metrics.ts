/**
 * CloudWatch metrics of a run, published with PutMetricData. Limits (API_PutMetricData, AWS
 * CloudWatch API Reference): at most 1000 metrics per request, a request body of at most 1 MB,
 * at most 30 dimensions per metric; values must be finite. Throttling and server errors are
 * retried with backoff; what still fails is written to the run directory
 * (`metrics.pending.json`) for `rsrun ship`, and fails the run only with `required = true`.
 */
import type { CloudWatchClient, MetricDatum, StandardUnit } from '@aws-sdk/client-cloudwatch';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CloudWatchConfig } from '../config/types';
import type { RunReport } from '../run/run-report';
import { awsHttpOptions } from '../warehouse/aws/aws-clients';
import { loadAwsModule } from './aws-sdk';
import { withRetry, type RetryEvent, type RetryOptions } from '../retry';
import type { ShippingBudget } from './budget';
import { isTransientAwsError } from './retry';
import { PENDING_METRICS } from './spool';

export const MAX_METRICS_PER_REQUEST = 1000;
/** 1 MB minus headroom: the size is estimated before the SDK serializes it. */
export const MAX_REQUEST_BYTES = 900_000;
/** CloudWatch refuses data points older than two weeks (API_PutMetricData, Timestamp). */
export const MAX_METRIC_AGE_MS = 14 * 24 * 3600 * 1000;

export interface StoredDatum {
  name: string;
  value: number;
  unit: StandardUnit;
  timestamp: string;
  dimensions: Record<string, string>;
}

export interface PendingMetrics {
  namespace: string;
  data: StoredDatum[];
}

/** The metrics of one run. Durations in milliseconds; dimensions Environment and Project. */
export function metricsFor(report: RunReport): StoredDatum[] {
  const dimensions = { Environment: report.environment, Project: report.project };
  const at = report.finishedAt;
  const d = (name: string, value: number, unit: StandardUnit): StoredDatum => ({ name, value, unit, timestamp: at, dimensions });
  const applied = report.migrations.filter((m) => m.status === 'applied');
  const out: StoredDatum[] = [];
  if (report.command !== 'test') {
    out.push(d('DeploymentSuccess', report.status === 'passed' ? 1 : 0, 'Count'));
    out.push(d('MigrationsApplied', applied.length, 'Count'));
    out.push(
      d(
        'MigrationDuration',
        applied.reduce((sum, m) => sum + m.durationMs, 0),
        'Milliseconds',
      ),
    );
  }
  if (report.tests.length > 0 || report.command === 'test') {
    out.push(d('TestsPassed', report.summary.passed, 'Count'));
    out.push(d('TestsFailed', report.summary.failed, 'Count'));
    out.push(d('TestsErrored', report.summary.errors, 'Count'));
    out.push(
      d(
        'TestDuration',
        report.tests.reduce((sum, t) => sum + t.durationMs, 0),
        'Milliseconds',
      ),
    );
  }
  if (report.drift) out.push(d('DriftObjects', report.drift.objects, 'Count'));
  out.push(d('RunDuration', report.durationMs, 'Milliseconds'));
  return out.filter((m) => Number.isFinite(m.value));
}

function toDatum(m: StoredDatum): MetricDatum {
  return {
    MetricName: m.name,
    Value: m.value,
    Unit: m.unit,
    Timestamp: new Date(m.timestamp),
    Dimensions: Object.entries(m.dimensions)
      .slice(0, 30)
      .map(([Name, Value]) => ({ Name, Value })),
  };
}

/** An upper bound of a datum's share of the request body (query protocol spells every field name out). */
function estimatedBytes(m: StoredDatum): number {
  return 3 * JSON.stringify(m).length + 200;
}

/** Splits data into requests within the count and size limits, keeping order. */
export function batches(data: StoredDatum[], maxCount = MAX_METRICS_PER_REQUEST, maxBytes = MAX_REQUEST_BYTES): StoredDatum[][] {
  const out: StoredDatum[][] = [];
  let current: StoredDatum[] = [];
  let bytes = 0;
  for (const m of data) {
    const size = estimatedBytes(m);
    if (current.length > 0 && (current.length >= maxCount || bytes + size > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(m);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

// PutMetricData of the same data points twice is harmless (CloudWatch aggregates statistics).
export const DEFAULT_METRICS_RETRY: RetryOptions = {
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  retryOn: isTransientAwsError,
  safeToRetry: true,
};

export interface PublishResult {
  sent: number;
  /** Data CloudWatch did not accept (empty on success). */
  unsent: StoredDatum[];
  error?: unknown;
  /** Dropped because CloudWatch no longer accepts points that old. */
  expired: number;
}

export async function openCloudWatch(
  config: CloudWatchConfig,
): Promise<{ client: CloudWatchClient; sdk: typeof import('@aws-sdk/client-cloudwatch') }> {
  const sdk = await loadAwsModule(() => import('@aws-sdk/client-cloudwatch'));
  const client = new sdk.CloudWatchClient({
    ...(config.region ? { region: config.region } : {}),
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    maxAttempts: 1,
    ...awsHttpOptions(),
  });
  return { client, sdk };
}

/** Sends `data` in batches; stops at the first batch that fails after its retries and reports the rest as unsent. */
export async function publishMetrics(
  config: CloudWatchConfig,
  data: StoredDatum[],
  options: {
    retry?: Partial<RetryOptions>;
    now?: Date;
    onRetry?: (err: unknown, attempt: number) => void;
    /** Aborts the request in flight and stops retrying (the shipping budget). */
    budget?: ShippingBudget;
  } = {},
): Promise<PublishResult> {
  const now = (options.now ?? new Date()).getTime();
  const fresh = data.filter((m) => now - Date.parse(m.timestamp) < MAX_METRIC_AGE_MS);
  const expired = data.length - fresh.length;
  if (fresh.length === 0) return { sent: 0, unsent: [], expired };
  const { client, sdk } = await openCloudWatch(config);
  const groups = batches(fresh);
  let sent = 0;
  try {
    for (const [i, group] of groups.entries()) {
      try {
        const command = new sdk.PutMetricDataCommand({ Namespace: config.namespace, MetricData: group.map(toDatum) });
        const retry: RetryOptions = {
          ...DEFAULT_METRICS_RETRY,
          ...options.retry,
          ...(options.onRetry ? { onRetry: ({ error, attempt }: RetryEvent) => options.onRetry?.(error, attempt) } : {}),
        };
        const budget = options.budget;
        await withRetry(() => client.send(command, budget ? { abortSignal: budget.signal } : {}), budget ? budget.bound(retry) : retry);
        sent += group.length;
      } catch (error) {
        return { sent, unsent: groups.slice(i).flat(), error, expired };
      }
    }
    return { sent, unsent: [], expired };
  } finally {
    client.destroy();
  }
}

export async function readPendingMetrics(runDir: string): Promise<PendingMetrics | undefined> {
  try {
    return JSON.parse(await readFile(path.join(runDir, PENDING_METRICS), 'utf8')) as PendingMetrics;
  } catch {
    return undefined;
  }
}

/** Replaces the run's pending metrics with `pending`, or removes the file when nothing is left. */
export async function savePendingMetrics(runDir: string, pending: PendingMetrics): Promise<void> {
  const file = path.join(runDir, PENDING_METRICS);
  if (pending.data.length === 0) await rm(file, { force: true });
  else await writeFile(file, JSON.stringify(pending, null, 2) + '\n');
}
