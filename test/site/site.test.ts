/**
 * The report site as an engineer sees it: 60 synthetic runs over dev, test and prod published
 * into the local store (opened from file://) and into S3 (s3rver behind the If-Match test double,
 * served over HTTP), then read in headless Chromium: current versions, promotion, charts with the
 * right number of points, flaky / new / recurring markers, the undo, filters and paging, and every
 * relative link. Screenshots go to test-artifacts/site/ (the README embeds copies from docs/images/).
 */
import { expect } from 'chai';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { TestOutcome } from '../../runner/events';
import { DEFAULT_SITE_SETTINGS } from '../../runner/reports/site/model';
import { LocalStore } from '../../runner/shipping/local-store';
import { S3Store } from '../../runner/shipping/s3-store';
import type { RunStore } from '../../runner/shipping/store';
import { BUCKET, LocalS3 } from '../shipping/s3-server';
import { expectLinksWork, launchChromium, requireChromium, siteLinks, sitePage } from './browser';
import { ConditionalS3Proxy } from './conditional-s3';
import { openS3Store, requireAwsCli, useS3Credentials } from './s3-site';
import { buildSite, FLAKY, NEW_FAILURE, RECURRING, shipSynthetic, type SyntheticRun } from './synthetic-site';

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'site');
const PREFIX = 'reports';

interface Site {
  /** Address of the site root, ending in `/`. */
  base: string;
  runs: SyntheticRun[];
}

const of = (runs: SyntheticRun[], env: string) => runs.filter((r) => r.environment === env);
const newest = (runs: SyntheticRun[], env: string) => of(runs, env)[of(runs, env).length - 1] as SyntheticRun;

async function open(page: Page, url: string, requests: string[], errors: string[], base: string): Promise<void> {
  requests.length = 0;
  await page.goto(url);
  expect(errors, `script errors on ${url}`).to.deep.equal([]);
  expect(requests.filter((r) => !r.startsWith(base))).to.deep.equal([]);
}

const count = (page: Page, selector: string) => page.locator(selector).count();
const visibleRows = (page: Page) => page.locator('#runs tbody tr:not([hidden])').count();

async function checkHome(page: Page, site: Site, shots: boolean): Promise<void> {
  expect(
    await page.$$eval('article.env', (els) => els.map((el) => (el as unknown as { dataset: { env: string } }).dataset.env)),
  ).to.deep.equal(['dev', 'test', 'prod']);
  for (const [env, version] of [
    ['dev', '9'],
    ['test', '8'],
    ['prod', '7'],
  ])
    expect(await page.locator(`article[data-env="${env}"] .version`).innerText()).to.equal(version);
  const promotion = await page.locator('ul.promote').innerText();
  expect(promotion).to.include('8 passed on test — prod is at 7');
  expect(promotion).to.include('9 is on dev (its latest run did not pass) — test is at 8');
  for (const env of ['dev', 'test', 'prod']) expect(await count(page, `article[data-env="${env}"] .strip a`)).to.equal(20);
  expect(await page.locator('article[data-env="test"]').innerText()).to.match(/Flaky\s+1 test/);
  await expectLinksWork(page, await siteLinks(page));
  if (shots) await page.screenshot({ path: path.join(ARTIFACTS, 'home.png'), fullPage: true });
}

async function checkTestEnvironment(page: Page, site: Site, shots: boolean): Promise<void> {
  const runs = of(site.runs, 'test');
  expect(await page.locator('#current-version b').innerText()).to.equal('8');
  expect(await page.locator('#last-deploy').innerText()).to.include('Chen Wei');
  const days = page.locator('svg[aria-label="Runs per day"] g.day');
  expect(await days.count()).to.equal(30);
  const perDay = await days.evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('data-runs'))));
  expect(perDay.reduce((a, b) => a + b, 0)).to.equal(runs.length);
  expect(await count(page, 'svg[aria-label="Test pass rate"] circle.point')).to.equal(runs.length);
  expect(await count(page, 'svg[aria-label="Tests"] circle.point')).to.equal(runs.length);
  const deploys = runs.filter((r) => r.command === 'deploy');
  const duration = 'svg[aria-label="Deploy and migration duration"]';
  expect(await count(page, `${duration} g.series[data-name="deploy"] circle.point`)).to.equal(deploys.length);
  const withMigrations = deploys.filter((r) => (r.report?.migrations.length ?? 0) > 0);
  expect(await count(page, `${duration} g.series[data-name="migrations"] circle.point`)).to.equal(withMigrations.length);
  expect(await page.locator('#flaky').innerText()).to.include('daily revenue is complete');
  expect(await count(page, '#flaky .strip a')).to.equal(runs.length);

  // Filters and paging work on the rows the page carries.
  expect(await page.locator('#showing').innerText()).to.equal(`runs 1–${runs.length} of ${runs.length}`);
  await page.selectOption('#f-status', 'failed');
  expect(await visibleRows(page)).to.equal(runs.filter((r) => r.status === 'failed').length);
  await page.selectOption('#f-status', '');
  await page.selectOption('#f-command', 'deploy');
  expect(await visibleRows(page)).to.equal(deploys.length);
  await page.selectOption('#f-command', '');
  await page.fill('#f-text', (runs[3]?.report?.build.commit as string).slice(0, 8));
  expect(await visibleRows(page)).to.equal(1);
  await page.fill('#f-text', '');
  await expectLinksWork(page, await siteLinks(page));
  if (shots) await page.screenshot({ path: path.join(ARTIFACTS, 'environment.png'), fullPage: true });
}

async function checkReports(page: Page, site: Site, shots: boolean, go: (url: string) => Promise<void>): Promise<void> {
  const dev = newest(site.runs, 'dev');
  await go(`${site.base}dev/${dev.runId}/report.html`);
  const failure = page.locator(`details.case[id="${NEW_FAILURE}"]`);
  expect(await failure.locator('.marker.new').innerText()).to.equal('new failure');
  expect(await failure.locator('.strip a').count()).to.equal(of(site.runs, 'dev').length);
  expect(await page.locator('.changes').innerText()).to.match(/Now failing \(1\)\s+customers have regions/);
  expect(await page.locator('p.meta').first().innerText()).to.include('on embedded: .rsrun/dev');
  const links = await siteLinks(page);
  for (const f of ['run.log', 'junit.xml', 'report.json']) expect(links).to.include(`${site.base}dev/${dev.runId}/${f}`);
  expect(links).to.include.members([`${site.base}dev/index.html`, `${site.base}index.html`]);
  await expectLinksWork(page, links);
  if (shots) await page.screenshot({ path: path.join(ARTIFACTS, 'report.png'), fullPage: true });

  const flakyRun = of(site.runs, 'test')
    .filter((r) => r.failing.includes(FLAKY))
    .pop() as SyntheticRun;
  await go(`${site.base}test/${flakyRun.runId}/report.html`);
  expect(await page.locator(`details.case[id="${FLAKY}"] .marker`).innerText()).to.equal('flaky');

  const prod = newest(site.runs, 'prod');
  await go(`${site.base}prod/${prod.runId}/report.html`);
  expect(await page.locator(`details.case[id="${RECURRING}"] .marker.recurring`).innerText()).to.equal('failing for 3 runs');

  const undo = of(site.runs, 'prod').find((r) => r.command === 'undo') as SyntheticRun;
  await go(`${site.base}prod/${undo.runId}/report.html`);
  expect(await page.locator('table .badge.reverted').innerText()).to.equal('REVERTED');
  expect(await page.locator('.cards').innerText()).to.match(/1\s+migrations reverted/);
  expect(await page.locator('.changes').innerText()).to.include('version 8 → 7');
  await expectLinksWork(page, await siteLinks(page));
}

async function checkSite(browser: Browser, site: Site, shots: boolean): Promise<void> {
  const { page, requests, errors } = await sitePage(browser);
  const go = (url: string) => open(page, url, requests, errors, site.base);
  try {
    await go(`${site.base}index.html`);
    await checkHome(page, site, shots);
    await page.locator('article[data-env="test"] header a').click();
    expect(page.url()).to.equal(`${site.base}test/index.html`);
    await checkTestEnvironment(page, site, shots);
    await go(`${site.base}prod/index.html`);
    expect(await page.locator('#current-version b').innerText()).to.equal('7');
    expect(await page.locator('#failing-now b').innerText()).to.equal('1');
    expect(await page.locator('#failing').innerText()).to.match(/no duplicate order ids\s+failing for 3 runs/);
    await checkReports(page, site, shots, go);
  } finally {
    await page.close();
  }
}

describe('report site (60 runs, 3 environments) in Chromium', function () {
  this.timeout(600_000);
  let browser: Browser;
  let dir: string;
  let s3: LocalS3 | undefined;
  let proxy: ConditionalS3Proxy | undefined;
  let s3Store: S3Store | undefined;
  let restoreEnv: (() => void) | undefined;
  let fileSite: Site;
  let httpSite: Site;

  before(async function () {
    await requireChromium(this);
    await requireAwsCli(this);
    restoreEnv = useS3Credentials();
    dir = await mkdtemp(path.join(tmpdir(), 'rsrun-site-'));
    await mkdir(ARTIFACTS, { recursive: true });
    const local = new LocalStore(path.join(dir, 'store'));
    fileSite = { base: pathToFileURL(path.join(dir, 'store')).href + '/', runs: await buildSite(local) };
    s3 = await LocalS3.start();
    proxy = await ConditionalS3Proxy.start(s3.port);
    s3Store = await openS3Store(proxy.endpoint, PREFIX);
    httpSite = { base: `${s3.endpoint}/${BUCKET}/${PREFIX}/`, runs: await buildSite(s3Store) };
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    s3Store?.close();
    await proxy?.close();
    await s3?.destroy();
    restoreEnv?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('from the local store, opened as file://: state, promotion, charts, markers, filters and links', async () => {
    await checkSite(browser, fileSite, true);
  });

  it('from S3 over HTTP (s3rver): the same pages, links and charts; index writes went through If-Match', async () => {
    // index.json and site.json for every run, tests.json for each run with tests: all conditional.
    const withTests = httpSite.runs.filter((r) => (r.report?.tests.length ?? 0) > 0).length;
    expect(proxy?.conditional).to.be.at.least(2 * httpSite.runs.length + withTests);
    await checkSite(browser, httpSite, false);
    const head = JSON.parse(await (s3 as LocalS3).aws('s3api', 'head-object', '--bucket', BUCKET, '--key', `${PREFIX}/test/index.html`));
    expect(head.ContentType).to.equal('text/html; charset=utf-8');
  });

  describe('paging through thousands of runs', () => {
    const settings = { ...DEFAULT_SITE_SETTINGS, pageSize: 5 };
    const paging = (i: number): SyntheticRun => {
      const started = new Date(Date.parse('2026-10-01T06:00:00Z') + i * 3_600_000);
      const runId = `${started
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z')}-${(0xa00000 + i).toString(16)}`;
      const status: 'failed' | 'passed' = i % 7 === 3 ? 'failed' : 'passed';
      const summary = {
        migrationsApplied: 0,
        migrationsFailed: 0,
        total: 1,
        passed: status === 'passed' ? 1 : 0,
        failed: status === 'failed' ? 1 : 0,
        errors: 0,
        skipped: 0,
      };
      const test: TestOutcome = { id: 's::t', suite: 's', name: 't', file: 's', tags: [], status, durationMs: 5, sql: 'SELECT 1' };
      const base = {
        environment: 'paging',
        runId,
        command: 'test' as const,
        startedAt: started.toISOString(),
        status,
        version: 0,
        failing: [],
      };
      return {
        ...base,
        report: {
          schemaVersion: 1,
          runId,
          command: 'test',
          project: 'warehouse',
          environment: 'paging',
          target: '',
          status,
          exitCode: 0,
          startedAt: base.startedAt,
          finishedAt: base.startedAt,
          durationMs: 10,
          build: {},
          migrations: [],
          tests: [test],
          lint: [],
          summary,
        },
      };
    };
    const runs = Array.from({ length: 37 }, (_, i) => paging(i));

    async function loadAllPages(page: Page): Promise<void> {
      expect(await visibleRows(page)).to.be.at.most(10);
      for (let i = 0; i < 10 && (await page.locator('#load-older').isVisible()); i++) {
        const before = await page.locator('#runs tbody tr').count();
        await page.locator('#load-older').click();
        await page.locator(`#runs tbody tr >> nth=${before}`).waitFor({ state: 'attached' });
      }
      expect(await page.locator('#older-text').innerText()).to.equal('All runs loaded.');
      expect(await page.locator('#runs tbody tr').count()).to.equal(runs.length);
      expect(await page.locator('#showing').innerText()).to.equal(`runs 1–25 of ${runs.length}`);
      await page.locator('#next').click();
      expect(await page.locator('#showing').innerText()).to.equal(`runs 26–${runs.length} of ${runs.length}`);
      expect(await page.locator('#runs tbody tr:not([hidden]) a').last().innerText()).to.equal(runs[0]?.runId);
      await page.selectOption('#f-status', 'failed');
      expect(await visibleRows(page)).to.equal(runs.filter((r) => r.status === 'failed').length);
    }

    for (const where of ['file', 'http'] as const) {
      it(`loads older pages on demand (${where === 'file' ? 'file://' : 'HTTP'}); the index holds at most two pages' worth`, async () => {
        const store: RunStore = where === 'file' ? new LocalStore(path.join(dir, 'store')) : (s3Store as S3Store);
        for (const run of runs) await shipSynthetic(store, run, settings);
        const base = where === 'file' ? fileSite.base : httpSite.base;
        const index = JSON.parse(((await store.get('paging/index.json'))?.body as Buffer).toString('utf8'));
        expect(index.total).to.equal(runs.length);
        expect(index.runs.length).to.be.within(5, 10);
        expect(index.pages.reduce((a: number, p: { count: number }) => a + p.count, 0) + index.runs.length).to.equal(runs.length);
        const { page, requests, errors } = await sitePage(browser);
        try {
          await open(page, `${base}paging/index.html`, requests, errors, base);
          await loadAllPages(page);
          expect(errors).to.deep.equal([]);
          expect(requests.filter((r) => !r.startsWith(base))).to.deep.equal([]);
        } finally {
          await page.close();
        }
      });
    }
  });
});
