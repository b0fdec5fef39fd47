/**
 * Publishing a shipped run to the report site (layout in reports/site/model.ts): the environment's
 * index.json and tests.json, its index.html, the run's report.html with history and comparison,
 * and the home page's site.json and index.html.
 *
 * Every JSON file is updated by read-merge-write with a conditional put (S3 If-Match / If-None-Match,
 * a file lock in the local store) and read back afterwards, so two runs finishing at once never lose
 * an entry, even on an S3-compatible store that ignores the condition. Conditional writes:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
 * HTML pages are derived from the JSON: after writing one, the JSON is read again and the page
 * rewritten if another runner changed it meanwhile, so the last writer always leaves a current page.
 */
import { createHash } from 'node:crypto';
import type { HistoryRow } from '../ledger/schema-history';
import { ShippingError } from '../errors';
import { renderHtml } from '../reports/html';
import { renderEnvironmentPage } from '../reports/site/env-page';
import { renderHomePage } from '../reports/site/home-page';
import {
  DEFAULT_SITE_SETTINGS,
  type RunIndex,
  type RunIndexEntry,
  type SiteEnvironment,
  type SiteIndex,
  type SiteSettings,
  type TestHistory,
} from '../reports/site/model';
import {
  emptyIndex,
  mergeRun,
  newestFirst,
  pruneIndex,
  refOf,
  stateBefore,
  upgradeIndex,
  type PruneResult,
} from '../reports/site/run-index-model';
import { pageScript, pageScriptFile } from '../reports/site/run-list';
import { stateAfter, stateFromHistory, versionChanges } from '../reports/site/schema-state';
import { currentProblems, emptyHistory, mergeTestRun } from '../reports/site/test-history';
import { summarize, type RunReport } from '../run/run-report';
import type { RunStore } from './store';
import { joinKey } from './store';

export type { IndexStatus, RunIndex, RunIndexEntry } from '../reports/site/model';

const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_TYPE = 'text/html; charset=utf-8';
const JS_TYPE = 'text/javascript; charset=utf-8';

export interface PublishedRun {
  runId: string;
  environment: string;
  project: string;
  command: string;
  startedAt: string;
}

export function entryFor(run: PublishedRun, report: RunReport | undefined, files: string[]): RunIndexEntry {
  const b = (report?.build ?? {}) as RunReport['build'] & { author?: string };
  const changes = versionChanges(report);
  const entry: RunIndexEntry = {
    runId: run.runId,
    status: report?.status ?? 'incomplete',
    command: report?.command ?? run.command,
    startedAt: report?.startedAt ?? run.startedAt,
    path: `${run.runId}/`,
    files: files.length,
  };
  if (report) {
    Object.assign(entry, {
      finishedAt: report.finishedAt,
      durationMs: report.durationMs,
      exitCode: report.exitCode,
      summary: report.summary,
    });
    if (report.target) entry.target = report.target;
    if (report.migrations.length) entry.migrationMs = report.migrations.reduce((a, m) => a + m.durationMs, 0);
  }
  if (b.commit) entry.commit = b.commit;
  if (b.branch) entry.branch = b.branch;
  if (b.author) entry.author = b.author;
  if (b.number) entry.buildNumber = b.number;
  if (b.url) entry.buildUrl = b.url;
  if (changes.applied.length) entry.applied = changes.applied;
  if (changes.reverted.length) entry.reverted = changes.reverted;
  if (files.includes('report.html')) entry.report = `${run.runId}/report.html`;
  return entry;
}

function parseJson<T>(body: Buffer | undefined): T | undefined {
  if (!body) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** A damaged or missing index starts again from this run on; the run folders themselves are untouched. */
function parseIndex(body: Buffer | undefined, project: string, environment: string): RunIndex {
  const parsed = parseJson<RunIndex>(body);
  return parsed && Array.isArray(parsed.runs) ? upgradeIndex(parsed, project, environment) : emptyIndex(project, environment);
}

function parseTests(body: Buffer | undefined, environment: string, window: number): TestHistory {
  const parsed = parseJson<TestHistory>(body);
  // The body is untrusted JSON: `tests` may be missing whatever the type says.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
  return parsed && Array.isArray(parsed.runs) && parsed.tests ? parsed : emptyHistory(environment, window);
}

function parseSite(body: Buffer | undefined, project: string): SiteIndex {
  const parsed = parseJson<SiteIndex>(body);
  return parsed?.environments ? parsed : { schemaVersion: 1, project, updatedAt: new Date(0).toISOString(), environments: {} };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Read, change, conditionally write, read back. `landed` checks the stored value holds our change
 * (a later writer's merge keeps it; a store that ignored the condition may have dropped it).
 */
export async function updateJson<T>(
  store: RunStore,
  key: string,
  parse: (body: Buffer | undefined) => T,
  change: (current: T) => Promise<T>,
  landed: (stored: T) => boolean,
): Promise<T> {
  for (let attempt = 1; attempt <= 10; attempt++) {
    const current = await store.get(key);
    const next = await change(parse(current?.body));
    const body = Buffer.from(`${JSON.stringify(next)}\n`);
    if (await store.putIfUnchanged(key, body, JSON_TYPE, current?.etag)) {
      const back = await store.get(key);
      if (back && landed(parse(back.body))) return next;
    }
    await sleep(40 * attempt + Math.random() * 80);
  }
  throw new ShippingError(`could not update ${store.url(key)}: other runners kept changing it`, {
    hint: 'run `rsrun ship` again; the run files themselves are uploaded',
  });
}

/** Writes a page derived from JSON files, again while those files change under it (bounded). */
async function writeDerived(store: RunStore, key: string, build: () => Promise<{ version: string; html: string }>): Promise<void> {
  let built = await build();
  for (let i = 0; i < 5; i++) {
    await store.put(key, Buffer.from(built.html), HTML_TYPE);
    const again = await build();
    if (again.version === built.version) return;
    built = again;
  }
}

const digest = (...bodies: (Buffer | undefined)[]) => {
  const h = createHash('sha256');
  for (const b of bodies) h.update(b ?? '').update('\0');
  return h.digest('hex');
};

async function readFromStore<T>(store: RunStore, key: string): Promise<T | undefined> {
  return parseJson<T>((await store.get(key))?.body);
}

/** A report.json as the site reads it: lists and build present even in a partial or older file. */
function asReport(parsed: Partial<RunReport> | undefined): RunReport | undefined {
  if (!parsed || typeof parsed !== 'object' || typeof parsed.runId !== 'string') return undefined;
  const migrations = Array.isArray(parsed.migrations) ? parsed.migrations : [];
  const tests = Array.isArray(parsed.tests) ? parsed.tests : [];
  return {
    ...parsed,
    migrations,
    tests,
    lint: parsed.lint ?? [],
    build: parsed.build ?? {},
    summary: parsed.summary ?? summarize(migrations, tests),
  } as RunReport;
}

/** Whether the index holds the run, or has legitimately moved it to a page or pruned it as too old. */
function listed(index: RunIndex, entry: RunIndexEntry): boolean {
  if (index.runs.some((r) => r.runId === entry.runId)) return true;
  if (index.pages.some((p) => p.oldest <= entry.startedAt && entry.startedAt <= p.newest)) return true;
  const oldestKept = index.pages[index.pages.length - 1]?.oldest ?? index.runs[index.runs.length - 1]?.startedAt;
  return oldestKept !== undefined && entry.startedAt < oldestKept;
}

interface Publication {
  store: RunStore;
  run: PublishedRun;
  files: string[];
  settings: SiteSettings;
  report: RunReport | undefined;
}

/** index.json: the run's entry, with the applied version after it, merged in; pages it sealed written first. */
async function publishIndex(p: Publication, snapshot: HistoryRow[] | undefined): Promise<{ index: RunIndex; entry: RunIndexEntry }> {
  const { store, run, settings, report } = p;
  const env = run.environment;
  const base = entryFor(run, report, p.files);
  const own = Array.isArray(snapshot) ? stateFromHistory(snapshot) : undefined;
  const checksums = (report?.migrations ?? []).filter((m) => m.status === 'applied').map((m) => m.migration.checksum);
  let entry = base;
  const index = await updateJson(
    store,
    joinKey(env, 'index.json'),
    (b) => parseIndex(b, run.project, env),
    async (current) => {
      const after = own ?? stateAfter(stateBefore(current, base), versionChanges(report), checksums);
      entry = { ...base, ...(after.version ? { version: after.version } : {}), ...(after.schema ? { schema: after.schema } : {}) };
      const merged = mergeRun(current, entry, { pageSize: settings.pageSize, keepRuns: settings.keepRuns, schemaAfter: after });
      // Pages first: an index never refers to a page that is not there. Their names are unique to their runs.
      for (const { page, runs } of merged.sealed) {
        const json = `${JSON.stringify({ schemaVersion: 1, environment: env, runs })}\n`;
        await store.put(joinKey(env, page.file), Buffer.from(json), JSON_TYPE);
        await store.put(joinKey(env, pageScriptFile(page)), Buffer.from(pageScript(page, runs, settings.repositoryUrl)), JS_TYPE);
      }
      return { ...merged.index, project: run.project };
    },
    (stored) => listed(stored, base),
  );
  return { index, entry };
}

/** tests.json: this run's results merged in (kept unless the run is older than the whole window). */
async function publishTests(p: Publication, report: RunReport, entry: RunIndexEntry): Promise<TestHistory> {
  const { store, run, settings } = p;
  return updateJson(
    store,
    joinKey(run.environment, 'tests.json'),
    (b) => parseTests(b, run.environment, settings.testWindow),
    async (current) =>
      mergeTestRun(
        current,
        { runId: run.runId, startedAt: entry.startedAt, ...(entry.schema ? { schema: entry.schema } : {}) },
        report.tests,
        settings.testWindow,
      ),
    (stored) =>
      stored.runs.some((r) => r.runId === run.runId) ||
      (stored.runs.length >= stored.window && (stored.runs[stored.runs.length - 1]?.startedAt ?? '') > entry.startedAt),
  );
}

/** The run's report.html again, now with links into the site, failure history and the comparison. */
async function publishReport(p: Publication, report: RunReport, entry: RunIndexEntry, index: RunIndex, history: TestHistory | undefined) {
  const previous = index.runs.find((r) => newestFirst(r, entry) > 0);
  const html = renderHtml(report, {
    files: p.files,
    site: true,
    ...(p.settings.repositoryUrl ? { repositoryUrl: p.settings.repositoryUrl } : {}),
    ...(history ? { history } : {}),
    ...(previous ? { previous: { ...refOf(previous), ...(previous.version ? { version: previous.version } : {}) } } : {}),
    ...(entry.version ? { versionAfter: entry.version } : {}),
    generatedAt: new Date().toISOString(),
  });
  await p.store.put(joinKey(p.run.environment, p.run.runId, 'report.html'), Buffer.from(html), HTML_TYPE);
}

/**
 * Adds one shipped run to the site (its files are in the store already; its report.json and
 * history.json are read back from there, masked as they were uploaded). Returns the new index.
 */
export async function publishRun(
  store: RunStore,
  run: PublishedRun,
  files: string[],
  settings: SiteSettings = DEFAULT_SITE_SETTINGS,
): Promise<RunIndex> {
  const env = run.environment;
  const runKey = (f: string) => joinKey(env, run.runId, f);
  const report = files.includes('report.json')
    ? asReport(await readFromStore<Partial<RunReport>>(store, runKey('report.json')))
    : undefined;
  const snapshot = files.includes('history.json') ? await readFromStore<HistoryRow[]>(store, runKey('history.json')) : undefined;
  const p: Publication = { store, run, files, settings, report };
  const { index, entry } = await publishIndex(p, snapshot);
  const history = report && report.tests.length ? await publishTests(p, report, entry) : undefined;
  await publishEnvironmentPage(store, run.project, env, settings);
  if (report && files.includes('report.html')) await publishReport(p, report, entry, index, history);
  await publishHome(store, run.project, env, settings);
  return index;
}

async function publishEnvironmentPage(store: RunStore, project: string, env: string, settings: SiteSettings): Promise<void> {
  await writeDerived(store, joinKey(env, 'index.html'), async () => {
    const [i, t] = [await store.get(joinKey(env, 'index.json')), await store.get(joinKey(env, 'tests.json'))];
    const tests = t ? parseTests(t.body, env, settings.testWindow) : undefined;
    const html = renderEnvironmentPage(parseIndex(i?.body, project, env), tests, settings, new Date().toISOString());
    return { version: digest(i?.body, t?.body), html };
  });
}

export interface PruneOutcome {
  /** Runs that left the index. */
  runs: number;
  pages: number;
  /** Objects of run folders deleted; 0 unless asked. */
  deletedObjects: number;
}

/**
 * `rsrun report retain`: keeps the newest `keep` runs (whole pages) in the environment's index and
 * pages. Run folders stay unless `deleteRuns`: then the pruned runs' folders are deleted (the small
 * page files that listed them stay, no longer referenced).
 */
export async function pruneSite(
  store: RunStore,
  project: string,
  env: string,
  keep: number,
  options: { deleteRuns: boolean; settings?: SiteSettings },
): Promise<PruneOutcome> {
  const settings = options.settings ?? DEFAULT_SITE_SETTINGS;
  let pruned: PruneResult | undefined;
  await updateJson(
    store,
    joinKey(env, 'index.json'),
    (b) => parseIndex(b, project, env),
    async (current) => {
      pruned = pruneIndex(current, keep);
      return pruned.index;
    },
    (stored) => !stored.pages.some((p) => pruned?.pages.includes(p)),
  );
  const done = pruned as PruneResult;
  let deletedObjects = 0;
  if (options.deleteRuns) {
    const runIds = new Set(done.runs.map((r) => r.runId));
    for (const page of done.pages) {
      const listed = await readFromStore<{ runs?: RunIndexEntry[] }>(store, joinKey(env, page.file));
      for (const r of listed?.runs ?? []) runIds.add(r.runId);
    }
    for (const runId of runIds) deletedObjects += await store.deletePrefix(joinKey(env, runId));
  }
  await publishEnvironmentPage(store, project, env, settings);
  await publishHome(store, project, env, settings);
  return { runs: done.runs.length + done.pages.reduce((a, p) => a + p.count, 0), pages: done.pages.length, deletedObjects };
}

/** The environment's line in site.json, from its current index.json and tests.json. */
async function environmentSummary(store: RunStore, project: string, env: string, settings: SiteSettings): Promise<SiteEnvironment> {
  const index = parseIndex((await store.get(joinKey(env, 'index.json')))?.body, project, env);
  const tests = (await store.get(joinKey(env, 'tests.json')))?.body;
  const history = tests ? parseTests(tests, env, settings.testWindow) : undefined;
  const problems = history ? currentProblems(history) : { failing: [], flaky: [] };
  const lastTests = index.runs.find((r) => (r.summary?.total ?? 0) > 0);
  const s = lastTests?.summary;
  return {
    name: env,
    updatedAt: index.updatedAt,
    total: index.total,
    state: index.state,
    ...(lastTests && s ? { lastTests: { ...refOf(lastTests), passed: s.passed, total: s.total, failed: s.failed + s.errors } } : {}),
    failing: problems.failing.length,
    flaky: problems.flaky.length,
    recent: index.runs.slice(0, 20).map((r) => ({
      runId: r.runId,
      status: r.status,
      command: r.command,
      startedAt: r.startedAt,
      ...(r.report ? { report: r.report } : {}),
    })),
  };
}

async function publishHome(store: RunStore, project: string, env: string, settings: SiteSettings): Promise<void> {
  let written: SiteEnvironment | undefined;
  await updateJson(
    store,
    'site.json',
    (b) => parseSite(b, project),
    async (current) => {
      // Read after site.json: a runner whose conditional write wins has seen every index written before it.
      written = await environmentSummary(store, project, env, settings);
      return { ...current, project, updatedAt: new Date().toISOString(), environments: { ...current.environments, [env]: written } };
    },
    (stored) => stored.environments[env] !== undefined && stored.environments[env].total >= (written?.total ?? 0),
  );
  await writeDerived(store, 'index.html', async () => {
    const body = (await store.get('site.json'))?.body;
    return { version: digest(body), html: renderHomePage(parseSite(body, project), settings, new Date().toISOString()) };
  });
}
