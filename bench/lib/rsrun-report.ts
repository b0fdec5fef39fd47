/**
 * Reading back what an `rsrun` run wrote: the newest run directory's report.json and run.log
 * under a project's reports directory.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export interface ReportFile {
  status: string;
  exitCode: number;
  durationMs: number;
  tests: { id: string; status: string; durationMs: number; message?: string }[];
  /** The run's log (JSON lines) beside report.json; empty if absent. */
  runLog: string;
}

/**
 * The test phase alone, from the run's own log: the `running N of M tests` line to the last test
 * outcome. The run's duration also holds discovery, connecting and writing reports.
 */
export function testPhaseMs(runLog: string): number | undefined {
  let start: number | undefined;
  let end: number | undefined;
  for (const line of runLog.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { timestamp?: string; message?: string; test?: string; status?: string };
    const at = entry.timestamp ? Date.parse(entry.timestamp) : NaN;
    if (!Number.isFinite(at)) continue;
    if (start === undefined && /^running \d+ of \d+ tests/.test(entry.message ?? '')) start = at;
    else if (start !== undefined && entry.test && entry.status) end = at;
  }
  return start !== undefined && end !== undefined ? end - start : undefined;
}

/** The newest report.json under `reportsDir` written at or after `after` (epoch ms). */
export async function newestReport(reportsDir: string, after: number): Promise<ReportFile> {
  const entries = await readdir(reportsDir).catch(() => [] as string[]);
  const candidates: { file: string; mtime: number }[] = [];
  for (const e of entries) {
    const file = path.join(reportsDir, e, 'report.json');
    const s = await stat(file).catch(() => undefined);
    if (s && s.mtimeMs >= after) candidates.push({ file, mtime: s.mtimeMs });
  }
  candidates.sort((a, b) => b.mtime - a.mtime);
  if (!candidates[0]) throw new Error(`no report.json written under ${reportsDir}`);
  const report = JSON.parse(await readFile(candidates[0].file, 'utf8')) as Omit<ReportFile, 'runLog'>;
  const runLog = await readFile(path.join(path.dirname(candidates[0].file), 'run.log'), 'utf8').catch(() => '');
  return { ...report, runLog };
}
