/**
 * `<prefix>/<env>/index.html`: what an engineer opens first for an environment. Current state on
 * top (applied version, last good deploy, latest run, tests failing now), then the failing and
 * flaky tests with their history, the trends, and every run with filters and paging.
 */
import { htmlEscape as e } from '../markup';
import { badge, commitLink, formatTime, page } from './layout';
import type { RunIndex, RunRef, SiteSettings, TestHistory } from './model';
import { historyStrip, markerHtml } from './report-context';
import { RUN_LIST_CSS, RUN_LIST_SCRIPT, runList } from './run-list';
import { currentProblems, markerFor } from './test-history';
import { trendCharts } from './trends';

const CSS = `
.state .card b { font-size: 24px; } .state #last-deploy b { font-size: 20px; line-height: 1.5; } .state .card b.v { font-size: 30px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.state .card b a { color: inherit; }
table.tests td { vertical-align: middle; } table.tests td.strip-cell { white-space: nowrap; }
`;

const runLink = (r: RunRef | undefined, text: string) => (r?.report ? `<a href="${e(r.report)}">${text}</a>` : text);

function stateCards(index: RunIndex, failing: number, settings: SiteSettings): string {
  const s = index.state;
  const since = s.versionSince ? `since ${runLink(s.versionSince, e(formatTime(s.versionSince.startedAt)))}` : '';
  const d = s.lastDeploy;
  const last = s.lastRun;
  const deployMeta = d ? [commitLink(settings.repositoryUrl, d.commit), d.branch ? e(d.branch) : '', d.author ? `by ${e(d.author)}` : ''].filter(Boolean).join(' · ') : '';
  return `<section class="cards state" aria-label="current state">
<div class="card" id="current-version"><span>Applied version</span><b class="v">${e(s.version ?? '—')}</b><small>${since || (s.version ? '' : 'no migration applied yet')}</small></div>
<div class="card${d ? '' : ' warn'}" id="last-deploy"><span>Last successful deploy</span><b>${d ? runLink(d, e(formatTime(d.finishedAt ?? d.startedAt))) : 'none yet'}</b><small>${deployMeta}</small></div>
<div class="card${last && last.status !== 'passed' ? ' bad' : ' good'}" id="latest-run"><span>Latest run</span><b>${last ? runLink(last, e(last.status)) : '—'}</b><small>${last ? `${e(last.command)} · ${e(formatTime(last.startedAt))}` : ''}</small></div>
<div class="card ${failing > 0 ? 'bad' : 'good'}" id="failing-now"><span>Tests failing now</span><b>${failing}</b><small>${index.total} run${index.total === 1 ? '' : 's'} recorded</small></div>
</section>`;
}

function testsTable(history: TestHistory, ids: string[], runId: string | undefined, id: string): string {
  const rows = ids.map((tid) => {
    const t = history.tests[tid];
    if (!t) return '';
    const newest = t.results[0];
    const marker = runId ? markerHtml(markerFor(history, tid, runId)) : '';
    const status = newest ? badge(newest.status) : '';
    return `<tr><td>${status}</td><td>${e(t.name)} ${marker}</td><td>${e(t.suite)}</td><td class="strip-cell">${historyStrip(t, '', runId)}</td></tr>`;
  });
  return `<table class="tests" id="${id}"><thead><tr><th>Now</th><th>Test</th><th>Suite</th><th>History (oldest → newest)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function renderEnvironmentPage(index: RunIndex, history: TestHistory | undefined, settings: SiteSettings, generatedAt: string): string {
  const problems = history ? currentProblems(history) : { failing: [], flaky: [] };
  const newestTests = history?.runs[0]?.runId;
  const failingSection = history
    ? problems.failing.length
      ? `<h2>Failing now <small>${problems.failing.length} test${problems.failing.length === 1 ? '' : 's'} in the latest test run</small></h2>${testsTable(history, problems.failing, newestTests, 'failing')}`
      : ''
    : '';
  const flakySection =
    history && problems.flaky.length
      ? `<h2>Flaky tests <small>passed and failed with no change to their SQL or the migrations, in the last ${history.runs.length} test runs</small></h2>${testsTable(history, problems.flaky, newestTests, 'flaky')}`
      : '';
  const body = `<h1>${e(index.environment)} ${index.state.lastRun ? badge(index.state.lastRun.status) : ''}</h1>
<p class="meta">${e(index.project)} · ${index.total} runs · updated ${e(formatTime(index.updatedAt))} · data: <a href="index.json">index.json</a>, <a href="tests.json">tests.json</a></p>
${stateCards(index, problems.failing.length, settings)}
${failingSection}
${flakySection}
<h2>Trends <small>runs of the last 30 days; the last 50 test runs and deploys</small></h2>
${trendCharts(index.runs)}
<h2>Runs <small>${index.total} runs, newest first</small></h2>
${runList(index.runs, index.pages, index.total, settings.repositoryUrl)}`;
  return page({
    title: `${index.environment} · ${index.project} · rsrun`,
    crumbs: [{ label: index.project, href: '../index.html' }, { label: index.environment }],
    body,
    css: CSS + RUN_LIST_CSS,
    script: RUN_LIST_SCRIPT,
    generatedAt,
  });
}
