/**
 * Scenario 2 — parallel tests. 400 SQL tests that each spend 20 ms on the server, run by
 * `rsrun test` with concurrency 8 against the PostgreSQL server: parallel efficiency = ideal time
 * (400 × 20 ms / 8) / measured time. Then the same suite in 4 shards: the union of the shards'
 * results must equal the single run's, test for test (a few tests fail on purpose, so statuses
 * are compared, not only counts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { rsrunHasCommand, runRsrun, type BenchContext, type Scenario } from '../lib/context';
import { writeRsrunProject } from '../lib/generate-project';
import { LatencyProxy } from '../lib/latency-proxy';
import { createDatabase, dropDatabase } from '../lib/postgres';
import { errorLine } from '../lib/process';
import { newestReport, testPhaseMs } from '../lib/rsrun-report';
import { fmtMs, unavailable, verdict, type ResultRow } from '../lib/results';

const SCENARIO = '2 parallel tests';
const SLEEP_MS = 20;
const CONCURRENCY = 8;
const SHARDS = 4;
/** Every FAIL_EVERY-th test returns an offending row. */
const FAIL_EVERY = 50;

/**
 * Data tests: a query passes when it returns no rows. `pg_sleep` is volatile, so the server
 * evaluates it for the subquery's row before the filter runs.
 */
export async function writeSleepTests(testsDir: string, count: number): Promise<void> {
  for (let i = 1; i <= count; i++) {
    const failing = i % FAIL_EVERY === 0;
    const sql = `SELECT ${i} AS test_no FROM (SELECT pg_sleep(${SLEEP_MS / 1000})::text AS slept) AS s WHERE s.slept IS ${failing ? 'NOT NULL' : 'NULL'};\n`;
    await writeFile(path.join(testsDir, `sleep_${String(i).padStart(4, '0')}.sql`), sql);
  }
}

export const parallelTestsScenario: Scenario = {
  name: 'parallel-tests',
  async run(ctx) {
    const count = ctx.quick ? 96 : 400;
    const figure = `rsrun test: ${count} tests × ${SLEEP_MS} ms, concurrency ${CONCURRENCY}`;
    if (!rsrunHasCommand('test')) {
      return [
        unavailable(SCENARIO, figure, 'efficiency ≥ 0.9', 'rsrun has no test command in dist/ yet'),
        unavailable(SCENARIO, `${SHARDS} shards vs one run`, 'same results', 'rsrun has no test command in dist/ yet'),
      ];
    }
    const database = await createDatabase('tests');
    try {
      const dir = path.join(ctx.workDir, 'parallel-tests');
      await writeRsrunProject(
        dir,
        { migrations: [], tables: [], rowsByTable: {}, statementCount: 0 },
        { host: ctx.server.host, port: ctx.server.port, database, user: ctx.server.user },
      );
      await writeFile(
        path.join(dir, 'rsrun.ini'),
        `${await readFile(path.join(dir, 'rsrun.ini'), 'utf8')}\n[tests]\nconcurrency = ${CONCURRENCY}\n`,
      );
      await writeSleepTests(path.join(dir, 'tests'), count);
      const env = { ...process.env, RSRUN_BENCH_PASSWORD: ctx.server.password };
      const reportsDir = path.join(dir, 'reports');
      const run = async (extra: string[], port?: number) => {
        const before = Date.now();
        const via = port === undefined ? [] : ['--port', String(port)];
        const r = await runRsrun(['--project-dir', dir, '--env', 'bench', '--log-level', 'warn', ...via, 'test', ...extra], {
          env,
          timeoutMs: 10 * 60_000,
        });
        if (r.exitCode !== 0 && r.exitCode !== 1)
          throw new Error(`rsrun test ${extra.join(' ')} exited ${r.exitCode}: ${errorLine(r.stderr)}`);
        const report = await newestReport(reportsDir, before - 1000);
        // Some tests fail on purpose: exit 1 when the run (or shard) holds one of them, else 0.
        const expectedExit = report.tests.some((t) => t.status !== 'passed') ? 1 : 0;
        if (r.exitCode !== expectedExit)
          throw new Error(
            `rsrun test ${extra.join(' ')} exited ${r.exitCode}, but its report says ${expectedExit}: ${errorLine(r.stderr)}`,
          );
        return { wallMs: r.wallMs, report };
      };
      ctx.log(`parallel-tests: ${figure}`);
      const full = await run([]);
      const ideal = (count * SLEEP_MS) / CONCURRENCY;
      // The verdict rests on the whole run (report.json's duration: discovery, connecting, the
      // tests, the reports); the test phase alone and the process wall time are shown beside it.
      const efficiency = ideal / full.report.durationMs;
      const phaseMs = testPhaseMs(full.report.runLog);
      const meanTestMs = full.report.tests.reduce((a, t) => a + t.durationMs, 0) / Math.max(1, full.report.tests.length);
      const rows: ResultRow[] = [
        {
          scenario: SCENARIO,
          figure,
          value: `efficiency ${efficiency.toFixed(2)}: run ${fmtMs(full.report.durationMs)} vs ideal ${fmtMs(ideal)}; mean test ${meanTestMs.toFixed(1)} ms`,
          target: 'efficiency ≥ 0.9',
          verdict: verdict(efficiency >= 0.9 && full.report.tests.length === count),
          ratio: `test phase ${phaseMs === undefined ? '—' : `${fmtMs(phaseMs)}: ${(ideal / phaseMs).toFixed(2)}`}; process ${fmtMs(full.wallMs)}: ${(ideal / full.wallMs).toFixed(2)}`,
          data: {
            ideal,
            runMs: full.report.durationMs,
            testPhaseMs: phaseMs,
            wallMs: full.wallMs,
            efficiency,
            meanTestMs,
            tests: full.report.tests.length,
          },
        },
      ];
      // The shards (a correctness check, not timed) go through a counting proxy without delay,
      // which shows what one test costs in round trips (connections and the run's own queries included).
      const proxy = new LatencyProxy({ targetHost: ctx.server.host, targetPort: ctx.server.port, delayMs: 0 });
      await proxy.start();
      const union = new Map<string, string>();
      let overlaps = 0;
      try {
        for (let i = 1; i <= SHARDS; i++) {
          const shard = await run(['--shard', `${i}/${SHARDS}`], proxy.port);
          for (const t of shard.report.tests) {
            if (union.has(t.id)) overlaps++;
            union.set(t.id, t.status);
          }
        }
      } finally {
        await proxy.stop();
      }
      const link = proxy.snapshot();
      const expected = new Map(full.report.tests.map((t) => [t.id, t.status] as const));
      const differing =
        [...expected].filter(([id, status]) => union.get(id) !== status).length +
        [...union.keys()].filter((id) => !expected.has(id)).length;
      const failed = [...expected.values()].filter((s) => s !== 'passed').length;
      rows.push({
        scenario: SCENARIO,
        figure: `${SHARDS} shards vs one run (${count} tests, ${failed} failing on purpose)`,
        value: `${union.size} tests in union, ${overlaps} overlaps, ${differing} differing results`,
        target: 'same results, no overlap',
        verdict: verdict(union.size === expected.size && overlaps === 0 && differing === 0 && failed === Math.floor(count / FAIL_EVERY)),
        ratio: `${(link.queries / Math.max(1, union.size)).toFixed(2)} round trips per test (${link.queries} for ${union.size} tests, ${link.connections} connections)`,
        data: { union: union.size, overlaps, differing, failed, link },
      });
      return rows;
    } finally {
      await dropDatabase(database).catch(() => undefined);
    }
  },
};
