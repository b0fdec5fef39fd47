/**
 * What every database command needs: the resolved config, a logger, an open warehouse and —
 * for commands that record a run (migrate, deploy, test, undo) — a RunContext whose finishers
 * write reports and ship them. Commands stay a few lines each.
 */
import path from 'node:path';
import { loadConfig, type LoadOptions } from '../config/load-config';
import type { ResolvedConfig } from '../config/types';
import type { StatementRewriter } from '../dialects/rewriter';
import { isRsrunError, messageOf } from '../errors';
import type { RunStatus } from '../events';
import { createLogger, type ClosableLogger } from '../logging/create-logger';
import { RunContext } from '../run/run-context';
import type { RunReport } from '../run/run-report';
import { openWarehouse, type OpenedWarehouse } from '../warehouse/open-warehouse';
import type { CommandInput } from './program';
import { printJson, printLine } from './output';

export interface Runtime {
  config: ResolvedConfig;
  logger: ClosableLogger;
}

export async function withConfig<T>(input: CommandInput, fn: (rt: Runtime) => Promise<T>, options: LoadOptions = {}): Promise<T> {
  const config = await loadConfig(input.global, process.env, options);
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, secrets: config.secrets });
  try {
    return await fn({ config, logger });
  } finally {
    await logger.close();
  }
}

export interface WarehouseRuntime extends Runtime {
  opened: OpenedWarehouse;
  /** The Redshift emulation when the environment asks for it. */
  rewriter: StatementRewriter | undefined;
}

export async function withWarehouse<T>(rt: Runtime, fn: (wrt: WarehouseRuntime) => Promise<T>): Promise<T> {
  const opened = await openWarehouse(rt.config.env, rt.config.project, { maxConnections: Math.max(2, rt.config.tests.concurrency + 1) });
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

export interface RunOutcome {
  status: RunStatus;
  exitCode: number;
}

export interface RunRuntime extends Runtime {
  ctx: RunContext;
}

/**
 * Runs `body` as a recorded run: a run directory with run.log, report finishers, and the run id
 * and report path printed at the end whatever happened. Errors are rethrown after the report.
 */
export interface RecordedRunOptions extends LoadOptions {
  /** With --json, print the run's summary as JSON on stdout (for commands with no JSON of their own). */
  jsonSummary?: boolean;
}

export async function asRecordedRun(
  input: CommandInput,
  command: string,
  body: (rt: RunRuntime) => Promise<RunOutcome>,
  options: RecordedRunOptions = {},
): Promise<number> {
  const config = await loadConfig(input.global, process.env, options);
  const ctx = await RunContext.start(config, command);
  const logger = createLogger({
    level: config.logLevel,
    format: config.logFormat,
    secrets: config.secrets,
    runLogPath: path.join(ctx.runDir, 'run.log'),
  });
  logger.info(`run ${ctx.runId}: ${command} on environment ${config.env.name}`, { runId: ctx.runId, project: config.project.name });
  await attachFinishers(ctx, logger);
  let outcome: RunOutcome;
  let failure: unknown;
  try {
    outcome = await body({ config, logger, ctx });
  } catch (err) {
    failure = err;
    outcome = { status: isRsrunError(err) && err.exitCode === 1 ? 'failed' : 'error', exitCode: isRsrunError(err) ? err.exitCode : 70 };
    logger.error(isRsrunError(err) ? err.describe() : messageOf(err));
  }
  const { report, errors } = await ctx.finish(
    outcome.status,
    outcome.exitCode,
    failure ? logger.masker.mask(messageOf(failure)) : undefined,
  );
  for (const e of errors) {
    logger.warn(`after the run: ${messageOf(e)}`);
    if (!failure && isRsrunError(e)) failure = e;
  }
  // With --json, stdout carries only the command's JSON; the human summary goes to stderr.
  const json = input.options.json === true;
  printSummary(report, ctx, config, json ? (line) => process.stderr.write(`${line}\n`) : printLine);
  if (json && options.jsonSummary) {
    printJson({
      runId: report.runId,
      status: report.status,
      exitCode: report.exitCode,
      runDir: ctx.runDir,
      report: path.join(ctx.runDir, 'report.html'),
      summary: report.summary,
    });
  }
  await logger.close();
  if (failure) throw failure;
  return outcome.exitCode;
}

/** Reports, then shipping: each module registers its own finisher if it is present. */
async function attachFinishers(ctx: RunContext, logger: ClosableLogger): Promise<void> {
  const { attachReportWriters } = await import('../reports/index.js');
  attachReportWriters(ctx);
  // run.log must be complete before it is shipped.
  ctx.addFinisher('flush log', () => logger.flush());
  const { attachShipping } = await import('../shipping/index.js');
  attachShipping(ctx, logger);
}

function printSummary(report: RunReport, ctx: RunContext, config: ResolvedConfig, out: (line: string) => void): void {
  const s = report.summary;
  const rel = path.relative(process.cwd(), ctx.runDir) || '.';
  out('');
  out(
    `run ${report.runId}: ${report.status.toUpperCase()} on ${config.env.name} (${report.target || 'no connection'}) in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  out(`  migrations: ${s.migrationsApplied} applied${s.migrationsFailed ? `, ${s.migrationsFailed} failed` : ''}`);
  if (s.total > 0) out(`  tests: ${s.passed} passed, ${s.failed} failed, ${s.errors} errors, ${s.skipped} skipped`);
  out(`  report: ${path.join(rel, 'report.html')}`);
}
