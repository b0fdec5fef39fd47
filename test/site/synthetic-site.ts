/**
 * A report site built from synthetic runs: three environments (dev, test, prod), 20 runs each over
 * 20 days, with passes, failures, a flaky test on test, a new failure on dev, a test failing for
 * several runs on prod, a failed migration and an undo on prod. Runs go through the real
 * `publishRun`, in the order they finish, into any RunStore.
 */
import { createHash } from 'node:crypto';
import type { MigrationOutcome, TestOutcome, TestStatus } from '../../runner/events';
import type { HistoryRow } from '../../runner/ledger/schema-history';
import { renderHtml } from '../../runner/reports/html';
import { renderJunit } from '../../runner/reports/junit';
import { DEFAULT_SITE_SETTINGS, type SiteSettings } from '../../runner/reports/site/model';
import { summarize, type RunReport } from '../../runner/run/run-report';
import { publishRun, type PublishedRun } from '../../runner/shipping/run-index';
import { joinKey, type RunStore } from '../../runner/shipping/store';

export const PROJECT = 'warehouse';
export const START = Date.parse('2026-11-02T08:00:00Z');
export const REPOSITORY_URL = 'https://git.example.com/acme/warehouse';

export interface SyntheticRun {
  environment: string;
  runId: string;
  command: 'deploy' | 'test' | 'undo';
  startedAt: string;
  status: RunReport['status'];
  /** Version after the run. */
  version: number;
  failing: string[];
  report?: RunReport;
}

/** The suite every run executes: suite file → test names. */
export const TESTS: Record<string, string[]> = {
  'tests/orders.sql': ['orders have customers', 'order totals are positive', 'no duplicate order ids'],
  'tests/revenue.sql': ['revenue matches the ledger', 'daily revenue is complete'],
  'tests/customers.sql': ['emails are unique', 'customers have regions'],
};
export const FLAKY = 'tests/revenue.sql::daily revenue is complete';
export const NEW_FAILURE = 'tests/customers.sql::customers have regions';
export const RECURRING = 'tests/orders.sql::no duplicate order ids';

const hex = (s: string, n = 40) => createHash('sha1').update(s).digest('hex').slice(0, n);
const AUTHORS = ['Ana Lima', 'Ben Okafor', 'Chen Wei', 'Dara Novak'];

function migration(version: number, kind: 'versioned' | 'undo'): MigrationOutcome['migration'] {
  const description =
    [
      'create customers',
      'create orders',
      'add order totals',
      'create revenue view',
      'add regions',
      'backfill regions',
      'add daily revenue',
      'add order status',
      'add refunds',
    ][version - 1] ?? `change ${version}`;
  const prefix = kind === 'undo' ? 'U' : 'V';
  return {
    version: String(version),
    description,
    kind,
    script: `${prefix}${version}__${description.replace(/ /g, '_')}.sql`,
    checksum: hex(`m${version}${kind}`, 16),
    transactional: true,
    statementCount: 2,
  };
}

function history(version: number): HistoryRow[] {
  return Array.from({ length: version }, (_, i) => ({
    installedRank: i + 1,
    version: String(i + 1),
    description: migration(i + 1, 'versioned').description,
    type: 'versioned' as const,
    script: migration(i + 1, 'versioned').script,
    checksum: migration(i + 1, 'versioned').checksum,
    installedBy: 'jenkins',
    installedOn: new Date(START).toISOString(),
    executionMs: 100 + i * 10,
    success: true,
    statementsDone: null,
    runId: null,
  }));
}

function tests(failing: string[], seed: number): TestOutcome[] {
  return Object.entries(TESTS).flatMap(([suite, names]) =>
    names.map((name, i) => {
      const id = `${suite}::${name}`;
      const status: TestStatus = failing.includes(id) ? (id === RECURRING ? 'error' : 'failed') : 'passed';
      const t: TestOutcome = {
        id,
        suite,
        name,
        file: suite,
        line: 3 + i * 6,
        tags: [],
        status,
        durationMs: 20 + ((seed * 7 + i * 13) % 60),
        sql: `SELECT * FROM check_${name.replace(/ /g, '_')};`,
      };
      if (status === 'failed')
        Object.assign(t, {
          message: 'expected no rows, got 2 rows',
          expected: { columns: ['id'], rows: [] },
          actual: { columns: ['id'], rows: [['41'], ['97']] },
        });
      if (status === 'error') Object.assign(t, { message: 'ERROR: duplicate key value violates unique constraint (SQLSTATE 23505)' });
      return t;
    }),
  );
}

/** The 60 runs: each environment's script of commands, versions and failing tests. */
export function syntheticRuns(): SyntheticRun[] {
  const runs: SyntheticRun[] = [];
  const envs: {
    name: string;
    offsetH: number;
    plan: (i: number) => { command: SyntheticRun['command']; version: number; failing: string[]; failMigration?: boolean };
  }[] = [
    {
      name: 'dev',
      offsetH: 0,
      plan: (i) => ({
        command: i % 2 === 0 ? 'deploy' : 'test',
        version: Math.min(9, 1 + Math.floor(i / 2)),
        failing: i === 19 ? [NEW_FAILURE] : [],
      }),
    },
    {
      name: 'test',
      offsetH: 2,
      // Test runs between deploys flip the flaky test with no SQL or migration change.
      plan: (i) => ({
        command: i % 3 === 0 ? 'deploy' : 'test',
        version: Math.min(8, 1 + Math.floor(i / 2.5)),
        failing: [5, 8, 10, 14, 17].includes(i) ? [FLAKY] : [],
      }),
    },
    {
      name: 'prod',
      offsetH: 4,
      plan: (i) => {
        if (i === 16) return { command: 'undo', version: 7, failing: [] };
        const version = i >= 16 ? 7 : Math.min(8, 1 + Math.floor(i / 2));
        return {
          command: i % 2 === 0 ? 'deploy' : 'test',
          version,
          failing: i >= 17 ? [RECURRING] : [],
          ...(i === 10 ? { failMigration: true } : {}),
        };
      },
    },
  ];
  for (const env of envs) {
    let before = 0;
    for (let i = 0; i < 20; i++) {
      const p = env.plan(i);
      const started = new Date(START + i * 86_400_000 + env.offsetH * 3_600_000 + (i % 3) * 1_260_000);
      const runId = `${started
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z')}-${hex(`${env.name}${i}`, 6)}`;
      const migrations: MigrationOutcome[] = [];
      if (p.command === 'undo')
        for (let v = before; v > p.version; v--) migrations.push({ migration: migration(v, 'undo'), status: 'applied', durationMs: 300 });
      if (p.command === 'deploy')
        for (let v = before + 1; v <= p.version; v++)
          migrations.push({ migration: migration(v, 'versioned'), status: 'applied', durationMs: 800 + v * 150 + (i % 4) * 90 });
      let version = p.command === 'test' ? before : p.version;
      if (p.failMigration) {
        migrations.push({
          migration: migration(before + 1, 'versioned'),
          status: 'failed',
          durationMs: 420,
          error: { message: 'ERROR: column "region" does not exist', statementIndex: 1, line: 4 },
        });
        version = before;
      }
      const ranTests = p.command !== 'undo' && !p.failMigration ? tests(p.failing, i) : [];
      const status: RunReport['status'] = p.failMigration ? 'error' : ranTests.some((t) => t.status !== 'passed') ? 'failed' : 'passed';
      const durationMs = 2_000 + migrations.reduce((a, m) => a + m.durationMs, 0) + ranTests.reduce((a, t) => a + t.durationMs, 0);
      const report: RunReport = {
        schemaVersion: 1,
        runId,
        command: p.command,
        project: PROJECT,
        environment: env.name,
        target: env.name === 'dev' ? 'embedded: .rsrun/dev' : `redshift://deployer@${env.name}.cluster.example.com:5439/analytics`,
        status,
        exitCode: status === 'passed' ? 0 : status === 'failed' ? 1 : 3,
        startedAt: started.toISOString(),
        finishedAt: new Date(started.getTime() + durationMs).toISOString(),
        durationMs,
        build: {
          commit: hex(`${env.name}${i}commit`),
          number: String(100 + i),
          branch: i % 5 === 4 ? 'feature/refunds' : 'main',
          author: AUTHORS[i % AUTHORS.length],
        } as RunReport['build'],
        migrations,
        tests: ranTests,
        lint: [],
        summary: summarize(migrations, ranTests),
      };
      runs.push({
        environment: env.name,
        runId,
        command: p.command,
        startedAt: report.startedAt,
        status,
        version,
        failing: p.failing,
        report,
      });
      before = version;
    }
  }
  return runs.sort((a, b) => (a.report?.finishedAt ?? a.startedAt).localeCompare(b.report?.finishedAt ?? b.startedAt));
}

/** Uploads a run's files the way `shipRun` does, then publishes it. */
export async function shipSynthetic(store: RunStore, run: SyntheticRun, settings: SiteSettings): Promise<void> {
  const report = run.report as RunReport;
  const files: Record<string, string> = {
    'report.json': JSON.stringify(report, null, 2),
    'junit.xml': renderJunit(report, 'ci'),
    'run.log': `{"level":"info","message":"${report.command} on ${report.environment}"}\n`,
  };
  if (run.command === 'deploy') {
    files['history.json'] = JSON.stringify(history(run.version), null, 2);
    for (const m of report.migrations) files[`sql/${m.migration.script}`] = `-- ${m.migration.description}\nSELECT 1;\n`;
  }
  files['report.html'] = renderHtml(report, { files: Object.keys(files) });
  for (const [name, body] of Object.entries(files))
    await store.put(joinKey(run.environment, run.runId, name), Buffer.from(body), 'text/plain');
  const published: PublishedRun = {
    runId: run.runId,
    environment: run.environment,
    project: PROJECT,
    command: run.command,
    startedAt: run.startedAt,
  };
  await publishRun(store, published, Object.keys(files).sort(), settings);
}

export async function buildSite(store: RunStore, settings: Partial<SiteSettings> = {}): Promise<SyntheticRun[]> {
  const runs = syntheticRuns();
  const full: SiteSettings = {
    ...DEFAULT_SITE_SETTINGS,
    repositoryUrl: REPOSITORY_URL,
    environments: ['dev', 'test', 'prod'],
    ...settings,
  };
  for (const run of runs) await shipSynthetic(store, run, full);
  return runs;
}
