/**
 * The SQL test runner's public API. `rsrun test` and `rsrun deploy` call `runTests`; the reports
 * (runner/reports) read the outcomes from the RunContext's events.
 */
import type { ResolvedConfig } from '../config/types';
import type { StatementRewriter } from '../dialects/rewriter';
import type { TestOutcome } from '../events';
import type { Logger } from '../logging/logger';
import type { RunContext } from '../run/run-context';
import type { Warehouse } from '../warehouse/warehouse';
import { executeTests } from './run-tests';
import { readDurations, selectTests } from './select';
import { loadTestSuite } from './suite';

export type { TestCase, Expectation } from './model';
export { discoverTests } from './discover';
export { loadTestSuite } from './suite';
export { selectTests, shardTests, readDurations } from './select';

export interface RunTestsOptions {
  config: ResolvedConfig;
  warehouse: Warehouse;
  ctx: RunContext;
  /** Used when `config.env.emulateRedshift` is true. */
  rewriter?: StatementRewriter;
  logger: Logger;
  /** Fills a disposable database (`-- rsrun:isolation database`) before its test, e.g. with the project's migrations. */
  prepareDatabase?: (warehouse: Warehouse) => Promise<void>;
  /** How long a stopped statement gets to end before it is reported as not stopping (default 5 s). */
  cancelGraceMs?: number;
}

/** Discovers, selects (grep, tags, shard) and runs the project's tests; outcomes in id order. */
export async function runTests(options: RunTestsOptions): Promise<TestOutcome[]> {
  const { config, logger } = options;
  const settings = config.tests;
  // Connecting (TLS, SCRAM) overlaps with reading the test files; failures surface in the workers.
  // (A single backend serialises connects anyway.)
  const warm = options.warehouse.dialect.singleBackend ? Promise.resolve() : warmUp(options.warehouse, Math.max(1, settings.concurrency));
  const all = await loadTestSuite(config.project);
  await warm;
  const durations = settings.durationsFrom ? await readDurations(settings.durationsFrom) : undefined;
  const selected = selectTests(all, {
    grep: settings.grep,
    tags: settings.tags,
    shard: settings.shard,
    ...(durations ? { durations } : {}),
  });
  // Defaults to Redshift's five WLM slots (config/load-config.ts).
  const concurrency = Math.max(1, settings.concurrency);
  logger.info(
    `running ${selected.length} of ${all.length} tests${settings.shard ? ` (shard ${settings.shard.index}/${settings.shard.count})` : ''} with concurrency ${concurrency}`,
    { tests: selected.length, discovered: all.length, concurrency },
  );
  return executeTests(selected, {
    warehouse: options.warehouse,
    events: options.ctx.events,
    logger,
    concurrency,
    timeoutMs: settings.timeoutMs,
    rewriter: config.env.emulateRedshift ? options.rewriter : undefined,
    // PG_CANCEL_BACKEND may not cancel a query inside a transaction block on Redshift, and a local
    // engine emulating Redshift behaves the same (timeouts.ts).
    terminateInTransaction: options.warehouse.dialect.needsTerminateForCancel || config.env.emulateRedshift,
    ...(options.prepareDatabase ? { prepareDatabase: options.prepareDatabase } : {}),
    ...(options.cancelGraceMs !== undefined ? { cancelGraceMs: options.cancelGraceMs } : {}),
  });
}

/** Opens `count` sessions at once and gives them back to the pool, so the workers start connected. */
async function warmUp(warehouse: Warehouse, count: number): Promise<void> {
  const sessions = await Promise.allSettled(Array.from({ length: count }, () => warehouse.acquire()));
  for (const s of sessions) if (s.status === 'fulfilled') await s.value.release();
}
