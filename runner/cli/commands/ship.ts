/**
 * `rsrun ship [run-dir...]`: uploads what the local spool holds — run directories S3 could not
 * take and metrics CloudWatch did not accept — or exactly the run directories given. Prints one
 * line per run on stdout (or JSON with --json); exit 6 when anything is still pending.
 */
import { loadConfig } from '../../config/load-config';
import { ShippingError } from '../../errors';
import { createLogger } from '../../logging/create-logger';
import { shipRuns } from '../../shipping/index';
import { shipOptions } from '../options';
import type { CommandInput } from '../command-input';

export async function run(input: CommandInput): Promise<number> {
  const { runDirs, json } = shipOptions(input);
  // Shipping never connects: the database's ${VAR}s need not be set where runs are shipped.
  const config = await loadConfig(input.global, process.env, { connection: false });
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, secrets: config.secrets });
  try {
    const results = await shipRuns(config, logger, runDirs);
    const failed = results.filter((r) => r.uploadError || r.metricsError);
    if (json) {
      process.stdout.write(
        JSON.stringify(
          results.map((r) => ({
            runId: r.runId,
            runDir: r.runDir,
            status: r.skipped ? 'skipped' : r.uploadError || r.metricsError ? 'pending' : 'shipped',
            ...(r.shipped ? { url: r.shipped.url, objects: r.shipped.objects.length } : {}),
            ...(r.metrics ? { metricsSent: r.metrics.sent, metricsPending: r.metrics.unsent.length } : {}),
            ...(r.skipped ? { reason: r.skipped } : {}),
            ...errorField(r.uploadError ?? r.metricsError),
          })),
          null,
          2,
        ) + '\n',
      );
    } else if (results.length === 0) {
      process.stdout.write(`nothing to ship: no pending runs in ${config.project.reportsDir}\n`);
    } else {
      for (const r of results) {
        const parts: string[] = [];
        if (r.skipped) parts.push(`skipped: ${r.skipped}`);
        if (r.shipped) parts.push(`shipped ${r.shipped.objects.length} objects to ${r.shipped.url}`);
        if (r.uploadError) parts.push(`still pending: ${r.uploadError.message}`);
        if (r.metrics && !r.metricsError) parts.push(`${r.metrics.sent} metrics sent`);
        if (r.metricsError) parts.push(`metrics still pending: ${r.metricsError.message}`);
        process.stdout.write(`${r.runId}  ${parts.join('; ')}\n`);
      }
    }
    if (failed.length > 0) {
      throw new ShippingError(`${failed.length} of ${results.length} runs could not be shipped; they stay in the spool`, {
        hint: 'check the endpoint, region and credentials, then run `rsrun ship` again',
      });
    }
    return 0;
  } finally {
    await logger.close();
  }
}

function errorField(err: Error | undefined): { error?: string } {
  return err ? { error: err.message } : {};
}
