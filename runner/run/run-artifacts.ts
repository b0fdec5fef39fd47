/**
 * Files a run leaves beside its reports: the SQL that ran (copies of the applied scripts, under
 * `sql/`) and a snapshot of the history table after the run (`history.json`). Both are masked as
 * they are written: a migration that sets a password must not leave it in an archived run.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HistoryRow } from '../ledger/schema-history';
import type { Masker } from '../logging/masking';
import { processMasker } from '../logging/process-masker';
import type { Migration } from '../migrations/migration';

/**
 * Scripts above this size are kept as their head plus size and checksum: a 50 MB data load is in
 * the repository already (same checksum), and copying it into every run — then masking and
 * uploading it — would cost more memory and S3 than the report is worth.
 */
export const MAX_SCRIPT_COPY_BYTES = 4 * 1024 * 1024;
const HEAD_BYTES = 256 * 1024;

export async function writeRunArtifacts(
  runDir: string,
  applied: Migration[],
  history: HistoryRow[] | undefined,
  masker: Masker = processMasker(),
): Promise<void> {
  const sqlDir = path.join(runDir, 'sql');
  const copied = new Set<string>();
  const made = new Set<string>();
  for (const m of applied) {
    if (copied.has(m.file)) continue;
    copied.add(m.file);
    const rel = m.script.replace(/#\[.*\]$/, '');
    const target = path.join(sqlDir, rel);
    const dir = path.dirname(target);
    // Synchronous on purpose, as discovery reads them: for 300 small scripts, nine thread-pool round
    // trips each (mkdir, stat, open/read/close, open/write/close) cost ~1 s of a deploy's wall time.
    if (!made.has(dir)) mkdirSync(dir, { recursive: true });
    made.add(dir);
    const { size } = statSync(m.file);
    // Discovery checked that scripts are UTF-8, so their text can be masked.
    if (size <= MAX_SCRIPT_COPY_BYTES) writeFileSync(target, masker.mask(readFileSync(m.file, 'utf8')));
    else await writeHead(m, size, target, masker);
  }
  if (history) await writeFile(path.join(runDir, 'history.json'), masker.mask(`${JSON.stringify(history, null, 2)}\n`));
}

async function writeHead(m: Migration, size: number, target: string, masker: Masker): Promise<void> {
  const handle = await open(m.file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
    // Cut at the last line break so no multi-byte character or statement line is split.
    const cut = buf.subarray(0, bytesRead).lastIndexOf(0x0a) + 1 || bytesRead;
    const note = `\n-- [rsrun] ${m.script} is ${size} bytes; this run directory keeps its first ${cut} bytes.\n-- [rsrun] The whole script is in the project at that path, SHA-256 ${m.checksum} (line endings normalised).\n`;
    await writeFile(target, masker.mask(buf.subarray(0, cut).toString('utf8')) + note);
  } finally {
    await handle.close();
  }
}
