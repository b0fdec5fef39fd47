/**
 * Files a run leaves beside its reports: the SQL that ran (copies of the applied scripts, under
 * `sql/`) and a snapshot of the history table after the run (`history.json`).
 */
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HistoryRow } from '../ledger/ledger';
import type { Migration } from '../migrations/migration';

export async function writeRunArtifacts(runDir: string, applied: Migration[], history: HistoryRow[] | undefined): Promise<void> {
  const sqlDir = path.join(runDir, 'sql');
  const copied = new Set<string>();
  for (const m of applied) {
    if (copied.has(m.file)) continue;
    copied.add(m.file);
    const rel = m.script.replace(/#\[.*\]$/, '');
    const target = path.join(sqlDir, rel);
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(m.file, target);
  }
  if (history) await writeFile(path.join(runDir, 'history.json'), `${JSON.stringify(history, null, 2)}\n`);
}
