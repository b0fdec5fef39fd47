/**
 * Report writers, attached to a run as a finisher: junit.xml, report.json and report.html in the
 * run directory. The engine and test runner never import this module.
 *
 * Secrets are masked when the files are written, not only when they are shipped: Jenkins archives
 * these files, and a failing test's SQL, its actual values or a migration error's code frame can
 * hold a password. The report is masked before it is rendered (so no escaping can disguise a
 * secret) and each file's text once more after.
 */
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Masker } from '../logging/masking';
import { processMasker } from '../logging/process-masker';
import type { RunContext } from '../run/run-context';
import type { RunReport } from '../run/run-report';
import { renderHtml } from './html';
import { renderJunit } from './junit';

export const REPORT_FILES = { junit: 'junit.xml', json: 'report.json', html: 'report.html' } as const;

export async function writeReports(
  report: RunReport,
  runDir: string,
  masker: Masker = processMasker(),
): Promise<{ junit: string; json: string; html: string }> {
  const files = {
    junit: path.join(runDir, REPORT_FILES.junit),
    json: path.join(runDir, REPORT_FILES.json),
    html: path.join(runDir, REPORT_FILES.html),
  };
  const masked = masker.maskDeep(report) as RunReport;
  await writeFile(files.json, masker.mask(`${JSON.stringify(masked, null, 2)}\n`));
  await writeFile(files.junit, masker.mask(renderJunit(masked)));
  await writeFile(files.html, masker.mask(renderHtml(masked, { files: await listRunFiles(runDir) })));
  return files;
}

/** The run folder's files as relative POSIX paths, for the report's links (run.log, sql/...). */
async function listRunFiles(runDir: string): Promise<string[]> {
  const entries = await readdir(runDir, { recursive: true, withFileTypes: true });
  return entries.filter((d) => d.isFile()).map((d) => path.relative(runDir, path.join(d.parentPath, d.name)).split(path.sep).join('/'));
}

/** Registers the finisher that writes the three report files into `ctx.runDir`. */
export function attachReportWriters(ctx: RunContext): void {
  ctx.addFinisher('reports', async (report, run) => {
    await writeReports(report, run.runDir, processMasker(run.config.secrets));
  });
}
