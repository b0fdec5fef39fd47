import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { MigrationRef } from '../../runner/events';
import { silentLogger } from '../../runner/logging/logger';
import { attachReportWriters } from '../../runner/reports';
import { renderJunit } from '../../runner/reports/junit';
import { RunContext } from '../../runner/run/run-context';
import type { RunReport } from '../../runner/run/run-report';
import { runTests } from '../../runner/testing';
import { describeEachEngine } from '../support/engines';
import { requireService } from '../support/services';
import { formatsProject, SCHEMA } from '../testing/formats-project';
import { configFor } from '../testing/project';

const XSD = path.join(__dirname, '..', 'fixtures', 'junit-10.xsd');
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
const CHROMIUM = '/usr/bin/chromium';

async function validateJunit(xml: string) {
  const { validateXML } = await import('xmllint-wasm');
  return validateXML({ xml: [{ fileName: 'junit.xml', contents: xml }], schema: [{ fileName: 'junit-10.xsd', contents: await readFile(XSD, 'utf8') }] });
}

const migration = (version: string, description: string): MigrationRef => ({
  version, description, kind: 'versioned', script: `V${version}__${description.replace(/ /g, '_')}.sql`, checksum: 'abc', transactional: true, statementCount: 2,
});

describeEachEngine('reports', (db) => {
  let dir: string;
  let runDir: string;
  let report: RunReport;

  before(async () => {
    const c = await db.client();
    await c.query(SCHEMA);
    dir = await formatsProject();
    const config = configFor(dir, db);
    config.build = { commit: '3f2a9c1d0e4b5a6978877665544332211ffeeddc', number: '42', branch: 'main', url: undefined };
    const ctx = await RunContext.start(config, 'deploy');
    ctx.target = 'postgres://rsrun@127.0.0.1/example';
    attachReportWriters(ctx);
    // What the migration engine emits during a deploy.
    ctx.events.emit('migration:finish', { migration: migration('1', 'create customers'), status: 'applied', durationMs: 12 });
    ctx.events.emit('migration:finish', { migration: migration('2', 'create orders'), status: 'applied', durationMs: 30 });
    await runTests({ config, warehouse: db.warehouse(), ctx, logger: silentLogger });
    const finished = await ctx.finish('failed', 1);
    expect(finished.errors).to.deep.equal([]);
    report = finished.report;
    runDir = ctx.runDir;
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('report.json: run id, environment, build, migrations, tests and summary', async () => {
    const json = JSON.parse(await readFile(path.join(runDir, 'report.json'), 'utf8')) as RunReport;
    expect(json.runId).to.equal(path.basename(runDir));
    expect(json.environment).to.equal(db.engine === 'embedded' ? 'local' : 'test');
    expect(json.build).to.deep.equal({ commit: '3f2a9c1d0e4b5a6978877665544332211ffeeddc', number: '42', branch: 'main' });
    expect(json.migrations.map((m) => [m.migration.version, m.status, m.durationMs])).to.deep.equal([['1', 'applied', 12], ['2', 'applied', 30]]);
    expect(json.summary).to.deep.equal({ migrationsApplied: 2, migrationsFailed: 0, total: 24, passed: 18, failed: 5, errors: 0, skipped: 1 });
    const failed = json.tests.find((t) => t.name === 'orphan orders are caught');
    expect(failed).to.include({ status: 'failed', message: 'expected no rows, got 1 row', file: 'tests/orders.sql' });
    expect(failed?.durationMs).to.be.a('number');
    expect(Date.parse(json.finishedAt)).to.be.at.least(Date.parse(json.startedAt));
  });

  it('junit.xml validates against the Jenkins xUnit JUnit schema and carries expected vs actual', async () => {
    const xml = await readFile(path.join(runDir, 'junit.xml'), 'utf8');
    const result = await validateJunit(xml);
    expect(result.errors.map((e) => e.message)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
    expect(xml).to.match(/<testsuites name="rsrun example [a-z]+" tests="24" failures="5" errors="0"/);
    expect(xml).to.include('<testsuite name="tests/orders.sql"');
    expect(xml).to.include('<failure type="AssertionFailure" message="expected &quot;99&quot;, got &quot;36.75&quot;">');
    expect(xml).to.include('<skipped message="waiting for the dialect issue"/>');
    expect(xml).to.include('<system-out>SELECT SUM(amount) FROM orders;</system-out>');
  });

  it('report.html renders in Chromium with the summary first and the failures expanded', async function () {
    await requireService(this, 'Chromium', async () => {
      if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found`);
    }, 'run scripts/setup-test-services.sh (installs Debian chromium)');
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      const file = path.join(runDir, 'report.html');
      await page.goto(`file://${file}`);
      expect(requests).to.deep.equal([`file://${file}`]);
      expect(await page.title()).to.match(/^FAILED · example · /);

      const cards = page.locator('section.cards');
      expect(await cards.innerText()).to.match(/18\s+tests passed[\s\S]*5\s+tests failed[\s\S]*2\s+migrations applied/);
      const cardsBox = await cards.boundingBox();
      const failuresHeading = page.getByRole('heading', { name: 'Failures and errors (5)' });
      expect((await failuresHeading.boundingBox())?.y).to.be.above(cardsBox?.y ?? Infinity);

      const revenue = page.locator('details.case', { hasText: 'revenue is wrong on purpose' });
      expect(await revenue.isVisible()).to.equal(true);
      expect(await revenue.locator('pre.msg').isVisible()).to.equal(true);
      expect(await revenue.locator('pre.msg').innerText()).to.equal('expected "99", got "36.75"');
      expect(await revenue.locator('.compare table').first().innerText()).to.include('99');
      expect(await revenue.locator('.compare table').nth(1).innerText()).to.include('36.75');
      expect(await revenue.locator('pre.sql').isVisible()).to.equal(true);
      const migrations = page.getByRole('heading', { name: 'Migrations in this run (2)' });
      expect(await migrations.isVisible()).to.equal(true);
      expect(await page.locator('table').filter({ hasText: 'create orders' }).isVisible()).to.equal(true);

      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, `report-html-${db.engine}.png`), fullPage: false });
      await page.screenshot({ path: path.join(ARTIFACTS, `report-html-${db.engine}-full.png`), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});

describe('junit.xml escaping', () => {
  it('stays valid with markup, quotes and control characters in names, messages and SQL', async () => {
    const nasty = `<tag attr="x">&amp; 'q' \u0001 ]]> \u0007`;
    const report: RunReport = {
      schemaVersion: 1, runId: 'r1', command: 'test', project: 'p&<>', environment: 'e"', target: '', status: 'failed', exitCode: 1,
      startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z', durationMs: 1000, build: {}, migrations: [], lint: [],
      tests: [{ id: `s::${nasty}`, suite: `s.${nasty}`, name: nasty, file: 'f.sql', tags: [], status: 'error', durationMs: 5, message: nasty, sql: nasty,
        expected: { columns: [nasty], rows: [[nasty]] }, actual: { columns: ['a'], rows: [[null]], truncated: 3 } }],
      summary: { migrationsApplied: 0, migrationsFailed: 0, total: 1, passed: 0, failed: 0, errors: 1, skipped: 0 },
    };
    const result = await validateJunit(renderJunit(report, 'host'));
    expect(result.errors.map((e) => e.message)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
  });
});
