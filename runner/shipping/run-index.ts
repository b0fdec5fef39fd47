/**
 * `<env>/index.json` and `<env>/index.html`: every shipped run of an environment, newest first,
 * with its status, so an engineer can browse the history of runs. Updated by read-merge-write
 * with a conditional put, so concurrent runners do not drop each other's entries.
 */
import type { RunReport, RunSummary } from '../run/run-report';
import { ShippingError } from '../errors';
import { htmlEscape } from '../reports/markup';
import type { RunStore } from './store';
import { joinKey } from './store';

/** Status of a run in the index: a report's status, or `incomplete` when the run crashed before its report. */
export type IndexStatus = 'passed' | 'failed' | 'error' | 'incomplete';

export interface RunIndexEntry {
  runId: string;
  status: IndexStatus;
  command: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  exitCode?: number;
  summary?: RunSummary;
  commit?: string;
  branch?: string;
  author?: string;
  buildNumber?: string;
  /** Relative to the index: `<run-id>/`. */
  path: string;
  /** Present when the run produced report.html. */
  report?: string;
  files: number;
}

export interface RunIndex {
  schemaVersion: 1;
  project: string;
  environment: string;
  updatedAt: string;
  runs: RunIndexEntry[];
}

/** Runs kept in the index; older runs stay in the store, listed by `aws s3 ls`. */
export const INDEX_LIMIT = 2000;

export function entryFor(
  run: { runId: string; command: string; startedAt: string },
  report: RunReport | undefined,
  files: string[],
): RunIndexEntry {
  return {
    runId: run.runId,
    status: report?.status ?? 'incomplete',
    command: report?.command ?? run.command,
    startedAt: report?.startedAt ?? run.startedAt,
    ...(report
      ? {
          finishedAt: report.finishedAt,
          durationMs: report.durationMs,
          exitCode: report.exitCode,
          summary: report.summary,
          ...(report.build.commit ? { commit: report.build.commit } : {}),
          ...(report.build.branch ? { branch: report.build.branch } : {}),
          ...(report.build.author ? { author: report.build.author } : {}),
          ...(report.build.number ? { buildNumber: report.build.number } : {}),
        }
      : {}),
    path: `${run.runId}/`,
    ...(files.includes('report.html') ? { report: `${run.runId}/report.html` } : {}),
    files: files.length,
  };
}

/** Newest first: by start time, then run id (which sorts by time too). */
function newestFirst(a: RunIndexEntry, b: RunIndexEntry): number {
  if (a.startedAt !== b.startedAt) return a.startedAt < b.startedAt ? 1 : -1;
  return a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0;
}

export function mergeIndex(
  previous: RunIndex | undefined,
  entry: RunIndexEntry,
  meta: { project: string; environment: string },
  now = new Date(),
): RunIndex {
  const runs = (previous?.runs ?? []).filter((r) => r.runId !== entry.runId);
  runs.push(entry);
  runs.sort(newestFirst);
  return {
    schemaVersion: 1,
    project: meta.project,
    environment: meta.environment,
    updatedAt: now.toISOString(),
    runs: runs.slice(0, INDEX_LIMIT),
  };
}

/** A damaged index is restarted from this run on; the run folders themselves are untouched. */
function parseIndex(body: Buffer): RunIndex | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as RunIndex;
    return Array.isArray(parsed.runs) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const escapeHtml = htmlEscape;

/** `3f9a1c2b7d4e main · Ada <ada@example.com>`: what was deployed, from where, by whom. */
function provenance(r: RunIndexEntry): string {
  const commit = r.commit ? `<code>${escapeHtml(r.commit.slice(0, 12))}</code>` : '';
  return [commit, r.branch ? escapeHtml(r.branch) : '', r.author ? escapeHtml(r.author) : ''].filter(Boolean).join(' · ');
}

export function renderIndexHtml(index: RunIndex): string {
  const rows = index.runs
    .map((r) => {
      const s = r.summary;
      const counts = s
        ? `${s.migrationsApplied} applied${s.migrationsFailed ? `, ${s.migrationsFailed} failed` : ''}; tests ${s.passed}/${s.total} passed${s.failed ? `, ${s.failed} failed` : ''}${s.errors ? `, ${s.errors} errors` : ''}`
        : '';
      const link = r.report ? `<a href="${escapeHtml(r.report)}">report</a>` : `<a href="${escapeHtml(r.path)}">files</a>`;
      const duration = r.durationMs !== undefined ? `${(r.durationMs / 1000).toFixed(1)} s` : '';
      return `<tr class="${r.status}"><td>${escapeHtml(r.startedAt)}</td><td>${escapeHtml(r.runId)}</td><td>${escapeHtml(r.command)}</td><td class="status">${r.status}</td><td>${escapeHtml(counts)}</td><td>${duration}</td><td>${provenance(r)}</td><td>${link}</td></tr>`;
    })
    .join('\n');
  const title = `rsrun runs — ${index.project} / ${index.environment}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:.3em .8em;border-bottom:1px solid #ddd;text-align:left}
.passed .status{color:#1a7f37}.failed .status,.error .status{color:#cf222e;font-weight:bold}.incomplete .status{color:#9a6700}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${index.runs.length} runs, newest first. Updated ${escapeHtml(index.updatedAt)}. Machine-readable: <a href="index.json">index.json</a>.</p>
<table><thead><tr><th>started</th><th>run</th><th>command</th><th>status</th><th>results</th><th>duration</th><th>commit</th><th></th></tr></thead>
<tbody>
${rows}
</tbody></table></body></html>
`;
}

/** Adds one run to `<env>/index.json` and rewrites `<env>/index.html`. Retries on a concurrent writer. */
export async function updateIndex(store: RunStore, environment: string, project: string, entry: RunIndexEntry): Promise<RunIndex> {
  const jsonKey = joinKey(environment, 'index.json');
  for (let attempt = 1; attempt <= 8; attempt++) {
    const current = await store.get(jsonKey);
    const next = mergeIndex(current ? parseIndex(current.body) : undefined, entry, { project, environment });
    const written = await store.putIfUnchanged(
      jsonKey,
      Buffer.from(JSON.stringify(next, null, 2) + '\n'),
      'application/json; charset=utf-8',
      current?.etag,
    );
    if (written) {
      // The HTML is derived from the JSON: a lost race here is repaired by the next run's rewrite.
      await store.put(joinKey(environment, 'index.html'), Buffer.from(renderIndexHtml(next)), 'text/html; charset=utf-8');
      return next;
    }
    await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
  }
  throw new ShippingError(`could not update ${store.url(jsonKey)}: other runners kept changing it`, {
    hint: 'run `rsrun ship` again; the run files themselves are uploaded',
  });
}
