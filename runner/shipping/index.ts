/**
 * Shipping: the run directory to S3 (or the local store), metrics to CloudWatch, and the spool
 * that keeps whatever could not be sent. Public API:
 *  - `attachShipping(ctx, logger)`: for `deploy`/`test`; marks the run pending at once and ships
 *    it as a RunContext finisher (registered after the report writers, so their files go along).
 *  - `shipRuns(config, logger, runDirs?)`: for `rsrun ship`; sends everything pending (or the
 *    given run directories).
 * Failures are logged and kept in the spool; they fail the run only where `[s3] required` /
 * `[cloudwatch] required` say so.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedConfig } from '../config/types';
import { ShippingError, messageOf } from '../errors';
import type { Logger } from '../logging/logger';
import type { Masker } from '../logging/masking';
import { processMasker } from '../logging/process-masker';
import type { RunContext } from '../run/run-context';
import type { RunReport } from '../run/run-report';
import { ShippingBudget } from './budget';
import { LocalStore } from './local-store';
import type { SiteSettings } from '../reports/site/model';
import { siteSettings } from '../reports/site/settings';
import { metricsFor, publishMetrics, readPendingMetrics, savePendingMetrics, type PublishResult } from './metrics';
import { isUnreachable } from './retry';
import { S3Store } from './s3-store';
import { shipRun, type ShipRunResult } from './ship-run';
import { clearMarker, isLiveRun, listSpool, markPending, readMarker, writeMarker, type PendingMarker } from './spool';
import type { RunStore } from './store';

export { LocalStore } from './local-store';
export { listSpool, PENDING_MARKER, PENDING_METRICS } from './spool';
export type { RunIndex, RunIndexEntry } from './run-index';

/** Where runs go without `[s3]`: `<reports-dir>/store/<env>/<run-id>/`, beside the run directories. */
export function localStoreDir(config: ResolvedConfig): string {
  return path.join(config.project.reportsDir, 'store');
}

/** `signal` aborts the store's requests in flight (the shipping budget). */
export async function openStore(config: ResolvedConfig, signal?: AbortSignal): Promise<RunStore> {
  // S3Store itself is light: it loads the AWS SDK only when opened.
  if (config.s3) return S3Store.open(config.s3, signal);
  return new LocalStore(localStoreDir(config));
}

export interface RunShipment {
  runDir: string;
  runId: string;
  /** Set when the files and index entry were confirmed by the store. */
  shipped?: ShipRunResult;
  uploadError?: ShippingError;
  metrics?: PublishResult;
  metricsError?: ShippingError;
  /** Left alone: the run is still in progress in another process. */
  skipped?: string;
}

type RunIdentity = Omit<PendingMarker, 'state' | 'pid' | 'host' | 'lastError'>;

/** Publishes the run's metrics: the pending file if there is one, else `fresh` (a report just finished). */
async function sendMetrics(
  config: ResolvedConfig,
  runDir: string,
  fresh: RunReport | undefined,
  logger: Logger,
  masker: Masker,
  budget: ShippingBudget,
): Promise<Pick<RunShipment, 'metrics' | 'metricsError'>> {
  const pending = await readPendingMetrics(runDir);
  if (!config.cloudwatch) {
    if (pending)
      logger.warn('metrics are waiting in the spool but [cloudwatch] is not configured; left in place', {
        file: path.join(runDir, 'metrics.pending.json'),
      });
    return {};
  }
  const namespace = pending?.namespace ?? config.cloudwatch.namespace;
  const data = pending?.data ?? (fresh ? metricsFor(fresh) : []);
  if (data.length === 0) return {};
  // Saved before sending: a crash while sending leaves them for `rsrun ship`, never lost.
  if (!pending) await savePendingMetrics(runDir, { namespace, data });
  const result = await publishMetrics({ ...config.cloudwatch, namespace }, data, {
    onRetry: (err, attempt) => logger.debug('CloudWatch retry', { attempt, error: messageOf(err) }),
    budget,
  });
  await savePendingMetrics(runDir, { namespace, data: result.unsent });
  if (result.expired > 0)
    logger.warn(`${result.expired} metric data points were older than CloudWatch accepts (14 days) and were dropped`, { runDir });
  if (result.unsent.length === 0) {
    logger.info(`published ${result.sent} metrics to CloudWatch namespace ${namespace}`);
    return { metrics: result };
  }
  const why = budget.expired
    ? `CloudWatch did not take the metrics within the shipping budget of ${budget.label}`
    : isUnreachable(result.error)
      ? 'CloudWatch is unreachable'
      : 'CloudWatch refused the metrics';
  const metricsError = new ShippingError(`${why}: ${masker.mask(messageOf(result.error))}`, {
    cause: result.error,
    file: path.join(runDir, 'metrics.pending.json'),
    hint: 'the metrics are kept in the run directory; `rsrun ship` sends them later',
  });
  logger.warn(
    `${why}: ${result.unsent.length} metrics kept in ${path.join(runDir, 'metrics.pending.json')}; send them later with \`rsrun ship\``,
    {
      error: masker.mask(messageOf(result.error)),
    },
  );
  return { metrics: result, metricsError };
}

async function sendFiles(
  store: RunStore,
  runDir: string,
  run: RunIdentity,
  marker: PendingMarker | undefined,
  logger: Logger,
  masker: Masker,
  budget: ShippingBudget,
  site: SiteSettings,
): Promise<Pick<RunShipment, 'shipped' | 'uploadError'>> {
  try {
    const shipped = await shipRun({ store, runDir, run, masker, logger, budget, site });
    await clearMarker(runDir);
    logger.info(`run shipped to ${shipped.url} (${shipped.objects.length} objects, checksums verified)`, {
      index: store.url(`${run.environment}/index.html`),
    });
    return { shipped };
  } catch (err) {
    const uploadError = budget.expired
      ? budget.error(err)
      : err instanceof ShippingError
        ? err
        : new ShippingError(masker.mask(messageOf(err)), { cause: err });
    if (marker)
      await writeMarker(runDir, { ...marker, state: 'finished', lastError: masker.mask(uploadError.message) }).catch(() => undefined);
    const what = budget.expired
      ? `shipping to ${store.location} ran out of time`
      : isUnreachable(uploadError.cause)
        ? `${store.location} is unreachable`
        : `shipping to ${store.location} failed`;
    logger.warn(`${what}: run records kept in the local spool at ${runDir}; upload them later with \`rsrun ship\``, {
      error: uploadError.message,
    });
    return { uploadError };
  }
}

/**
 * Attaches shipping to a run: writes the spool marker now, and at the end of the run publishes
 * metrics and uploads the run directory. Register after the report writers.
 */
export function attachShipping(ctx: RunContext, logger: Logger): void {
  const config = ctx.config;
  const run: RunIdentity = {
    runId: ctx.runId,
    environment: config.env.name,
    project: config.project.name,
    command: ctx.command,
    startedAt: ctx.startedAt.toISOString(),
  };
  const marker = markPending(ctx.runDir, run);
  ctx.addFinisher('ship', async (report) => {
    // Built now, not when attached: secrets learned during the run (Secrets Manager) are masked too.
    const masker = processMasker(config.secrets);
    const finished: PendingMarker = { ...marker, state: 'finished' };
    await writeMarker(ctx.runDir, finished);
    const budget = new ShippingBudget(config.shipTimeoutMs);
    let metrics: Pick<RunShipment, 'metrics' | 'metricsError'> = {};
    let store: RunStore | undefined;
    let files: Pick<RunShipment, 'shipped' | 'uploadError'>;
    try {
      metrics = await sendMetrics(config, ctx.runDir, report, logger, masker, budget);
      // run.log goes up last: flush what has been logged so far into it.
      await (logger as { flush?: () => Promise<void> }).flush?.();
      store = await openStore(config, budget.signal);
      files = await sendFiles(store, ctx.runDir, run, finished, logger, masker, budget, siteSettings(config));
    } catch (err) {
      // Opening the store itself failed (no region, bad endpoint): same spool path.
      const uploadError = new ShippingError(
        `cannot open ${config.s3 ? `s3://${config.s3.bucket}` : 'the local store'}: ${masker.mask(messageOf(err))}`,
        { cause: err, hint: 'check [s3] and the AWS region/credentials; `rsrun ship` uploads the spool later' },
      );
      logger.warn(`${uploadError.message}; run records kept in the local spool at ${ctx.runDir}`);
      files = { uploadError };
    } finally {
      store?.close();
      budget.dispose();
    }
    if (files.uploadError && config.s3?.required) throw files.uploadError;
    if (metrics.metricsError && config.cloudwatch?.required) throw metrics.metricsError;
  });
}

async function identityOf(runDir: string, marker: PendingMarker | undefined, config: ResolvedConfig): Promise<RunIdentity> {
  if (marker) return marker;
  let report: Partial<RunReport> = {};
  try {
    report = JSON.parse(await readFile(path.join(runDir, 'report.json'), 'utf8')) as RunReport;
  } catch {
    // No report: a run that crashed early, or a directory put there by hand.
  }
  return {
    runId: report.runId ?? path.basename(runDir),
    environment: report.environment ?? config.env.name,
    project: report.project ?? config.project.name,
    command: report.command ?? 'unknown',
    startedAt: report.startedAt ?? (await stat(runDir)).mtime.toISOString(),
  };
}

/**
 * `rsrun ship`: sends every pending run of the reports directory (or exactly `runDirs`), oldest
 * first. A run still in progress in another live process is skipped. Returns one entry per run.
 */
export async function shipRuns(config: ResolvedConfig, logger: Logger, runDirs?: string[]): Promise<RunShipment[]> {
  const masker = processMasker(config.secrets);
  const targets = runDirs
    ? await Promise.all(runDirs.map(async (d) => ({ runDir: path.resolve(d), marker: await readMarker(path.resolve(d)), explicit: true })))
    : (await listSpool(config.project.reportsDir)).map((e) => ({ runDir: e.runDir, marker: e.marker, explicit: false }));
  const out: RunShipment[] = [];
  if (targets.length === 0) return out;
  for (const t of targets) {
    if (t.marker && isLiveRun(t.marker)) {
      out.push({ runDir: t.runDir, runId: t.marker.runId, skipped: `still running (pid ${t.marker.pid})` });
      continue;
    }
    const run = await identityOf(t.runDir, t.marker, config);
    const shipment: RunShipment = { runDir: t.runDir, runId: run.runId };
    // `ship_timeout` bounds the shipping of one run, here as at the end of a deploy: a backlog of
    // spooled runs is not cut short by the time the first ones took. A store per run, because its
    // requests are aborted by that run's budget.
    const budget = new ShippingBudget(config.shipTimeoutMs);
    const store = await openStore(config, budget.signal);
    try {
      Object.assign(shipment, await sendMetrics(config, t.runDir, undefined, logger, masker, budget));
      if (t.marker || t.explicit)
        Object.assign(shipment, await sendFiles(store, t.runDir, run, t.marker, logger, masker, budget, siteSettings(config)));
    } finally {
      store.close();
      budget.dispose();
    }
    out.push(shipment);
  }
  return out;
}
