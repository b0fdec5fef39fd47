/**
 * Uploading one run directory: every file (masked if it is text), concurrently, each retried with
 * backoff and verified by the store, then the environment's index. Throws a ShippingError (with
 * the first failure as `cause`) when anything was not confirmed; the caller keeps the spool marker.
 */
import { isUtf8 } from 'node:buffer';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ShippingError, messageOf } from '../errors';
import type { Logger } from '../logging/logger';
import type { Masker } from '../logging/masking';
import type { ShippingBudget } from './budget';
import { contentTypeFor, isTextContent } from './content-type';
import { withRetry, type RetryOptions } from '../retry';
import { isTransientAwsError } from './retry';
import { publishRun, type RunIndex } from './run-index';
import type { SiteSettings } from '../reports/site/model';
import { isSpoolFile } from './spool';
import { joinKey, type PutResult, type RunStore } from './store';

export interface ShipRunInput {
  store: RunStore;
  runDir: string;
  run: { runId: string; environment: string; project: string; command: string; startedAt: string };
  masker: Masker;
  logger: Logger;
  /** Parallel uploads; default 8 (the AWS CLI uses 10). */
  concurrency?: number;
  retry?: Partial<RetryOptions>;
  /** No retry, backoff or new upload past it (the store aborts requests in flight itself). */
  budget?: ShippingBudget;
  /** Report site settings (`[site]`); defaults when absent. */
  site?: SiteSettings;
}

export interface ShipRunResult {
  objects: PutResult[];
  index: RunIndex;
  /** Where the run's folder is: `s3://bucket/prefix/env/run-id/`. */
  url: string;
}

// An upload of the same key is idempotent: always safe to repeat.
export const DEFAULT_UPLOAD_RETRY: RetryOptions = {
  attempts: 4,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  retryOn: isTransientAwsError,
  safeToRetry: true,
};

/** Relative POSIX paths of the run's files, spool markers left out, `run.log` last (it grows until the end). */
export async function runFiles(runDir: string): Promise<string[]> {
  const entries = await readdir(runDir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && !isSpoolFile(e.name))
    .map((e) => path.relative(runDir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
  return [...files.filter((f) => f !== 'run.log'), ...files.filter((f) => f === 'run.log')];
}

export async function shipRun(input: ShipRunInput): Promise<ShipRunResult> {
  const { store, runDir, run, masker, logger } = input;
  const policy: RetryOptions = { ...DEFAULT_UPLOAD_RETRY, ...input.retry };
  const retry = input.budget ? input.budget.bound(policy) : policy;
  const files = await runFiles(runDir);
  const base = joinKey(run.environment, run.runId);
  const uploaded: PutResult[] = [];
  let failure: { file: string; err: unknown } | undefined;

  const uploadOne = async (file: string): Promise<void> => {
    const type = contentTypeFor(file);
    const raw = await readFile(path.join(runDir, ...file.split('/')));
    // Last line of defence: report writers mask too, but nothing leaves the machine unmasked.
    // Bytes that are not valid UTF-8 are not text whatever the name says: sent unchanged.
    // Re-encoded only when masking changed something: a 50 MB script is then held twice, not four times.
    let body = raw;
    if (isTextContent(type) && isUtf8(raw)) {
      const text = raw.toString('utf8');
      const masked = masker.mask(text);
      if (masked !== text) body = Buffer.from(masked, 'utf8');
    }
    const key = joinKey(base, file);
    const result = await withRetry(() => store.put(key, body, type), {
      ...retry,
      onRetry: ({ error, attempt, delayMs }) =>
        logger.debug('upload retry', { object: store.url(key), attempt, delayMs, error: messageOf(error) }),
    });
    uploaded.push(result);
  };

  // A small worker pool; after the first definitive failure no new upload starts (the run stays spooled anyway).
  const queue = [...files];
  const workers = Array.from({ length: Math.max(1, Math.min(input.concurrency ?? 8, queue.length)) }, async () => {
    for (let file = queue.shift(); file !== undefined && !failure; file = queue.shift()) {
      try {
        if (input.budget?.expired) throw input.budget.error();
        await uploadOne(file);
      } catch (err) {
        failure ??= { file, err };
      }
    }
  });
  await Promise.all(workers);
  if (failure) {
    throw new ShippingError(`upload of ${failure.file} to ${store.url(base)}/ failed: ${masker.mask(messageOf(failure.err))}`, {
      cause: failure.err,
      file: path.join(runDir, failure.file),
      hint: `the run stays in the local spool (${runDir}); run \`rsrun ship\` when the store is reachable`,
    });
  }

  let index: RunIndex;
  try {
    if (input.budget?.expired) throw input.budget.error();
    index = await withRetry(() => publishRun(store, run, files, input.site), retry);
  } catch (err) {
    throw new ShippingError(
      `run files uploaded, but the index ${store.url(joinKey(run.environment, 'index.json'))} could not be updated: ${masker.mask(messageOf(err))}`,
      {
        cause: err,
        hint: `the run stays in the local spool (${runDir}); run \`rsrun ship\` to finish`,
      },
    );
  }
  return { objects: uploaded, index, url: `${store.url(base)}/` };
}
