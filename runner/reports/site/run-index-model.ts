/**
 * `<env>/index.json` as a pure value: merging a run in, sealing older runs into immutable pages so
 * the index stays small however many runs there are (10,000 runs = one index of at most two pages'
 * worth plus 40 page files, each written once), pruning to the retention setting, and keeping the
 * environment's current state.
 */
import { createHash } from 'node:crypto';
import type { EnvironmentState, IndexPage, RunIndex, RunIndexEntry, RunRef } from './model';
import type { SchemaState } from './schema-state';

/** Newest first: by start time, then run id (which sorts by time too). */
export function newestFirst(a: Pick<RunIndexEntry, 'startedAt' | 'runId'>, b: Pick<RunIndexEntry, 'startedAt' | 'runId'>): number {
  if (a.startedAt !== b.startedAt) return a.startedAt < b.startedAt ? 1 : -1;
  return a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0;
}

export function refOf(e: RunIndexEntry): RunRef {
  const ref: RunRef = { runId: e.runId, status: e.status, command: e.command, startedAt: e.startedAt };
  for (const k of ['finishedAt', 'commit', 'branch', 'author', 'report'] as const) if (e[k] !== undefined) ref[k] = e[k];
  return ref;
}

export function emptyIndex(project: string, environment: string): RunIndex {
  return { schemaVersion: 2, project, environment, updatedAt: new Date(0).toISOString(), total: 0, state: { applied: [] }, runs: [], pages: [] };
}

/** Reads a v1 index (a flat `runs` list) as v2, so sites shipped before keep their history. */
export function upgradeIndex(parsed: Partial<RunIndex> & { runs: RunIndexEntry[] }, project: string, environment: string): RunIndex {
  const base = emptyIndex(parsed.project ?? project, parsed.environment ?? environment);
  const runs = [...parsed.runs].sort(newestFirst);
  return {
    ...base,
    ...parsed,
    schemaVersion: 2,
    runs,
    pages: parsed.pages ?? [],
    state: parsed.state ?? base.state,
    total: parsed.total ?? runs.length,
  };
}

export const isDeploy = (e: Pick<RunIndexEntry, 'command'>) => e.command === 'deploy' || e.command === 'migrate';

/** The schema state before `entry`: the index's state if the run is newer than all, else that of its nearest older run. */
export function stateBefore(index: RunIndex, entry: RunIndexEntry): SchemaState {
  const others = index.runs.filter((r) => r.runId !== entry.runId);
  if (!others[0] || newestFirst(entry, others[0]) < 0) return { applied: index.state.applied, version: index.state.version, schema: index.state.schema };
  // A late run (shipped after newer ones): only the version of its older neighbour is known.
  const older = others.find((r) => newestFirst(r, entry) > 0 && r.version !== undefined);
  return older ? { applied: [older.version as string], version: older.version, schema: older.schema } : { applied: [], version: undefined, schema: undefined };
}

/** A page name that is unique to its content: two writers sealing different runs never collide. */
function pageFile(runs: RunIndexEntry[]): string {
  const stamp = (s: string) => s.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const digest = createHash('sha256')
    .update(runs.map((r) => r.runId).join('\n'))
    .digest('hex')
    .slice(0, 8);
  return `runs/${stamp((runs[runs.length - 1] as RunIndexEntry).startedAt)}--${stamp((runs[0] as RunIndexEntry).startedAt)}-${digest}.json`;
}

export interface MergeResult {
  index: RunIndex;
  /** Pages to write before the index that refers to them. */
  sealed: { page: IndexPage; runs: RunIndexEntry[] }[];
}

/**
 * Adds `entry` (replacing an entry of the same run) and, when the newest runs exceed two pages,
 * seals the oldest page's worth. `schemaAfter` is the state after the run if it is the newest one.
 */
export function mergeRun(
  previous: RunIndex,
  entry: RunIndexEntry,
  options: { pageSize: number; keepRuns?: number; schemaAfter?: SchemaState },
  now = new Date(),
): MergeResult {
  const replaced = previous.runs.some((r) => r.runId === entry.runId);
  let runs = [...previous.runs.filter((r) => r.runId !== entry.runId), entry].sort(newestFirst);
  let pages = [...previous.pages];
  let total = previous.total + (replaced ? 0 : 1);
  const sealed: MergeResult['sealed'] = [];
  while (runs.length > 2 * options.pageSize) {
    const chunk = runs.slice(runs.length - options.pageSize);
    runs = runs.slice(0, runs.length - options.pageSize);
    const page: IndexPage = {
      file: pageFile(chunk),
      count: chunk.length,
      oldest: (chunk[chunk.length - 1] as RunIndexEntry).startedAt,
      newest: (chunk[0] as RunIndexEntry).startedAt,
    };
    sealed.push({ page, runs: chunk });
    pages = [page, ...pages].sort((a, b) => (a.newest < b.newest ? 1 : -1));
  }
  if (options.keepRuns !== undefined) ({ runs, pages, total } = prune(runs, pages, total, options.keepRuns));
  const state = nextState(previous.state, runs, entry, options.schemaAfter);
  return {
    index: { ...previous, schemaVersion: 2, updatedAt: now.toISOString(), total, state, runs, pages },
    sealed: sealed.filter((s) => pages.includes(s.page)),
  };
}

/** Retention: whole pages leave the index, oldest first, then the oldest of the newest runs. Objects stay. */
function prune(runs: RunIndexEntry[], pages: IndexPage[], total: number, keep: number) {
  const kept = [...pages];
  while (kept.length > 0 && total - (kept[kept.length - 1] as IndexPage).count >= keep) total -= (kept.pop() as IndexPage).count;
  if (kept.length === 0 && runs.length > keep) {
    total -= runs.length - Math.max(1, keep);
    runs = runs.slice(0, Math.max(1, keep));
  }
  return { runs, pages: kept, total };
}

export interface PruneResult {
  index: RunIndex;
  /** Pages and newest-run entries that left the index. */
  pages: IndexPage[];
  runs: RunIndexEntry[];
}

/** `rsrun report retain`: the same retention as `[site] keep_runs`, applied now. */
export function pruneIndex(index: RunIndex, keep: number, now = new Date()): PruneResult {
  const kept = prune(index.runs, index.pages, index.total, keep);
  return {
    index: { ...index, ...kept, updatedAt: now.toISOString() },
    pages: index.pages.filter((p) => !kept.pages.includes(p)),
    runs: index.runs.filter((r) => !kept.runs.includes(r)),
  };
}

function nextState(previous: EnvironmentState, runs: RunIndexEntry[], entry: RunIndexEntry, after: SchemaState | undefined): EnvironmentState {
  const state: EnvironmentState = { ...previous };
  const newest = runs[0];
  if (newest) state.lastRun = refOf(newest);
  const deploy = runs.find((r) => isDeploy(r) && r.status === 'passed');
  if (deploy) state.lastDeploy = refOf(deploy);
  if (after && newest?.runId === entry.runId) {
    if (after.version !== previous.version || !previous.versionSince) state.versionSince = refOf(entry);
    state.applied = after.applied;
    if (after.version !== undefined) state.version = after.version;
    else delete state.version;
    if (after.schema !== undefined) state.schema = after.schema;
  }
  return state;
}
