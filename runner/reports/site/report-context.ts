/**
 * The parts of report.html that need more than the run itself: links to the run's other files,
 * each failure's history and marker, and the comparison with the previous run. Filled in when the
 * run is published to the report site; a report written into the run directory has only the links.
 */
import { htmlEscape as e } from '../markup';
import type { RunReport } from '../../run/run-report';
import type { RunRef, TestHistory, TestHistoryEntry } from './model';
import { badge, formatTime } from './layout';
import { compareWithPrevious, markerFor, markerLabel, type FailureMarker } from './test-history';

export interface ReportContext {
  /** The run folder's files (relative POSIX paths); only those are linked. */
  files?: string[];
  /** True inside the report site: links to the environment and home pages. */
  site?: boolean;
  repositoryUrl?: string;
  generatedAt?: string;
  /** tests.json with this run merged in. */
  history?: TestHistory;
  /** The previous run of the environment (any command) and the applied version it left. */
  previous?: RunRef & { version?: string };
  /** The applied version after this run, when known. */
  versionAfter?: string;
}

export function markerHtml(m: FailureMarker | undefined): string {
  return m ? `<span class="marker ${m.kind}" title="${e(markerTitle(m))}">${e(markerLabel(m))}</span>` : '';
}

function markerTitle(m: FailureMarker): string {
  if (m.kind === 'new') return 'passed (or did not exist) in the previous run that ran it';
  if (m.kind === 'recurring') return `failed in each of the last ${m.runs} runs that ran it`;
  return `passed and failed ${m.flips} times recently while neither its SQL nor the migrations changed`;
}

/** A test's results as small squares, oldest left; each links to that run's report. */
export function historyStrip(entry: TestHistoryEntry, hrefBase: string, current?: string): string {
  const cells = [...entry.results]
    .reverse()
    .map((r) => {
      const cls = `${r.status}${r.runId === current ? ' this' : ''}`;
      return `<a class="${e(cls)}" href="${e(`${hrefBase}${r.runId}/report.html`)}" title="${e(`${r.runId}: ${r.status}`)}"></a>`;
    })
    .join('');
  return `<span class="strip" aria-label="last ${entry.results.length} results, oldest first">${cells}</span>`;
}

export function failureHistory(runId: string, testId: string, ctx: ReportContext): { marker: string; strip: string } {
  const entry = ctx.history?.tests[testId];
  if (!ctx.history || !entry) return { marker: '', strip: '' };
  const strip = `<p class="history">Last ${entry.results.length} runs ${historyStrip(entry, '../', runId)}</p>`;
  return { marker: markerHtml(markerFor(ctx.history, testId, runId)), strip };
}

export function linksBar(report: RunReport, ctx: ReportContext): string {
  const files = new Set(ctx.files ?? []);
  const link = (file: string, label = file) => (files.has(file) ? `<a href="${e(file)}">${e(label)}</a>` : '');
  const own = [link('run.log'), link('junit.xml'), link('report.json'), link('history.json', 'history.json (history table after the run)')];
  const sql = [...files].filter((f) => f.startsWith('sql/')).sort();
  const site = ctx.site
    ? [`<a href="../index.html">← all runs of ${e(report.environment)}</a>`, `<a href="../../index.html">all environments</a>`]
    : [];
  const parts = [
    ...site,
    ...(own.some(Boolean) ? [`<b>Files</b> ${own.filter(Boolean).join(' · ')}`] : []),
    ...(sql.length ? [`<b>SQL that ran</b> ${sql.map((f) => link(f, f.slice(4))).join(' · ')}`] : []),
  ];
  return parts.length ? `<p class="links">${parts.join('<span class="sep"></span>')}</p>` : '';
}

/** Shown by PRESIGNED_SCRIPT when the page was opened through a presigned URL (its links carry no signature). */
export const PRESIGNED_NOTE = (report: RunReport) =>
  `<p class="note" id="presigned" hidden>Opened through a presigned link: the links to this run's other files need a signature of their own. Print one with <code>rsrun report url --env ${e(report.environment)} --run ${e(report.runId)} --file run.log</code>, or copy the whole run with <code>aws s3 cp --recursive</code>.</p>`;
export const PRESIGNED_SCRIPT = `if(/[?&]X-Amz-Signature=/i.test(location.search))document.getElementById('presigned').hidden=false;`;

export function comparisonSection(report: RunReport, ctx: ReportContext): string {
  if (!ctx.previous && !ctx.history) return '';
  const boxes: string[] = [];
  const prev = ctx.previous;
  const after = ctx.versionAfter;
  if (prev && (prev.version !== after || report.migrations.length)) {
    const applied = report.migrations.filter((m) => m.status === 'applied').map((m) => m.migration.version ?? m.migration.script);
    const items = [
      prev.version !== after ? `<li>version ${e(prev.version ?? 'none')} → <b>${e(after ?? 'unknown')}</b></li>` : '',
      applied.length ? `<li>${report.command === 'undo' ? 'reverted' : 'applied'}: ${applied.map((v) => e(v)).join(', ')}</li>` : '',
    ].join('');
    if (items) boxes.push(`<div><h3>Migrations</h3><ul>${items}</ul></div>`);
  }
  const history = ctx.history;
  if (history && report.tests.length) {
    const cmp = compareWithPrevious(history, report.runId);
    const name = (id: string) => history.tests[id]?.name ?? id;
    const list = (title: string, ids: string[], anchor: boolean) =>
      ids.length
        ? `<div><h3>${e(title)} (${ids.length})</h3><ul>${ids
            .slice(0, 12)
            .map((id) => `<li>${anchor ? `<a href="#${e(id)}">${e(name(id))}</a>` : e(name(id))}</li>`)
            .join('')}${ids.length > 12 ? `<li>… ${ids.length - 12} more</li>` : ''}</ul></div>`
        : '';
    boxes.push(list('Now failing', cmp.nowFailing, true), list('Fixed', cmp.fixed, false), list('New tests', cmp.added, false));
    boxes.push(list('Not run this time', cmp.notRun, false));
  }
  const shown = boxes.filter(Boolean);
  const against = prev
    ? `<small>against <a href="../${e(prev.runId)}/report.html">${e(prev.runId)}</a> · ${e(prev.command)} ${badge(prev.status)} · ${e(formatTime(prev.startedAt))}</small>`
    : '<small>the first run of this environment</small>';
  return `<h2 id="changes">Changes since the previous run ${against}</h2>
${shown.length ? `<div class="changes">${shown.join('')}</div>` : '<p class="empty">No test changed status and no migration changed the version.</p>'}`;
}
