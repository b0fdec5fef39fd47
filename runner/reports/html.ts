/**
 * report.html: one self-contained page (inline CSS, no scripts, no network fetches) that an
 * engineer opens from S3 or disk. Summary first, then failures expanded with their SQL and
 * expected-vs-actual tables, then the migrations of this run and every test.
 */
import type { MigrationOutcome, TableData, TestOutcome } from '../events';
import type { RunReport } from '../run/run-report';
import { VERSION } from '../version';
import { htmlEscape } from './markup';

const e = htmlEscape;

const CSS = `
:root { --ok:#1a7f37; --fail:#cf222e; --err:#9a6700; --skip:#6e7781; --ink:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
h2 { font-size: 18px; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
.meta { color: var(--muted); font-size: 13px; margin: 0; }
.meta code { color: var(--ink); }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 12px; font-weight: 600; color: #fff; text-transform: uppercase; letter-spacing: .03em; vertical-align: middle; }
.passed, .applied { background: var(--ok); } .failed { background: var(--fail); } .error { background: var(--err); } .skipped, .not-run { background: var(--skip); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-top: 20px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; background: var(--bg); }
.card b { display: block; font-size: 28px; line-height: 1.2; }
.card span { color: var(--muted); font-size: 13px; }
.card.bad { border-color: var(--fail); background: #ffebe9; } .card.bad b { color: var(--fail); }
.card.warn { border-color: var(--err); background: #fff8c5; } .card.warn b { color: var(--err); }
.card.good b { color: var(--ok); }
details.case { border: 1px solid var(--line); border-left: 6px solid var(--fail); border-radius: 8px; margin: 0 0 16px; background: #fff; }
details.case.error { border-left-color: var(--err); background: #fff; }
details.case > summary { cursor: pointer; padding: 10px 14px; font-weight: 600; list-style-position: inside; }
details.case > summary .where { font-weight: 400; color: var(--muted); font-size: 13px; margin-left: 6px; }
.body { padding: 0 16px 14px; }
.msg { background: #ffebe9; border-radius: 6px; padding: 8px 12px; white-space: pre-wrap; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; margin: 0 0 12px; }
details.case.error .msg { background: #fff8c5; }
.note { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 6px 10px; font-size: 13px; margin: 0 0 12px; }
.compare { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 16px; margin-bottom: 12px; }
.compare h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 0 0 6px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data { width: auto; min-width: 60%; }
.data td { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap; word-break: break-word; }
.null { color: var(--skip); font-style: italic; }
.more { color: var(--muted); font-size: 12px; margin: 4px 0 0; }
pre.sql { background: #0d1117; color: #e6edf3; border-radius: 6px; padding: 10px 12px; white-space: pre-wrap; word-break: break-word; font-size: 13px; margin: 0; }
.sqlhead { font-size: 13px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); margin: 4px 0 6px; }
.all td:first-child { width: 90px; }
.empty { color: var(--muted); }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)} s` : `${Math.round(v)} ms`);
const badge = (status: string) => `<span class="badge ${e(status)}">${e(status)}</span>`;

function dataTable(t: TableData): string {
  const cell = (v: unknown) => (v === null || v === undefined ? '<td class="null">NULL</td>' : `<td>${e(String(v))}</td>`);
  const rows = t.rows.length
    ? t.rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')
    : `<tr><td class="empty" colspan="${Math.max(1, t.columns.length)}">no rows</td></tr>`;
  return `<div class="scroll"><table class="data"><thead><tr>${t.columns.map((c) => `<th>${e(c)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></div>${
    t.truncated ? `<p class="more">… and ${t.truncated} more row${t.truncated === 1 ? '' : 's'} not shown</p>` : ''
  }`;
}

function failure(t: TestOutcome): string {
  const compare = t.expected || t.actual
    ? `<div class="compare">${t.expected ? `<div><h3>Expected</h3>${dataTable(t.expected)}</div>` : ''}${t.actual ? `<div><h3>Actual</h3>${dataTable(t.actual)}</div>` : ''}</div>`
    : '';
  return `<details class="case ${e(t.status)}" open id="${e(t.id)}">
<summary>${badge(t.status)} ${e(t.name)} <span class="where">${e(t.file)}${t.line ? `:${t.line}` : ''} · ${ms(t.durationMs)}</span></summary>
<div class="body">
${t.message ? `<pre class="msg">${e(t.message)}</pre>` : ''}
${t.isolationBroken ? '<p class="note">Isolation broken: a statement of this test committed, so some of its changes were kept.</p>' : ''}
${compare}
${t.sql ? `<div class="sqlhead">SQL</div><pre class="sql">${e(t.sql)}</pre>` : ''}
</div>
</details>`;
}

function migrationsTable(ms_: MigrationOutcome[]): string {
  if (ms_.length === 0) return '<p class="empty">No migrations ran in this run.</p>';
  const rows = ms_.map((m) => `<tr><td>${badge(m.status)}</td><td>${e(m.migration.version ?? '')}</td><td>${e(m.migration.description)}</td><td>${e(m.migration.kind)}</td><td>${e(m.migration.script)}</td><td class="num">${ms(m.durationMs)}</td></tr>${
    m.error ? `<tr><td></td><td colspan="5"><pre class="msg">${e(m.error.message)}${m.error.sql ? `\n\n${e(m.error.sql)}` : ''}</pre></td></tr>` : ''
  }`);
  return `<table><thead><tr><th>Status</th><th>Version</th><th>Description</th><th>Kind</th><th>Script</th><th>Duration</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function testsTable(tests: TestOutcome[]): string {
  if (tests.length === 0) return '<p class="empty">No tests ran in this run.</p>';
  const rows = tests.map((t) => `<tr><td>${badge(t.status)}</td><td>${e(t.suite)}</td><td>${t.status === 'failed' || t.status === 'error' ? `<a href="#${e(t.id)}">${e(t.name)}</a>` : e(t.name)}</td><td>${e(t.tags.join(', '))}</td><td class="num">${ms(t.durationMs)}</td></tr>`);
  return `<table class="all"><thead><tr><th>Status</th><th>Suite</th><th>Test</th><th>Tags</th><th>Duration</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function renderHtml(report: RunReport): string {
  const s = report.summary;
  const bad = report.tests.filter((t) => t.status === 'failed' || t.status === 'error');
  const b = report.build;
  const meta = [
    `run <code>${e(report.runId)}</code>`,
    `<code>rsrun ${e(report.command)}</code>`,
    report.target ? `on <code>${e(report.target)}</code>` : '',
    `started ${e(report.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC'))}`,
    `took ${ms(report.durationMs)}`,
    b.commit ? `commit <code>${e(b.commit.slice(0, 12))}</code>` : '',
    b.number ? (b.url ? `<a href="${e(b.url)}">build #${e(b.number)}</a>` : `build #${e(b.number)}`) : '',
    b.branch ? `branch <code>${e(b.branch)}</code>` : '',
    b.author ? `by ${e(b.author)}` : '',
  ].filter(Boolean).join(' · ');
  const card = (n: number, label: string, cls: string) => `<div class="card ${n > 0 ? cls : ''}"><b>${n}</b><span>${label}</span></div>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${e(`${report.status.toUpperCase()} · ${report.project} · ${report.environment} · ${report.runId}`)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>${e(report.project)} <span class="meta" style="font-size:18px">→ ${e(report.environment)}</span> ${badge(report.status)}</h1>
<p class="meta">${meta}</p>
${report.error ? `<pre class="msg" style="margin-top:16px">${e(report.error)}</pre>` : ''}
<section class="cards" aria-label="summary">
${card(s.passed, 'tests passed', 'good')}
${card(s.failed, 'tests failed', 'bad')}
${card(s.errors, 'tests errored', 'warn')}
${card(s.skipped, 'tests skipped', '')}
${card(s.migrationsApplied, 'migrations applied', 'good')}
${s.migrationsFailed ? card(s.migrationsFailed, 'migrations failed', 'bad') : ''}
</section>
<h2>Failures and errors (${bad.length})</h2>
${bad.length ? bad.map(failure).join('\n') : '<p class="empty">None: every test that ran passed.</p>'}
<h2>Migrations in this run (${report.migrations.length})</h2>
${migrationsTable(report.migrations)}
<h2>All tests (${report.tests.length})</h2>
${testsTable(report.tests)}
<footer>Generated by rsrun ${e(VERSION)} at ${e(report.finishedAt)}.</footer>
</main>
</body>
</html>
`;
}
