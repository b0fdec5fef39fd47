/**
 * Publishing runs to the report site without a browser: what tests.json says about failures, how
 * the index stays small at 10,000 runs and honours retention, that concurrent publishers never lose
 * an entry (local file lock; S3 If-Match through the test double), and `rsrun report url`.
 */
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestOutcome, TestStatus } from '../../runner/events';
import {
  DEFAULT_SITE_SETTINGS,
  type RunIndex,
  type RunIndexEntry,
  type SiteIndex,
  type TestHistory,
} from '../../runner/reports/site/model';
import { emptyIndex, mergeRun, upgradeIndex } from '../../runner/reports/site/run-index-model';
import { compareWithPrevious, emptyHistory, markerFor, mergeTestRun } from '../../runner/reports/site/test-history';
import { loadConfig } from '../../runner/config/load-config';
import { siteSettings } from '../../runner/reports/site/settings';
import { LocalStore } from '../../runner/shipping/local-store';
import { S3Store } from '../../runner/shipping/s3-store';
import { joinKey, type RunStore } from '../../runner/shipping/store';
import { BUCKET, LocalS3, S3_ENV } from '../shipping/s3-server';
import { runCli } from '../support/cli';
import { requireService } from '../support/services';
import { ConditionalS3Proxy } from './conditional-s3';
import { openS3Store, requireAwsCli, useS3Credentials, withLocalS3 } from './s3-site';
import { shipSynthetic, syntheticRuns, type SyntheticRun } from './synthetic-site';

const settings = { ...DEFAULT_SITE_SETTINGS };
const T = 'suite.sql::the test';
const at = (i: number) => new Date(Date.parse('2026-11-01T00:00:00Z') + i * 3_600_000).toISOString();
const outcome = (status: TestStatus, sql = 'SELECT 1'): TestOutcome => ({
  id: T,
  suite: 'suite.sql',
  name: 'the test',
  file: 'suite.sql',
  tags: [],
  status,
  durationMs: 3,
  sql,
});

/** tests.json after runs r0, r1, ... with the given statuses (and SQL / schema per run when given). */
function historyOf(steps: { status: TestStatus; sql?: string; schema?: string }[], window = 30): TestHistory {
  return steps.reduce(
    (h, s, i) => mergeTestRun(h, { runId: `r${i}`, startedAt: at(i), schema: s.schema ?? 'same' }, [outcome(s.status, s.sql)], window),
    emptyHistory('test', window),
  );
}
const statuses = (list: string) =>
  [...list].map((c) => ({ status: (c === 'P' ? 'passed' : c === 'F' ? 'failed' : c === 'E' ? 'error' : 'skipped') as TestStatus }));
const last = (h: TestHistory) => h.runs[0]?.runId as string;

describe('tests.json: new, recurring and flaky failures', () => {
  it('a failure after a pass (or on first sight) is new; consecutive failures recur with their count', () => {
    expect(markerFor(historyOf(statuses('PPF')), T, 'r2')).to.deep.equal({ kind: 'new' });
    expect(markerFor(historyOf(statuses('F')), T, 'r0')).to.deep.equal({ kind: 'new' });
    const h = historyOf(statuses('PFEF'));
    expect(markerFor(h, T, last(h))).to.deep.equal({ kind: 'recurring', runs: 3 });
    expect(markerFor(h, T, 'r1')).to.deep.equal({ kind: 'new' });
    expect(markerFor(h, T, 'r0')).to.equal(undefined);
    // Skipped runs neither break a streak nor count as a pass.
    const skipped = historyOf(statuses('FSF'));
    expect(markerFor(skipped, T, 'r2')).to.deep.equal({ kind: 'recurring', runs: 2 });
  });

  it('flips with no change to the SQL or the migrations make a test flaky; explained flips do not', () => {
    expect(markerFor(historyOf(statuses('PFPF')), T, 'r3')).to.deep.equal({ kind: 'flaky', flips: 3 });
    expect(markerFor(historyOf(statuses('FPF')), T, 'r2')).to.deep.equal({ kind: 'flaky', flips: 2 });
    const sqlChanged = historyOf([
      { status: 'passed', sql: 'a' },
      { status: 'failed', sql: 'b' },
      { status: 'passed', sql: 'c' },
      { status: 'failed', sql: 'd' },
    ]);
    expect(markerFor(sqlChanged, T, 'r3')).to.deep.equal({ kind: 'new' });
    const migrationsChanged = historyOf([
      { status: 'passed', schema: 's1' },
      { status: 'failed', schema: 's2' },
      { status: 'passed', schema: 's3' },
      { status: 'failed', schema: 's4' },
    ]);
    expect(markerFor(migrationsChanged, T, 'r3')).to.deep.equal({ kind: 'new' });
  });

  it('keeps the last `window` runs and compares a run with the previous one', () => {
    const h = historyOf(statuses('PPPPPPPF'), 5);
    expect(h.runs.map((r) => r.runId)).to.deep.equal(['r7', 'r6', 'r5', 'r4', 'r3']);
    expect(h.tests[T]?.results).to.have.length(5);
    let two = mergeTestRun(
      emptyHistory('test', 30),
      { runId: 'a', startedAt: at(0) },
      [outcome('passed'), { ...outcome('failed'), id: 'x::gone', name: 'gone' }, { ...outcome('failed'), id: 'x::fixed', name: 'fixed' }],
      30,
    );
    two = mergeTestRun(
      two,
      { runId: 'b', startedAt: at(1) },
      [outcome('failed'), { ...outcome('passed'), id: 'x::fixed', name: 'fixed' }, { ...outcome('passed'), id: 'x::new', name: 'new' }],
      30,
    );
    expect(compareWithPrevious(two, 'b')).to.deep.equal({
      previousRunId: 'a',
      nowFailing: [T],
      fixed: ['x::fixed'],
      added: ['x::new'],
      notRun: ['x::gone'],
    });
  });
});

const entry = (i: number): RunIndexEntry => ({
  runId: `${at(i)
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${(0x100000 + i).toString(16)}`,
  status: i % 9 ? 'passed' : 'failed',
  command: 'test',
  startedAt: at(i),
  path: '',
  files: 3,
});

describe('index.json at 10,000 runs', () => {
  it('keeps one to two pages of the newest runs and seals older ones into pages written once', () => {
    let index = emptyIndex('p', 'prod');
    const pages = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const merged = mergeRun(index, entry(i), { pageSize: 250 });
      for (const s of merged.sealed) {
        expect(pages.has(s.page.file)).to.equal(false);
        pages.add(s.page.file);
        expect(s.runs).to.have.length(250);
      }
      index = merged.index;
    }
    expect(index.total).to.equal(10_000);
    expect(index.runs.length).to.be.within(250, 500);
    expect(index.runs[0]?.runId).to.equal(entry(9_999).runId);
    expect(index.pages.reduce((a, p) => a + p.count, 0) + index.runs.length).to.equal(10_000);
    expect(index.pages.map((p) => p.file)).to.have.members([...pages]);
  });

  it('retention drops whole old pages from the index (oldest first), never below keep_runs', () => {
    let index = emptyIndex('p', 'prod');
    for (let i = 0; i < 2_000; i++) index = mergeRun(index, entry(i), { pageSize: 100, keepRuns: 650 }).index;
    expect(index.total).to.be.within(650, 749);
    expect(index.pages.reduce((a, p) => a + p.count, 0) + index.runs.length).to.equal(index.total);
    expect((index.pages[index.pages.length - 1]?.oldest ?? '') > at(1_000)).to.equal(true);
  });

  it('reads an index written before pages existed (a flat list of runs) and keeps its runs', () => {
    const v1 = { schemaVersion: 1, project: 'p', environment: 'prod', updatedAt: at(0), runs: [entry(1), entry(3), entry(2)] };
    const index = upgradeIndex(v1 as unknown as RunIndex, 'p', 'prod');
    expect(index.runs.map((r) => r.runId)).to.deep.equal([entry(3).runId, entry(2).runId, entry(1).runId]);
    expect(mergeRun(index, entry(4), { pageSize: 250 }).index.total).to.equal(4);
  });

  it('publishing one more run into a store holding 10,000 stays small and quick', async function () {
    const dir = await mkdtemp(path.join(tmpdir(), 'rsrun-growth-'));
    try {
      const store = new LocalStore(dir);
      let index = emptyIndex('warehouse', 'test');
      for (let i = 0; i < 10_000; i++) {
        const merged = mergeRun(
          index,
          { ...entry(i), startedAt: `2026-10-01T00:00:00.000Z`.replace('00:00:00', `00:00:${String(i % 60).padStart(2, '0')}`) },
          { pageSize: 250 },
        );
        index = merged.index;
      }
      await store.put('test/index.json', Buffer.from(JSON.stringify(index)), 'application/json');
      const run = syntheticRuns().filter((r) => r.environment === 'test')[0] as SyntheticRun;
      const started = Date.now();
      await shipSynthetic(store, run, settings);
      const took = Date.now() - started;
      const after = JSON.parse(await readFile(path.join(dir, 'test', 'index.json'), 'utf8')) as RunIndex;
      const sizes = {
        index: (await readFile(path.join(dir, 'test', 'index.json'))).length,
        page: (await readFile(path.join(dir, 'test', 'index.html'))).length,
      };
      process.stdout.write(
        `      publishing run 10,001: ${took} ms; index.json ${Math.round(sizes.index / 1024)} KiB, index.html ${Math.round(sizes.page / 1024)} KiB\n`,
      );
      expect(after.total).to.equal(10_001);
      expect(after.runs.length).to.be.at.most(500);
      expect(sizes.index).to.be.below(400 * 1024);
      expect(sizes.page).to.be.below(600 * 1024);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** A store whose first conditional write of `key` waits until `gate` opens: a deterministic race. */
function racingStore(inner: RunStore, key: string, gate: Promise<void>, held: () => void): RunStore {
  let first = true;
  return {
    location: inner.location,
    url: (k) => inner.url(k),
    put: (k, b, t) => inner.put(k, b, t),
    get: (k) => inner.get(k),
    close: () => inner.close(),
    deletePrefix: (p) => inner.deletePrefix(p),
    async putIfUnchanged(k, body, type, etag) {
      if (k === key && first) {
        first = false;
        held();
        await gate;
      }
      return inner.putIfUnchanged(k, body, type, etag);
    },
  };
}

async function raceTwoRuns(store: RunStore, runs: SyntheticRun[]): Promise<void> {
  const [a, b] = runs as [SyntheticRun, SyntheticRun];
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  // A reads index.json and stops before writing; B publishes completely; then A writes on a stale read.
  const first = shipSynthetic(racingStore(store, `${a.environment}/index.json`, gate, held), a, settings);
  await holding;
  await shipSynthetic(store, b, settings);
  open();
  await first;
}

async function expectAllListed(store: RunStore, runs: SyntheticRun[]): Promise<void> {
  const env = (runs[0] as SyntheticRun).environment;
  const read = async <T>(key: string) => JSON.parse(((await store.get(key))?.body as Buffer).toString('utf8')) as T;
  const index = await read<RunIndex>(joinKey(env, 'index.json'));
  expect(index.runs.map((r) => r.runId).sort()).to.deep.equal(runs.map((r) => r.runId).sort());
  const tests = await read<TestHistory>(joinKey(env, 'tests.json'));
  expect(tests.runs.map((r) => r.runId).sort()).to.deep.equal(
    runs
      .filter((r) => r.report?.tests.length)
      .map((r) => r.runId)
      .sort(),
  );
  expect((await read<SiteIndex>('site.json')).environments[env]?.total).to.equal(runs.length);
  const html = ((await store.get(joinKey(env, 'index.html')))?.body as Buffer).toString('utf8');
  for (const r of runs) expect(html).to.include(`>${r.runId}</a>`);
}

describe('concurrent publishing never loses an index entry', function () {
  this.timeout(300_000);
  const runs = syntheticRuns().filter((r) => r.environment === 'test');
  let dir: string;
  let s3: LocalS3 | undefined;
  let proxy: ConditionalS3Proxy | undefined;
  const stores: RunStore[] = [];
  let restoreEnv: (() => void) | undefined;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rsrun-race-'));
  });
  after(async () => {
    for (const s of stores) s.close();
    await proxy?.close();
    await s3?.destroy();
    restoreEnv?.();
    await rm(dir, { recursive: true, force: true });
  });

  async function s3Store(prefix: string): Promise<S3Store> {
    if (!s3) {
      restoreEnv = useS3Credentials();
      s3 = await LocalS3.start();
      proxy = await ConditionalS3Proxy.start(s3.port);
    }
    const store = await openS3Store((proxy as ConditionalS3Proxy).endpoint, prefix);
    stores.push(store);
    return store;
  }

  it('local store: conditional writes of two files in one folder at once all succeed (lock regression)', async () => {
    const store = new LocalStore(path.join(dir, 'locks'));
    for (let round = 0; round < 5; round++) {
      const wrote = await Promise.all(
        ['index.json', 'tests.json', 'site.json'].map(async (f) => {
          const current = await store.get(`e/${f}`);
          return store.putIfUnchanged(`e/${f}`, Buffer.from(String(round)), 'application/json', current?.etag);
        }),
      );
      expect(wrote).to.deep.equal([true, true, true]);
    }
  });

  it('local store: a runner writing on a stale read retries and keeps both runs', async () => {
    const store = new LocalStore(path.join(dir, 'stale'));
    await raceTwoRuns(store, runs.slice(0, 2));
    await expectAllListed(store, runs.slice(0, 2));
  });

  it('local store: eight runs finishing at once are all listed', async () => {
    const store = new LocalStore(path.join(dir, 'eight'));
    await Promise.all(runs.slice(0, 8).map((r) => shipSynthetic(store, r, settings)));
    await expectAllListed(store, runs.slice(0, 8));
  });

  describe('S3 (s3rver behind the If-Match test double)', () => {
    before(async function () {
      await requireAwsCli(this);
    });

    it('the double answers a stale If-Match and an If-None-Match on an existing object with 412 (S3Store sees a conflict)', async () => {
      const store = await s3Store('cond');
      expect(await store.putIfUnchanged('k.json', Buffer.from('1'), 'application/json', undefined)).to.equal(true);
      expect(await store.putIfUnchanged('k.json', Buffer.from('2'), 'application/json', undefined)).to.equal(false);
      const v1 = await store.get('k.json');
      expect(await store.putIfUnchanged('k.json', Buffer.from('3'), 'application/json', v1?.etag)).to.equal(true);
      expect(await store.putIfUnchanged('k.json', Buffer.from('4'), 'application/json', v1?.etag)).to.equal(false);
      expect((await store.get('k.json'))?.body.toString()).to.equal('3');
    });

    it('a runner writing on a stale read gets 412, merges again and keeps both runs', async () => {
      const store = await s3Store('stale');
      const rejectedBefore = proxy?.rejected ?? 0;
      await raceTwoRuns(store, runs.slice(0, 2));
      expect((proxy?.rejected ?? 0) - rejectedBefore).to.be.at.least(1);
      await expectAllListed(store, runs.slice(0, 2));
    });

    it('eight runs finishing at once are all listed', async () => {
      const store = await s3Store('eight');
      await Promise.all(runs.slice(0, 8).map((r) => shipSynthetic(store, r, settings)));
      await expectAllListed(store, runs.slice(0, 8));
    });
  });
});

describe('rsrun report url (CLI)', function () {
  this.timeout(300_000);
  let project: string;
  let s3: LocalS3 | undefined;
  const runs = syntheticRuns().filter((r) => r.environment === 'test');

  before(async function () {
    await requireService(this, 'the built CLI (dist/)', () => access(path.resolve(__dirname, '../../dist/rsrun.js')), 'run npm run build');
    project = await mkdtemp(path.join(tmpdir(), 'rsrun-url-'));
    await writeFile(path.join(project, 'rsrun.ini'), '[project]\nname = warehouse\n\n[env.test]\nengine = postgres\nhost = 127.0.0.1\n');
    const store = new LocalStore(path.join(project, 'reports', 'store'));
    for (const r of runs.slice(0, 3)) await shipSynthetic(store, r, settings);
  });
  after(async () => {
    await s3?.destroy();
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('without [s3]: the file:// address of the newest report, or of a given run and file', async () => {
    const newest = await runCli(['report', 'url', '--env', 'test', '-C', project]);
    expect(newest.code, newest.stderr).to.equal(0);
    const url = newest.stdout.trim();
    expect(url).to.equal(`file://${path.join(project, 'reports', 'store', 'test', runs[2]?.runId as string, 'report.html')}`);
    expect(existsSync(fileURLToPath(url))).to.equal(true);
    const log = await runCli(['report', 'url', '--env', 'test', '-C', project, '--run', runs[0]?.runId as string, '--file', 'run.log']);
    expect(log.code, log.stderr).to.equal(0);
    expect(existsSync(fileURLToPath(log.stdout.trim()))).to.equal(true);
  });

  it('refuses what cannot be a link: a bad run id, a path out of the run, an expiry over 7 days, an unknown action', async () => {
    const cases: [string[], RegExp][] = [
      [['--run', 'latest'], /--run latest is not a run id/],
      [['--file', '../../site.json'], /is not a file of the run folder/],
      [['--expires', '200h'], /--expires 200h is out of range/],
      [['--run', '20990101T000000Z-abcdef'], /no .*20990101T000000Z-abcdef\/report.html/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(['report', 'url', '--env', 'test', '-C', project, ...args]);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(message);
    }
    const unknown = await runCli(['report', 'open', '-C', project]);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.include('unknown action "rsrun report open"');
  });

  it('with [s3]: a presigned GET link that opens the report over HTTP', async function () {
    await requireAwsCli(this);
    s3 = await withLocalS3(
      'site',
      async (store, server) => {
        for (const r of runs.slice(0, 2)) await shipSynthetic(store, r, settings);
        return server;
      },
      true,
    );
    await writeFile(
      path.join(project, 'rsrun.ini'),
      `[project]\nname = warehouse\n\n[env.test]\nengine = postgres\nhost = 127.0.0.1\n\n[s3]\nbucket = ${BUCKET}\nprefix = site\nendpoint = ${s3.endpoint}\nregion = us-east-1\n`,
    );
    const r = await runCli(['report', 'url', '--env', 'test', '-C', project, '--expires', '15m'], { env: S3_ENV });
    expect(r.code, r.stderr).to.equal(0);
    const url = new URL(r.stdout.trim());
    expect(url.pathname).to.equal(`/${BUCKET}/site/test/${runs[1]?.runId}/report.html`);
    expect(url.searchParams.get('X-Amz-Expires')).to.equal('900');
    expect(url.searchParams.get('X-Amz-Signature')).to.match(/^[0-9a-f]{64}$/);
    expect(r.stderr).to.match(/presigned link to s3:\/\/rsrun-reports\/site\/test\/.*report.html, valid until/);
    const page = await fetch(url);
    expect(page.status).to.equal(200);
    expect(await page.text()).to.include(`<a href="../index.html">← all runs of test</a>`);
  });
});

describe('rsrun report retain (CLI)', function () {
  this.timeout(300_000);
  let project: string;
  const runs = syntheticRuns().filter((r) => r.environment === 'prod');
  const storeDir = () => path.join(project, 'reports', 'store');
  const readIndex = async () => JSON.parse(await readFile(path.join(storeDir(), 'prod', 'index.json'), 'utf8')) as RunIndex;

  before(async function () {
    await requireService(this, 'the built CLI (dist/)', () => access(path.resolve(__dirname, '../../dist/rsrun.js')), 'run npm run build');
    project = await mkdtemp(path.join(tmpdir(), 'rsrun-prune-'));
    await writeFile(path.join(project, 'rsrun.ini'), '[project]\nname = warehouse\n\n[env.prod]\nengine = postgres\nhost = 127.0.0.1\n');
    const store = new LocalStore(storeDir());
    for (const r of runs.slice(0, 14)) await shipSynthetic(store, r, { ...settings, pageSize: 3 });
  });
  after(async () => {
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('drops whole old pages from the site and keeps every object, unless --delete-runs', async () => {
    const before = await readIndex();
    expect(before.total).to.equal(14);
    const kept = await runCli(['report', 'retain', '--env', 'prod', '--keep', '8', '-C', project]);
    expect(kept.code, kept.stderr).to.equal(0);
    const after = await readIndex();
    expect(after.total).to.be.within(8, 10);
    expect(kept.stdout).to.equal(
      `prod: ${14 - after.total} runs left the site (${before.pages.length - after.pages.length} pages); their run folders stay (--delete-runs deletes them)\n`,
    );
    for (const r of runs.slice(0, 14)) expect(existsSync(path.join(storeDir(), 'prod', r.runId, 'report.json'))).to.equal(true);
    const page = await readFile(path.join(storeDir(), 'prod', 'index.html'), 'utf8');
    expect(page).to.include(`${after.total} runs, newest first`);

    const deleted = await runCli(['report', 'retain', '--env', 'prod', '--keep', '3', '--delete-runs', '-C', project]);
    expect(deleted.code, deleted.stderr).to.equal(0);
    const last = await readIndex();
    expect(last.total).to.be.within(3, 5);
    const listed = new Set(last.runs.map((r) => r.runId));
    const prunedNow = runs.slice(0, 14).filter((r) => !listed.has(r.runId) && !last.pages.some((p) => p.oldest <= r.startedAt));
    const stillThere = prunedNow.filter((r) => existsSync(path.join(storeDir(), 'prod', r.runId)));
    // The runs this prune removed are gone; those an earlier prune left (objects kept) are still there.
    expect(stillThere.map((r) => r.runId)).to.deep.equal(runs.slice(0, 14 - after.total).map((r) => r.runId));
    for (const r of last.runs) expect(existsSync(path.join(storeDir(), 'prod', r.runId, 'report.html'))).to.equal(true);
    expect(deleted.stdout).to.match(/^prod: \d+ runs left the site \(\d+ pages?\); deleted \d+ objects of their run folders\n$/);
    const missing = await runCli(['report', 'retain', '--env', 'prod', '-C', project]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.include('rsrun report retain needs --keep N');
  });

  it('S3: deletePrefix removes exactly one run folder (ListObjectsV2 + DeleteObjects on s3rver)', async function () {
    await requireAwsCli(this);
    await withLocalS3('p', async (store, s3) => {
      for (const r of runs.slice(0, 2)) await shipSynthetic(store, r, settings);
      const [gone, kept] = [runs[0]?.runId as string, runs[1]?.runId as string];
      const under = async (run: string) => [...(await s3.list('p/prod/')).keys()].filter((k) => k.startsWith(`p/prod/${run}/`)).length;
      const before = await under(gone);
      expect(before).to.be.greaterThan(3);
      expect(await store.deletePrefix(`prod/${gone}`)).to.equal(before);
      expect(await under(gone)).to.equal(0);
      expect(await under(kept)).to.be.greaterThan(3);
      expect(await store.deletePrefix('prod/20990101T000000Z-000000')).to.equal(0);
    });
  });
});

describe('[site] settings in rsrun.ini', () => {
  it('are read by the site, and a typo in the section is an error naming its line', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rsrun-site-ini-'));
    try {
      const ini = (body: string) => writeFile(path.join(dir, 'rsrun.ini'), `[project]\nname = w\n\n[site]\n${body}`);
      await ini('repository_url = https://git.example.com/acme/w\nkeep_runs = 500\ntest_window = 12\nenvironments = test, prod\n');
      expect(siteSettings(await loadConfig({ projectDir: dir }, {}), {})).to.deep.equal({
        ...DEFAULT_SITE_SETTINGS,
        repositoryUrl: 'https://git.example.com/acme/w',
        keepRuns: 500,
        testWindow: 12,
        environments: ['test', 'prod'],
      });
      await ini('repo_url = https://git.example.com/acme/w\n');
      const err = (await loadConfig({ projectDir: dir }, {}).catch((e: unknown) => e)) as Error & { line?: number };
      expect(err.message).to.match(/unknown key "repo_url" in \[site\]/);
      expect(err.line).to.equal(5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
