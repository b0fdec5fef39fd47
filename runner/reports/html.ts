/**
 * report.html: one self-contained page (inline CSS, no network fetches) that an engineer opens
 * from S3 or disk. Summary first, then failures expanded with their SQL and expected-vs-actual
 * tables, then the migrations of this run and every test. In the report site the same page also
 * marks each failure as new / recurring / flaky, shows its history and compares the run with the
 * previous one (`ReportContext`, filled in when the run is published).
 */
import type { MigrationOutcome, TableData, TestOutcome } from '../events';
import type { RunReport } from '../run/run-report';
import { htmlEscape } from './markup';
import { badge, duration as ms, formatTime, page, provenance, type Crumb } from './site/layout';
import { comparisonSection, failureHistory, linksBar, PRESIGNED_NOTE, PRESIGNED_SCRIPT, type ReportContext } from './site/report-context';

export type { ReportContext } from './site/report-context';
const e = htmlEscape;

const CSS = `
details.case { border: 1px solid var(--line); border-left: 6px solid var(--fail); border-radius: 8px; margin: 0 0 16px; background: #fff; }
details.case.error { border-left-color: var(--err); background: #fff; }
details.case > summary { cursor: pointer; padding: 10px 14px; font-weight: 600; list-style-position: inside; }
details.case > summary .where { font-weight: 400; color: var(--muted); font-size: 13px; margin-left: 6px; }
.body { padding: 0 16px 14px; }
.history { font-size: 13px; color: var(--muted); margin: 0 0 10px; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
.msg { background: #ffebe9; border-radius: 6px; padding: 8px 12px; white-space: pre-wrap; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; margin: 0 0 12px; }
details.case.error .msg { background: #fff8c5; }
.compare { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; margin-bottom: 12px; }
.compare h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 6px; }
table.data { width: auto; min-width: 60%; }
.data td { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-word; }
.null { color: var(--skip); font-style: italic; }
.more { color: var(--muted); font-size: 12px; margin: 4px 0 0; }
pre.sql { background: #0d1117; color: #e6edf3; border-radius: 6px; padding: 10px 12px; white-space: pre-wrap; word-break: break-word; font-size: 13px; margin: 0; }
.sqlhead { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 4px 0 6px; }
.all td:first-child { width: 90px; }
.changes { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 12px; }
.changes div { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; }
.changes h3 { font-size: 13px; margin: 0 0 4px; } .changes ul { margin: 0; padding-left: 18px; font-size: 13px; }
`;

function dataTable(t: TableData): string {
  const cell = (v: string | null | undefined) => (v === null || v === undefined ? '<td class="null">NULL</td>' : `<td>${e(v)}</td>`);
  const rows = t.rows.length
    ? t.rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')
    : `<tr><td class="empty" colspan="${Math.max(1, t.columns.length)}">no rows</td></tr>`;
  return `<div class="scroll"><table class="data"><thead><tr>${t.columns.map((c) => `<th>${e(c)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></div>${
    t.truncated ? `<p class="more">… and ${t.truncated} more row${t.truncated === 1 ? '' : 's'} not shown</p>` : ''
  }`;
}

function failure(runId: string, t: TestOutcome, ctx: ReportContext): string {
  const compare =
    t.expected || t.actual
      ? `<div class="compare">${t.expected ? `<div><h3>Expected</h3>${dataTable(t.expected)}</div>` : ''}${t.actual ? `<div><h3>Actual</h3>${dataTable(t.actual)}</div>` : ''}</div>`
      : '';
  const history = failureHistory(runId, t.id, ctx);
  return `<details class="case ${e(t.status)}" open id="${e(t.id)}">
<summary>${badge(t.status)} ${e(t.name)} ${history.marker} <span class="where">${e(t.file)}${t.line ? `:${t.line}` : ''} · ${ms(t.durationMs)}</span></summary>
<div class="body">
${history.strip}
${t.message ? `<pre class="msg">${e(t.message)}</pre>` : ''}
${t.isolationBroken ? '<p class="note">Isolation broken: a statement of this test committed, so some of its changes were kept.</p>' : ''}
${compare}
${t.sql ? `<div class="sqlhead">SQL</div><pre class="sql">${e(t.sql)}</pre>` : ''}
</div>
</details>`;
}

/** An undo script that went through reverted its version; saying "applied" would read as the opposite. */
const migrationStatus = (m: MigrationOutcome) => (m.status === 'applied' && m.migration.kind === 'undo' ? 'reverted' : m.status);

function migrationsTable(list: MigrationOutcome[], files: Set<string> | undefined): string {
  if (list.length === 0) return '<p class="empty">No migrations ran in this run.</p>';
  const script = (s: string) => {
    const copy = `sql/${s.replace(/#\[.*\]$/, '')}`;
    return files?.has(copy) ? `<a href="${e(copy)}">${e(s)}</a>` : e(s);
  };
  const rows = list.map(
    (m) =>
      `<tr><td>${badge(migrationStatus(m))}</td><td>${e(m.migration.version ?? '')}</td><td>${e(m.migration.description)}</td><td>${e(m.migration.kind)}</td><td>${script(m.migration.script)}</td><td class="num">${ms(m.durationMs)}</td></tr>${
        m.error
          ? `<tr><td></td><td colspan="5"><pre class="msg">${e(m.error.message)}${m.error.sql ? `\n\n${e(m.error.sql)}` : ''}</pre></td></tr>`
          : ''
      }`,
  );
  return `<table><thead><tr><th>Status</th><th>Version</th><th>Description</th><th>Kind</th><th>Script</th><th>Duration</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function testsTable(tests: TestOutcome[]): string {
  if (tests.length === 0) return '<p class="empty">No tests ran in this run.</p>';
  const rows = tests.map(
    (t) =>
      `<tr><td>${badge(t.status)}</td><td>${e(t.suite)}</td><td>${t.status === 'failed' || t.status === 'error' ? `<a href="#${e(t.id)}">${e(t.name)}</a>` : e(t.name)}</td><td>${e(t.tags.join(', '))}</td><td class="num">${ms(t.durationMs)}</td></tr>`,
  );
  return `<table class="all"><thead><tr><th>Status</th><th>Suite</th><th>Test</th><th>Tags</th><th>Duration</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function summaryCards(report: RunReport): string {
  const s = report.summary;
  const reverted = report.migrations.filter((m) => migrationStatus(m) === 'reverted').length;
  const card = (n: number, label: string, cls: string) => `<div class="card ${n > 0 ? cls : ''}"><b>${n}</b><span>${label}</span></div>`;
  // A run without tests (migrate, undo) shows no row of zeros about them.
  const tests = report.tests.length
    ? [card(s.passed, 'tests passed', 'good'), card(s.failed, 'tests failed', 'bad'), card(s.errors, 'tests errored', 'warn'), card(s.skipped, 'tests skipped', '')]
    : [];
  return `<section class="cards" aria-label="summary">
${tests.join('\n')}
${reverted ? card(reverted, 'migrations reverted', '') : ''}
${(!reverted && (report.migrations.length || report.command !== 'test')) || s.migrationsApplied > reverted ? card(s.migrationsApplied - reverted, 'migrations applied', 'good') : ''}
${s.migrationsFailed ? card(s.migrationsFailed, 'migrations failed', 'bad') : ''}
</section>`;
}

/** What the drift check before migrating found (docs/drift.md); nothing when it did not run. */
function driftSection(report: RunReport): string {
  const d = report.drift;
  if (!d) return '';
  if (d.objects === 0) return '<h2>Drift (0)</h2>\n<p class="empty">None: the schema was what the applied migrations build.</p>';
  const rows = d.items.map(
    (i) =>
      `<tr><td>${e(`${i.objectType} ${i.object}`)}</td><td>${e(i.attribute)}</td><td>${e(i.expected ?? '(absent)')}</td>` +
      `<td>${e(i.actual ?? '(absent)')}</td><td>${e(i.migration ?? '')}</td></tr>`,
  );
  return `<h2>Drift (${d.objects})</h2>
<table><thead><tr><th>object</th><th>attribute</th><th>expected</th><th>actual</th><th>last defined by</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

export function renderHtml(report: RunReport, ctx: ReportContext = {}): string {
  const bad = report.tests.filter((t) => t.status === 'failed' || t.status === 'error');
  const b = report.build;
  const meta = [
    `run <code>${e(report.runId)}</code>`,
    `<code>rsrun ${e(report.command)}</code>`,
    report.target ? `on <code>${e(report.target)}</code>` : '',
    `started ${e(formatTime(report.startedAt))}`,
    `took ${ms(report.durationMs)}`,
    ...provenance(b, ctx.repositoryUrl),
    b.number ? (b.url ? `<a href="${e(b.url)}">build #${e(b.number)}</a>` : `build #${e(b.number)}`) : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const files = ctx.files ? new Set(ctx.files) : undefined;
  const crumbs: Crumb[] = ctx.site
    ? [
        { label: report.project, href: '../../index.html' },
        { label: report.environment, href: '../index.html' },
        { label: report.runId },
      ]
    : [{ label: report.project }, { label: report.environment }, { label: report.runId }];
  const body = `<h1>${e(report.project)} <span class="meta" style="font-size:18px">→ ${e(report.environment)}</span> ${badge(report.status)}</h1>
<p class="meta">${meta}</p>
${linksBar(report, ctx)}
${PRESIGNED_NOTE(report)}
${report.error ? `<pre class="msg" style="margin-top:16px">${e(report.error)}</pre>` : ''}
${summaryCards(report)}
${comparisonSection(report, ctx)}
${driftSection(report)}
<h2>Failures and errors (${bad.length})</h2>
${bad.length ? bad.map((t) => failure(report.runId, t, ctx)).join('\n') : '<p class="empty">None: every test that ran passed.</p>'}
<h2>Migrations in this run (${report.migrations.length})</h2>
${migrationsTable(report.migrations, files)}
<h2>All tests (${report.tests.length})</h2>
${testsTable(report.tests)}`;
  return page({
    title: `${report.status.toUpperCase()} · ${report.project} · ${report.environment} · ${report.runId}`,
    crumbs,
    body,
    css: CSS,
    script: PRESIGNED_SCRIPT,
    generatedAt: ctx.generatedAt ?? report.finishedAt,
  });
}
