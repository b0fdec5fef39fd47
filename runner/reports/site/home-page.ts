/**
 * `<prefix>/index.html`: every environment side by side in promotion order (local, dev, test,
 * staging, prod, then the others), and what is waiting to be promoted: a version that is on one
 * environment with its tests passing and not yet on the next.
 */
import { htmlEscape as e } from '../markup';
import { compareVersions } from '../../migrations/version';
import { badge, commitLink, formatTime, page } from './layout';
import type { RunRef, SiteEnvironment, SiteIndex, SiteSettings } from './model';

const CONVENTIONAL_ORDER = ['local', 'dev', 'development', 'ci', 'test', 'qa', 'uat', 'stage', 'staging', 'preprod', 'prod', 'production'];

export function environmentOrder(names: string[], configured: string[] = []): string[] {
  const rank = (n: string) => {
    const c = configured.indexOf(n);
    if (c >= 0) return c;
    const k = CONVENTIONAL_ORDER.indexOf(n.toLowerCase());
    return configured.length + (k >= 0 ? k : CONVENTIONAL_ORDER.length);
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const CSS = `
.envs { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 16px; margin-top: 18px; }
.env { border: 1px solid var(--line); border-radius: 10px; overflow: hidden; display: flex; flex-direction: column; }
.env header { display: flex; justify-content: space-between; align-items: center; padding: 10px 14px; background: var(--bg); border-bottom: 1px solid var(--line); }
.env header a { font-size: 18px; font-weight: 700; color: var(--ink); }
.env .v { padding: 12px 14px 4px; } .env .v span { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; display: block; }
.env .v b { font: 700 30px/1.2 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.env dl { margin: 0; padding: 6px 14px 14px; display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; font-size: 13px; }
.env dt { color: var(--muted); } .env dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.env.bad { border-color: #ff8182; } .env.bad header { background: #ffebe9; }
.env b.f { color: var(--fail); }
.promote { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
.promote li { border: 1px solid #54aeff; background: #ddf4ff; border-radius: 8px; padding: 8px 12px; font-size: 14px; }
.promote li.hold { border-color: #d4a72c; background: #fff8c5; }
`;

const link = (env: string, r: RunRef | undefined, text: string) => (r?.report ? `<a href="${e(`${env}/${r.report}`)}">${text}</a>` : text);

/** The newest runs as squares, oldest left, each linking to its report. */
function recentStrip(s: SiteEnvironment): string {
  const cells = [...(s.recent ?? [])]
    .reverse()
    .map((r) => {
      const title = e(`${r.command} ${r.runId}: ${r.status}`);
      return r.report ? `<a class="${e(r.status)}" href="${e(`${s.name}/${r.report}`)}" title="${title}"></a>` : `<span class="${e(r.status)}" title="${title}"></span>`;
    })
    .join('');
  return cells ? `<span class="strip">${cells}</span>` : '';
}

function envCard(s: SiteEnvironment, repositoryUrl: string | undefined): string {
  const st = s.state;
  const last = st.lastRun;
  const d = st.lastDeploy;
  const t = s.lastTests;
  const bad = (last && last.status !== 'passed') || s.failing > 0;
  const rows = [
    ['Latest run', last ? link(s.name, last, `${e(last.command)} · ${e(formatTime(last.startedAt))}`) : 'none'],
    ['Recent', recentStrip(s)],
    ['Last deploy', d ? `${link(s.name, d, e(formatTime(d.finishedAt ?? d.startedAt)))}${d.commit ? ` · ${commitLink(repositoryUrl, d.commit)}` : ''}${d.author ? ` · ${e(d.author)}` : ''}` : 'none yet'],
    ['Tests', t ? `${link(s.name, t, `${t.passed}/${t.total} passed`)}${t.failed ? ` · <b class="f">${t.failed} failing</b>` : ''}` : 'no test run yet'],
    ['Flaky', s.flaky ? `<b class="f">${s.flaky}</b> test${s.flaky === 1 ? '' : 's'}` : 'none'],
    ['Runs', `<a href="${e(`${s.name}/index.html`)}">${s.total} run${s.total === 1 ? '' : 's'} →</a>`],
  ];
  return `<article class="env${bad ? ' bad' : ''}" data-env="${e(s.name)}">
<header><a href="${e(`${s.name}/index.html`)}">${e(s.name)}</a>${last ? badge(last.status) : ''}</header>
<div class="v"><span>Applied version</span><b class="version">${e(st.version ?? '—')}</b>${st.versionSince ? `<div class="meta">since ${e(formatTime(st.versionSince.startedAt))}</div>` : ''}</div>
<dl>${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
</article>`;
}

/** For each neighbour pair in promotion order: a newer version upstream is waiting for the next environment. */
export function promotions(envs: SiteEnvironment[]): { from: string; to: string; version: string; behind: string; ready: boolean }[] {
  const out = [];
  for (let i = 0; i + 1 < envs.length; i++) {
    const [a, b] = [envs[i] as SiteEnvironment, envs[i + 1] as SiteEnvironment];
    const va = a.state.version;
    if (!va || (b.state.version && compareVersions(va, b.state.version) <= 0)) continue;
    const ready = a.state.lastRun?.status === 'passed' && a.failing === 0;
    out.push({ from: a.name, to: b.name, version: va, behind: b.state.version ?? 'nothing', ready });
  }
  return out;
}

export function renderHomePage(site: SiteIndex, settings: SiteSettings, generatedAt: string): string {
  const envs = environmentOrder(Object.keys(site.environments), settings.environments).map((n) => site.environments[n] as SiteEnvironment);
  const promo = promotions(envs);
  const promoHtml = promo.length
    ? `<h2>Waiting for promotion</h2><ul class="promote">${promo
        .map(
          (p) =>
            `<li class="${p.ready ? 'ready' : 'hold'}"><b>${e(p.version)}</b> ${p.ready ? 'passed' : 'is'} on <a href="${e(`${p.from}/index.html`)}">${e(p.from)}</a>${p.ready ? '' : ' (its latest run did not pass)'} — <b>${e(p.to)}</b> is at ${e(p.behind)}</li>`,
        )
        .join('')}</ul>`
    : envs.length > 1
      ? '<h2>Waiting for promotion</h2><p class="empty">Nothing: every environment is at the version of the one before it.</p>'
      : '';
  const body = `<h1>${e(site.project)}</h1>
<p class="meta">${envs.length} environment${envs.length === 1 ? '' : 's'} · updated ${e(formatTime(site.updatedAt))} · data: <a href="site.json">site.json</a></p>
<section class="envs" aria-label="environments">${envs.map((s) => envCard(s, settings.repositoryUrl)).join('\n')}</section>
${promoHtml}`;
  return page({ title: `${site.project} · rsrun`, crumbs: [{ label: site.project }], body, css: CSS, generatedAt });
}
