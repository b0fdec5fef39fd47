/**
 * What the operations work with: the resolved configuration and a logger; an open warehouse (with
 * the Redshift emulation when the environment asks for it); and, for recorded runs, the RunContext
 * whose events feed the reports. The CLI builds these (cli/runtime.ts) and calls the operations.
 */
import type { ResolvedConfig } from '../config/types';
import type { StatementRewriter } from '../dialects/rewriter';
import type { RunStatus } from '../events';
import type { ClosableLogger } from '../logging/create-logger';
import type { RunContext } from '../run/run-context';
import { openWarehouse, type OpenedWarehouse } from '../warehouse/open-warehouse';

export interface Runtime {
  config: ResolvedConfig;
  logger: ClosableLogger;
}

export interface WarehouseRuntime extends Runtime {
  opened: OpenedWarehouse;
  /** The Redshift emulation when the environment asks for it. */
  rewriter: StatementRewriter | undefined;
}

export interface RunRuntime extends Runtime {
  ctx: RunContext;
}

/** How a recorded run ended: its report status and the process exit code. */
export interface RunOutcome {
  status: RunStatus;
  exitCode: number;
}

/** What plan, info and validate pass to `withWarehouse`. */
export const READ_ONLY = { readOnly: true } as const;

/**
 * Opens the environment's warehouse for `fn` and closes it (and the embedded engine) afterwards.
 * `readOnly` (plan, info, validate): an embedded warehouse that does not exist yet is not created;
 * `opened.absent` tells the engine there is no history to read.
 */
export async function withWarehouse<T>(
  rt: Runtime,
  fn: (wrt: WarehouseRuntime) => Promise<T>,
  options: { readOnly?: boolean } = {},
): Promise<T> {
  // A branch environment must have been created (`rsrun env create`); using it moves its `last used`.
  if (rt.config.env.branch) await (await import('../branches/environments.js')).touchBranchEnvironment(rt.config, rt.config.env);
  const opened = await openWarehouse(rt.config.env, rt.config.project, {
    maxConnections: Math.max(2, rt.config.tests.concurrency + 1),
    ...(options.readOnly === true ? { readOnly: true } : {}),
  });
  try {
    const rewriter = rt.config.env.emulateRedshift ? await loadRewriter(rt.config, rt.logger) : undefined;
    return await fn({ ...rt, opened, rewriter });
  } finally {
    await opened.dispose();
  }
}

async function loadRewriter(config: ResolvedConfig, logger: ClosableLogger): Promise<StatementRewriter | undefined> {
  const { createRewriterForConfig } = await import('../dialects/redshift/emulation/index.js');
  // Statements the emulation accepts without local effect (GRANT, external functions, ...) are warnings.
  return createRewriterForConfig(config, (message) => logger.warn(message));
}
