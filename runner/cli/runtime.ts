/**
 * How the CLI sets up the operations (runner/operations): the resolved config and a logger for
 * every command, and — for commands that record a run (migrate, deploy, test, undo) — a RunContext
 * whose finishers write reports and ship them, with the run's summary printed at the end.
 */
import path from 'node:path';
import { loadConfig, type LoadOptions } from '../config/load-config';
import type { ResolvedConfig } from '../config/types';
import { ExitCode, isRsrunError, messageOf } from '../errors';
import { createLogger, type ClosableLogger } from '../logging/create-logger';
import type { RunOutcome, RunRuntime, Runtime } from '../operations/runtime';
import { RunContext } from '../run/run-context';
import type { RunReport } from '../run/run-report';
import type { CommandInput } from './command-input';
import { printJson, printLine } from './output';

export async function withConfig<T>(input: CommandInput, fn: (rt: Runtime) => Promise<T>, options: LoadOptions = {}): Promise<T> {
  const config = await loadConfig(input.global, process.env, options);
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, secrets: config.secrets });
  for (const warning of config.warnings) logger.warn(warning);
  try {
    return await fn({ config, logger });
  } finally {
    await logger.close();
  }
}

export interface RecordedRunOptions extends LoadOptions {
  /** With --json, print the run's summary as JSON on stdout (for commands with no JSON of their own). */
  jsonSummary?: boolean;
}

/**
 * Runs `body` as a recorded run: a run directory with run.log, report finishers, and the run id
 * and report path printed at the end whatever happened. Errors are rethrown after the report.
 */
export async function asRecordedRun(
  input: CommandInput,
  command: string,
  body: (rt: RunRuntime) => Promise<RunOutcome>,
  options: RecordedRunOptions = {},
): Promise<number> {
  const config = await loadConfig(input.global, process.env, { ...options, provenance: true });
  const ctx = await RunContext.start(config, command);
  const logger = createLogger({
    level: config.logLevel,
    format: config.logFormat,
    secrets: config.secrets,
    runLogPath: path.join(ctx.runDir, 'run.log'),
  });
  logger.info(`run ${ctx.runId}: ${command} on environment ${config.env.name}`, { runId: ctx.runId, project: config.project.name });
  for (const warning of config.warnings) logger.warn(warning);
  await attachFinishers(ctx, logger);
  let outcome: RunOutcome;
  let failure: unknown;
  try {
    outcome = await body({ config, logger, ctx });
  } catch (err) {
    failure = err;
    outcome = {
      status: isRsrunError(err) && err.exitCode === ExitCode.TestsFailed ? 'failed' : 'error',
      exitCode: isRsrunError(err) ? err.exitCode : ExitCode.Internal,
    };
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
  // The run's own error, rethrown unchanged once the finishers ran (an RsrunError or a crash).
  // eslint-disable-next-line @typescript-eslint/only-throw-error
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
  const keep = ctx.config.project.keepRuns;
  if (keep !== undefined) {
    // After shipping, so this run's own directory is no longer pending; it is the newest anyway.
    const { pruneRuns } = await import('../shipping/prune-runs.js');
    ctx.addFinisher('prune runs', async () => {
      await pruneRuns(ctx.config.project.reportsDir, keep);
    });
  }
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
