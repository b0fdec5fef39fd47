/**
 * Per-test history (`<env>/tests.json`) and what it says about a failure:
 *  - new: the test passed (or did not exist) in the previous run that ran it;
 *  - recurring: it has failed in K consecutive runs;
 *  - flaky: within the window its result flipped between pass and fail at least twice while
 *    neither its SQL nor the applied migrations changed (compared by checksum), so the flips
 *    come from something else: data, timing, concurrency.
 * Skipped results are left out of the comparisons.
 */
import { createHash } from 'node:crypto';
import type { TestOutcome } from '../../events';
import type { TestHistory, TestHistoryEntry, TestResult } from './model';

export type FailureMarker = { kind: 'new' } | { kind: 'recurring'; runs: number } | { kind: 'flaky'; flips: number };

export const sqlChecksum = (sql: string | undefined): string =>
  createHash('sha256')
    .update(sql ?? '')
    .digest('hex')
    .slice(0, 12);

const failing = (s: string) => s === 'failed' || s === 'error';

export function emptyHistory(environment: string, window: number): TestHistory {
  return { schemaVersion: 1, environment, updatedAt: new Date(0).toISOString(), window, runs: [], tests: {} };
}

/** Adds (or replaces) one run's results, keeps the newest `window` runs, drops tests no kept run ran. */
export function mergeTestRun(
  history: TestHistory,
  run: { runId: string; startedAt: string; schema?: string },
  tests: TestOutcome[],
  window: number,
  now = new Date(),
): TestHistory {
  const runs = [...history.runs.filter((r) => r.runId !== run.runId), { runId: run.runId, startedAt: run.startedAt, ...(run.schema ? { schema: run.schema } : {}) }]
    .sort((a, b) => (a.startedAt === b.startedAt ? b.runId.localeCompare(a.runId) : b.startedAt.localeCompare(a.startedAt)))
    .slice(0, window);
  const order = new Map(runs.map((r, i) => [r.runId, i]));
  const out: Record<string, TestHistoryEntry> = {};
  const add = (id: string, entry: Omit<TestHistoryEntry, 'results'>, results: TestResult[]) => {
    const kept = results.filter((r) => order.has(r.runId)).sort((a, b) => (order.get(a.runId) ?? 0) - (order.get(b.runId) ?? 0));
    if (kept.length > 0) out[id] = { ...entry, results: kept };
  };
  const fresh = new Map(tests.map((t) => [t.id, t]));
  for (const [id, entry] of Object.entries(history.tests)) {
    const results = entry.results.filter((r) => r.runId !== run.runId);
    const t = fresh.get(id);
    if (t) results.push(resultOf(run.runId, t));
    add(id, { suite: t?.suite ?? entry.suite, name: t?.name ?? entry.name, file: t?.file ?? entry.file }, results);
    fresh.delete(id);
  }
  for (const [id, t] of fresh) add(id, { suite: t.suite, name: t.name, file: t.file }, [resultOf(run.runId, t)]);
  return { schemaVersion: 1, environment: history.environment, updatedAt: now.toISOString(), window, runs, tests: out };
}

function resultOf(runId: string, t: TestOutcome): TestResult {
  return { runId, status: t.status, sql: sqlChecksum(t.sql), ms: Math.round(t.durationMs) };
}

/** Results of a test from `runId` back, skipped ones left out. */
function fromRun(entry: TestHistoryEntry, runId: string): TestResult[] {
  const at = entry.results.findIndex((r) => r.runId === runId);
  return at < 0 ? [] : entry.results.slice(at).filter((r) => r.status !== 'skipped');
}

/** Pass/fail flips between neighbouring results whose SQL and migrations were the same. */
export function unexplainedFlips(history: TestHistory, entry: TestHistoryEntry, results = entry.results.filter((r) => r.status !== 'skipped')): number {
  const schema = new Map(history.runs.map((r) => [r.runId, r.schema]));
  let flips = 0;
  for (let i = 0; i + 1 < results.length; i++) {
    const [newer, older] = [results[i] as TestResult, results[i + 1] as TestResult];
    if (failing(newer.status) === failing(older.status)) continue;
    const sameSchema = schema.get(newer.runId) !== undefined && schema.get(newer.runId) === schema.get(older.runId);
    if (newer.sql === older.sql && sameSchema) flips++;
  }
  return flips;
}

/** The marker of a test that failed in `runId`, or undefined when it did not fail there. */
export function markerFor(history: TestHistory, testId: string, runId: string): FailureMarker | undefined {
  const entry = history.tests[testId];
  if (!entry) return undefined;
  const results = fromRun(entry, runId);
  if (!results[0] || !failing(results[0].status)) return undefined;
  const flips = unexplainedFlips(history, entry, results);
  if (flips >= 2) return { kind: 'flaky', flips };
  let streak = 0;
  while (streak < results.length && failing((results[streak] as TestResult).status)) streak++;
  return streak > 1 ? { kind: 'recurring', runs: streak } : { kind: 'new' };
}

export function markerLabel(m: FailureMarker): string {
  if (m.kind === 'new') return 'new failure';
  if (m.kind === 'flaky') return 'flaky';
  return `failing for ${m.runs} runs`;
}

/** Tests whose newest result fails, and tests that flipped without a cause within the window. */
export function currentProblems(history: TestHistory): { failing: string[]; flaky: string[] } {
  const newest = history.runs[0]?.runId;
  const failingNow: string[] = [];
  const flaky: string[] = [];
  for (const [id, entry] of Object.entries(history.tests)) {
    const last = entry.results[0];
    if (last && newest && last.runId === newest && failing(last.status)) failingNow.push(id);
    if (unexplainedFlips(history, entry) >= 2) flaky.push(id);
  }
  return { failing: failingNow.sort(), flaky: flaky.sort() };
}

export interface TestComparison {
  /** The previous run that ran tests. */
  previousRunId?: string;
  nowFailing: string[];
  fixed: string[];
  added: string[];
  notRun: string[];
}

/** How the tests of `runId` differ from the previous run that ran tests. */
export function compareWithPrevious(history: TestHistory, runId: string): TestComparison {
  const at = history.runs.findIndex((r) => r.runId === runId);
  const previousRunId = at >= 0 ? history.runs[at + 1]?.runId : undefined;
  const out: TestComparison = { ...(previousRunId ? { previousRunId } : {}), nowFailing: [], fixed: [], added: [], notRun: [] };
  if (!previousRunId) return out;
  for (const [id, entry] of Object.entries(history.tests)) {
    const now = entry.results.find((r) => r.runId === runId);
    const before = entry.results.find((r) => r.runId === previousRunId);
    if (now && !before) out.added.push(id);
    else if (!now && before) out.notRun.push(id);
    else if (now && before && failing(now.status) && !failing(before.status)) out.nowFailing.push(id);
    else if (now && before && !failing(now.status) && failing(before.status)) out.fixed.push(id);
  }
  for (const list of [out.nowFailing, out.fixed, out.added, out.notRun]) list.sort();
  return out;
}
