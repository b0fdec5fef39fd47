/**
 * Report writers, attached to a run as a finisher: junit.xml, report.json and report.html in the
 * run directory. The engine and test runner never import this module.
 */
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunContext } from '../run/run-context';
import type { RunReport } from '../run/run-report';
import { renderHtml } from './html';
import { renderJunit } from './junit';

export const REPORT_FILES = { junit: 'junit.xml', json: 'report.json', html: 'report.html' } as const;

export async function writeReports(report: RunReport, runDir: string): Promise<{ junit: string; json: string; html: string }> {
  const files = {
    junit: path.join(runDir, REPORT_FILES.junit),
    json: path.join(runDir, REPORT_FILES.json),
    html: path.join(runDir, REPORT_FILES.html),
  };
  await writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(files.junit, renderJunit(report));
  await writeFile(files.html, renderHtml(report, { files: await listRunFiles(runDir) }));
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
    await writeReports(report, run.runDir);
  });
}
