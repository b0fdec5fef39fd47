/**
 * The environment page's charts, computed from the index's newest runs (summaries only): runs per
 * day by status over 30 days, and for the last 50 test runs / deploys the pass rate, the number of
 * tests and the deploy and migration durations.
 */
import { lineChart, runsPerDayChart, type DayBar, type LinePoint } from './charts';
import { day, duration } from './layout';
import type { RunIndexEntry } from './model';
import { isDeploy } from './run-index-model';

export const CHART_DAYS = 30;
export const CHART_RUNS = 50;
const STATUSES = ['passed', 'failed', 'error', 'incomplete'];

export function dayBars(runs: RunIndexEntry[], days = CHART_DAYS): DayBar[] {
  const newest = runs[0];
  if (!newest) return [];
  const end = Date.parse(`${day(newest.startedAt)}T00:00:00Z`);
  const bars: DayBar[] = [];
  const byDay = new Map<string, DayBar>();
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(end - i * 86_400_000).toISOString().slice(0, 10);
    const bar = { day: d, counts: {} as Record<string, number> };
    bars.push(bar);
    byDay.set(d, bar);
  }
  for (const r of runs) {
    const bar = byDay.get(day(r.startedAt));
    if (bar) bar.counts[r.status] = (bar.counts[r.status] ?? 0) + 1;
  }
  return bars;
}

const point = (r: RunIndexEntry, y: number, label: string): LinePoint => ({
  y,
  label: `${label} · ${r.command} ${r.runId}`,
  run: r.runId,
  day: day(r.startedAt),
  ...(r.report ? { href: r.report } : {}),
});

export function trendCharts(runs: RunIndexEntry[]): string {
  const testRuns = runs
    .filter((r) => (r.summary?.total ?? 0) > 0)
    .slice(0, CHART_RUNS)
    .reverse();
  const deploys = runs
    .filter((r) => isDeploy(r) && r.durationMs !== undefined)
    .slice(0, CHART_RUNS)
    .reverse();
  const rate = testRuns.map((r) => {
    const s = r.summary as NonNullable<RunIndexEntry['summary']>;
    const ran = s.total - s.skipped;
    const pct = ran > 0 ? (100 * s.passed) / ran : 100;
    return point(r, pct, `${pct.toFixed(pct % 1 ? 1 : 0)}% passed (${s.passed} of ${ran})`);
  });
  const counts = testRuns.map((r) => point(r, r.summary?.total ?? 0, `${r.summary?.total ?? 0} tests`));
  const deployMs = deploys.map((r) => point(r, r.durationMs as number, `run took ${duration(r.durationMs)}`));
  const migrationMs = deploys.map((r) =>
    r.migrationMs === undefined ? undefined : point(r, r.migrationMs, `migrations took ${duration(r.migrationMs)}`),
  );
  return `<div class="charts">
${runsPerDayChart(dayBars(runs), STATUSES)}
${lineChart('Test pass rate', [{ name: 'pass rate', color: '#1a7f37', points: rate }], (v) => `${v}%`, { max: 100 })}
${lineChart(
  'Deploy and migration duration',
  [
    { name: 'deploy', color: '#0969da', points: deployMs },
    { name: 'migrations', color: '#8250df', points: migrationMs },
  ],
  (v) => (v === 0 ? '0' : v >= 1000 ? `${v / 1000} s` : `${v} ms`),
)}
${lineChart('Tests', [{ name: 'tests', color: '#57606a', points: counts }], (v) => String(v), { integer: true })}
</div>`;
}
