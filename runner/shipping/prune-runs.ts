/**
 * Local run directories grow with every run: `rsrun reports prune --keep N` (or `[project]
 * keep_runs`, after each run) deletes all but the newest N. A run that is still pending (not yet
 * shipped: it holds the spool's marker) is never deleted, whatever its age.
 */
import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { PENDING_MARKER } from './spool';

/** `20261126T011130Z-3f9a1c`: only directories named like a run are candidates. */
const RUN_ID = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

export interface PruneResult {
  kept: string[];
  deleted: string[];
  /** Older than the newest N but not shipped yet. */
  pending: string[];
}

export async function pruneRuns(reportsDir: string, keep: number): Promise<PruneResult> {
  let names: string[];
  try {
    names = (await readdir(reportsDir, { withFileTypes: true })).filter((e) => e.isDirectory() && RUN_ID.test(e.name)).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kept: [], deleted: [], pending: [] };
    throw err;
  }
  // Run ids sort by time.
  const newestFirst = names.sort().reverse();
  const result: PruneResult = { kept: newestFirst.slice(0, keep), deleted: [], pending: [] };
  for (const name of newestFirst.slice(keep)) {
    const dir = path.join(reportsDir, name);
    if (existsSync(path.join(dir, PENDING_MARKER))) {
      result.pending.push(name);
      continue;
    }
    await rm(dir, { recursive: true, force: true });
    result.deleted.push(name);
  }
  return result;
}
