/**
 * The local spool: run directories whose records have not reached the store yet.
 *
 * A run directory is pending while it holds `.rsrun-pending.json`. The marker is written when
 * shipping is attached, before any work, so a run that crashes or is killed is still found
 * later; it is removed only after every file and the index entry were confirmed by the store.
 * Metrics CloudWatch did not accept wait in `metrics.pending.json` in the same directory.
 * Nothing in a run directory is ever deleted by shipping except these two markers.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

export const PENDING_MARKER = '.rsrun-pending.json';
export const PENDING_METRICS = 'metrics.pending.json';

/** Files of a run directory that describe the spool, not the run: never uploaded. */
export function isSpoolFile(name: string): boolean {
  return name === PENDING_MARKER || name === PENDING_METRICS || name.endsWith('.tmp');
}

export interface PendingMarker {
  runId: string;
  environment: string;
  project: string;
  command: string;
  startedAt: string;
  /** `running` until the run's finishers start; a running marker of a live process is left alone. */
  state: 'running' | 'finished';
  pid: number;
  host: string;
  /** Last shipping failure, for `rsrun ship` to report. */
  lastError?: string;
}

export function markPending(runDir: string, marker: Omit<PendingMarker, 'pid' | 'host' | 'state'>): PendingMarker {
  const full: PendingMarker = { ...marker, state: 'running', pid: process.pid, host: hostname() };
  // Synchronous on purpose: the marker must exist before the run does anything that can crash.
  writeFileSync(path.join(runDir, PENDING_MARKER), JSON.stringify(full, null, 2) + '\n');
  return full;
}

export async function writeMarker(runDir: string, marker: PendingMarker): Promise<void> {
  await writeFile(path.join(runDir, PENDING_MARKER), JSON.stringify(marker, null, 2) + '\n');
}

export async function readMarker(runDir: string): Promise<PendingMarker | undefined> {
  try {
    return JSON.parse(await readFile(path.join(runDir, PENDING_MARKER), 'utf8')) as PendingMarker;
  } catch {
    return undefined;
  }
}

export async function clearMarker(runDir: string): Promise<void> {
  await rm(path.join(runDir, PENDING_MARKER), { force: true });
}

/** Whether the process that wrote a `running` marker is still alive on this machine. */
export function isLiveRun(marker: PendingMarker): boolean {
  if (marker.state !== 'running' || marker.host !== hostname() || marker.pid === process.pid) return false;
  try {
    process.kill(marker.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface SpoolEntry {
  runDir: string;
  runId: string;
  marker: PendingMarker | undefined;
  metricsPending: boolean;
}

/** Run directories under `reportsDir` with something left to ship, oldest first. */
export async function listSpool(reportsDir: string): Promise<SpoolEntry[]> {
  let names: string[];
  try {
    names = (await readdir(reportsDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const entries: SpoolEntry[] = [];
  for (const name of names.sort()) {
    const runDir = path.join(reportsDir, name);
    const marker = await readMarker(runDir);
    const metricsPending = existsSync(path.join(runDir, PENDING_METRICS));
    if (marker || metricsPending) entries.push({ runDir, runId: marker?.runId ?? name, marker, metricsPending });
  }
  return entries;
}
