/**
 * The environment page's run list: rows written as HTML (readable without scripts), and a small
 * script that filters them (status, command, branch, text) and pages through them 25 at a time.
 * Older runs live in sealed pages; "Load older runs" adds them through a `<script src>` of the
 * page's `.js` twin, which works from S3, over HTTP and from a `file://` open alike (a `fetch`
 * of a local file is refused by browsers).
 */
import { htmlEscape as e } from '../markup';
import { badge, commitLink, duration, formatTime } from './layout';
import type { IndexPage, RunIndexEntry } from './model';

export const PAGE_SIZE = 25;

function results(r: RunIndexEntry): string {
  const s = r.summary;
  if (!s) return '';
  const parts: string[] = [];
  if (s.total) parts.push(`${s.passed}/${s.total} passed${s.failed ? `, <b class="f">${s.failed} failed</b>` : ''}${s.errors ? `, <b class="f">${s.errors} error${s.errors === 1 ? "" : "s"}</b>` : ''}`);
  const reverted = r.reverted?.length ?? 0;
  if (reverted) parts.push(`${reverted} reverted`);
  const applied = s.migrationsApplied - reverted;
  if (applied > 0) parts.push(`${applied} applied`);
  if (s.migrationsFailed) parts.push(`<b class="f">${s.migrationsFailed} migration${s.migrationsFailed === 1 ? '' : 's'} failed</b>`);
  return parts.join(' · ');
}

/** One `<tr>`; its data attributes are what the filters read. */
export function runRow(r: RunIndexEntry, repositoryUrl: string | undefined): string {
  const text = [r.runId, r.command, r.status, r.commit, r.branch, r.author, r.version, r.buildNumber].filter(Boolean).join(' ').toLowerCase();
  const link = r.report ? `<a href="${e(r.report)}">${e(r.runId)}</a>` : `<span title="no report: the run ended before writing one">${e(r.runId)}</span>`;
  return `<tr data-status="${e(r.status)}" data-command="${e(r.command)}" data-branch="${e(r.branch ?? '')}" data-text="${e(text)}"><td>${badge(r.status)}</td><td class="nowrap">${e(formatTime(r.startedAt))}</td><td>${link}</td><td>${e(r.command)}</td><td>${e(r.version ?? '')}</td><td>${results(r)}</td><td class="num">${duration(r.durationMs)}</td><td>${commitLink(repositoryUrl, r.commit)}${r.branch ? ` <span class="br">${e(r.branch)}</span>` : ''}${r.author ? `<div class="by">${e(r.author)}</div>` : ''}</td></tr>`;
}

/** A sealed page as the environment page loads it: `rsrunRuns(<file>, <rows>)`. */
export function pageScript(page: IndexPage, runs: RunIndexEntry[], repositoryUrl: string | undefined): string {
  return `rsrunRuns(${JSON.stringify(page.file)},${JSON.stringify(runs.map((r) => runRow(r, repositoryUrl)).join(''))});\n`;
}

export const pageScriptFile = (page: IndexPage) => page.file.replace(/\.json$/, '.js');

export const RUN_LIST_CSS = `
.filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 0 0 10px; font-size: 13px; }
.filters select, .filters input, .pager button, .older button { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.filters input { min-width: 220px; flex: 1; max-width: 360px; }
.pager, .older { display: flex; gap: 10px; align-items: center; font-size: 13px; color: var(--muted); margin: 10px 0 0; }
.pager button:disabled { color: #8c959f; }
table.runs td { vertical-align: middle; } table.runs .nowrap { white-space: nowrap; }
table.runs b.f { color: var(--fail); font-weight: 600; } table.runs .br { color: var(--muted); font-size: 12px; } table.runs .by { color: var(--muted); font-size: 12px; }
`;

export function runList(runs: RunIndexEntry[], pages: IndexPage[], total: number, repositoryUrl: string | undefined): string {
  const older = total - runs.length;
  const pagesData = JSON.stringify(pages.map((p) => pageScriptFile(p))).replace(/</g, '\\u003c');
  return `<form class="filters" id="filters" hidden>
<select id="f-status" aria-label="status"><option value="">any status</option></select>
<select id="f-command" aria-label="command"><option value="">any command</option></select>
<select id="f-branch" aria-label="branch"><option value="">any branch</option></select>
<input id="f-text" type="search" placeholder="run id, commit, author, version…" aria-label="text">
</form>
<div class="scroll"><table class="runs" id="runs"><thead><tr><th>Status</th><th>Started</th><th>Run</th><th>Command</th><th>Version</th><th>Results</th><th>Duration</th><th>Commit</th></tr></thead>
<tbody>
${runs.map((r) => runRow(r, repositoryUrl)).join('\n')}
</tbody></table></div>
<p class="pager" id="pager" hidden><button type="button" id="prev">‹ Newer</button><span id="showing"></span><button type="button" id="next">Older ›</button></p>
${older > 0 ? `<p class="older" id="older"><span id="older-text">${older} older run${older === 1 ? '' : 's'} in ${pages.length} page${pages.length === 1 ? '' : 's'}.</span> <button type="button" id="load-older" hidden>Load older runs</button></p>` : ''}
<script type="application/json" id="run-pages">${pagesData}</script>`;
}

/** Filters and paging; the rows stay the HTML written above, so the script renders nothing itself. */
export const RUN_LIST_SCRIPT = `(function(){
var $=function(id){return document.getElementById(id)};
var body=$('runs').tBodies[0],form=$('filters'),page=0,size=${PAGE_SIZE};
var pages=JSON.parse($('run-pages').textContent),loaded=0;
var f={status:$('f-status'),command:$('f-command'),branch:$('f-branch'),text:$('f-text')};
function rows(){return Array.prototype.slice.call(body.rows)}
function options(){['status','command','branch'].forEach(function(k){var sel=f[k],have={};
Array.prototype.forEach.call(sel.options,function(o){have[o.value]=1});
rows().map(function(r){return r.dataset[k]}).filter(function(v,i,a){return v&&!have[v]&&a.indexOf(v)===i}).sort().forEach(function(v){var o=document.createElement('option');o.value=v;o.textContent=v;sel.appendChild(o)})})}
function match(r){var d=r.dataset,t=f.text.value.trim().toLowerCase();
return(!f.status.value||d.status===f.status.value)&&(!f.command.value||d.command===f.command.value)&&(!f.branch.value||d.branch===f.branch.value)&&(!t||d.text.indexOf(t)>=0)}
function render(){var all=rows(),shown=all.filter(match),n=Math.max(1,Math.ceil(shown.length/size));if(page>=n)page=n-1;
all.forEach(function(r){r.hidden=true});shown.slice(page*size,(page+1)*size).forEach(function(r){r.hidden=false});
$('showing').textContent=shown.length?('runs '+(page*size+1)+'–'+Math.min(shown.length,(page+1)*size)+' of '+shown.length+(shown.length<all.length?' matching':'')):'no run matches';
$('prev').disabled=page===0;$('next').disabled=page>=n-1}
window.rsrunRuns=function(file,html){body.insertAdjacentHTML('beforeend',html);loaded++;options();render();
var rest=pages.length-loaded,t=$('older-text');if(t)t.textContent=rest?rest+' more page'+(rest===1?'':'s')+' of older runs.':'All runs loaded.';$('load-older').hidden=!rest;$('load-older').disabled=false};
form.hidden=false;$('pager').hidden=false;if($('load-older'))$('load-older').hidden=false;
form.addEventListener('input',function(){page=0;render()});form.addEventListener('submit',function(e){e.preventDefault()});
$('prev').addEventListener('click',function(){page--;render()});$('next').addEventListener('click',function(){page++;render()});
if($('load-older'))$('load-older').addEventListener('click',function(){if(loaded>=pages.length)return;this.disabled=true;var s=document.createElement('script');s.src=pages[loaded];
s.onerror=function(){$('older-text').textContent='Could not load '+pages[loaded]+'.';$('load-older').disabled=false};document.body.appendChild(s)});
options();render()})();`;
