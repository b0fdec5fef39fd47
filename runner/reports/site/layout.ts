/**
 * What the run report, the environment pages and the home page share: one stylesheet (inlined in
 * each page, so a page is one request and works from disk), the page frame with its breadcrumb,
 * and the small formatters. Pages allow only their own inline script, by hash.
 */
import { createHash } from 'node:crypto';
import { htmlEscape as e } from '../markup';
import { VERSION } from '../../version';

export const CSS = `
:root { --ok:#1a7f37; --fail:#cf222e; --err:#9a6700; --skip:#6e7781; --ink:#1f2328; --muted:#59636e; --line:#d1d9e0; --bg:#f6f8fa; --link:#0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
a { color: var(--link); text-decoration: none; } a:hover { text-decoration: underline; }
main { max-width: 1200px; margin: 0 auto; padding: 20px 28px 48px; }
nav.crumbs { background: #24292f; color: #d1d9e0; font-size: 13px; }
nav.crumbs div { max-width: 1200px; margin: 0 auto; padding: 9px 28px; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
nav.crumbs a { color: #fff; font-weight: 600; } nav.crumbs .brand { color: #8c959f; font-weight: 700; margin-right: 10px; letter-spacing: .02em; } nav.crumbs .sep { color: #8c959f; } nav.crumbs .here { color: #fff; }
h1 { font-size: 24px; margin: 0 0 4px; display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
h2 { font-size: 18px; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h2 small { font-weight: 400; color: var(--muted); font-size: 13px; margin-left: 6px; }
.meta { color: var(--muted); font-size: 13px; margin: 0; }
.meta code, .meta a code { color: var(--ink); } .meta a code { color: var(--link); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.92em; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: 12px; font-weight: 600; color: #fff; text-transform: uppercase; letter-spacing: .03em; vertical-align: middle; white-space: nowrap; }
.passed, .applied { background: var(--ok); } .failed { background: var(--fail); } .error { background: var(--err); } .skipped, .not-run, .incomplete { background: var(--skip); }
.reverted { background: #8250df; }
.marker { display: inline-block; padding: 1px 8px; border-radius: 6px; font-size: 12px; font-weight: 600; border: 1px solid; vertical-align: middle; white-space: nowrap; }
.marker.new { color: #cf222e; border-color: #cf222e; background: #ffebe9; }
.marker.recurring { color: #953800; border-color: #d18616; background: #fff1e5; }
.marker.flaky { color: #6639ba; border-color: #a475f9; background: #fbefff; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); gap: 12px; margin-top: 20px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; background: var(--bg); min-width: 0; }
.card b { display: block; font-size: 28px; line-height: 1.2; overflow-wrap: anywhere; }
.card span, .card small { color: var(--muted); font-size: 13px; }
.card small { display: block; margin-top: 2px; }
.card.bad { border-color: var(--fail); background: #ffebe9; } .card.bad b { color: var(--fail); }
.card.warn { border-color: var(--err); background: #fff8c5; } .card.warn b { color: var(--err); }
.card.good b { color: var(--ok); }
.links { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 14px 0 0; padding: 8px 12px; background: var(--bg); border: 1px solid var(--line); border-radius: 8px; font-size: 13px; }
.links b { color: var(--muted); font-weight: 600; }
.note { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 6px 10px; font-size: 13px; margin: 12px 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.empty { color: var(--muted); }
.strip { display: inline-flex; gap: 2px; vertical-align: middle; }
.strip a, .strip span { display: inline-block; width: 10px; height: 16px; border-radius: 2px; background: var(--skip); }
.strip .passed { background: #4ac26b; } .strip .failed { background: var(--fail); } .strip .error { background: #d4a72c; } .strip .skipped { background: #d1d9e0; }
.strip .incomplete { background: #8c959f; }
.strip .this { outline: 2px solid var(--ink); outline-offset: 1px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px 4px; background: #fff; }
figure.chart figcaption { font-size: 13px; font-weight: 600; display: flex; justify-content: space-between; gap: 8px; flex-wrap: wrap; }
.legend { font-weight: 400; color: var(--muted); display: inline-flex; gap: 10px; }
.legend .key i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
figure.chart svg { width: 100%; height: auto; display: block; }
svg .grid { stroke: #eaeef2; stroke-width: 1; } svg .tick, svg .none { font-size: 11px; fill: #6e7781; font-family: inherit; }
svg .hit { fill: transparent; } svg g.day:hover .hit { fill: #f6f8fa; }
svg circle.point { stroke: #fff; stroke-width: 1.5; } svg a:hover circle.point { r: 5; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 14px; }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
`;

export interface Crumb {
  label: string;
  href?: string;
}

export function page(options: { title: string; crumbs: Crumb[]; body: string; css?: string; script?: string; generatedAt: string }): string {
  const script = options.script ? `<script>${options.script}</script>` : '';
  // Only this page's own inline script may run; nothing may be fetched but the page's own folder.
  const scriptSrc = options.script ? `'sha256-${createHash('sha256').update(options.script).digest('base64')}' 'self' file:` : `'none'`;
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src ${scriptSrc}`;
  const crumbs = options.crumbs
    .map((c, i) =>
      c.href && i < options.crumbs.length - 1 ? `<a href="${e(c.href)}">${e(c.label)}</a>` : `<span class="here">${e(c.label)}</span>`,
    )
    .join('<span class="sep">/</span>');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${e(options.title)}</title>
<style>${CSS}${options.css ?? ''}</style>
</head>
<body>
<nav class="crumbs"><div><span class="brand">rsrun</span>${crumbs}</div></nav>
<main>
${options.body}
<footer>Generated by rsrun ${e(VERSION)} at ${e(formatTime(options.generatedAt))}.</footer>
</main>
${script}
</body>
</html>
`;
}

/** `2026-11-26 01:11 UTC`: absolute, so a page read weeks later still says the truth. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

export const day = (iso: string) => iso.slice(0, 10);

export function duration(v: number | undefined): string {
  if (v === undefined) return '';
  if (v < 1000) return `${Math.round(v)} ms`;
  if (v < 60_000) return `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)} s`;
  const m = Math.floor(v / 60_000);
  return `${m} min ${Math.round((v % 60_000) / 1000)} s`;
}

export const badge = (status: string, label = status) => `<span class="badge ${e(status)}">${e(label)}</span>`;

/** Commit and branch links from `[site] repository_url` (GitHub/GitLab style, or a `{commit}` template). */
export function commitHref(repositoryUrl: string | undefined, commit: string): string | undefined {
  if (!repositoryUrl) return undefined;
  if (repositoryUrl.includes('{commit}')) return repositoryUrl.replace('{commit}', encodeURIComponent(commit));
  return `${repositoryUrl.replace(/\/+$/, '')}/commit/${encodeURIComponent(commit)}`;
}

export function commitLink(repositoryUrl: string | undefined, commit: string | undefined): string {
  if (!commit) return '';
  const text = `<code>${e(commit.slice(0, 10))}</code>`;
  const href = commitHref(repositoryUrl, commit);
  return href ? `<a href="${e(href)}" title="${e(commit)}">${text}</a>` : `<span title="${e(commit)}">${text}</span>`;
}

export function provenance(
  b: { commit?: string | undefined; branch?: string | undefined; author?: string | undefined },
  repositoryUrl: string | undefined,
): string[] {
  return [
    b.commit ? `commit ${commitLink(repositoryUrl, b.commit)}` : '',
    b.branch ? `branch <code>${e(b.branch)}</code>` : '',
    b.author ? `by ${e(b.author)}` : '',
  ].filter(Boolean);
}
