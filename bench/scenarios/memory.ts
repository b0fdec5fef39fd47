/**
 * Scenario 5 — memory. rsrun applying one 50 MB migration file in two shapes (few large multi-row
 * INSERTs; 500,000 one-row INSERTs, where the cost is per statement), and rsrun running a failing
 * test that returns 1,000,000 rows: the child's peak RSS as the kernel counts it (GNU time's
 * maxrss; VmHWM sampled from /proc where /usr/bin/time is missing). The whole command counts,
 * reports and shipping of the run directory included: that is what a CI agent has to hold.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { rsrunHasCommand, runRsrun, type BenchContext, type Scenario } from '../lib/context';
import { writeRsrunProject } from '../lib/generate-project';
import { BENCH_PG_URL, createDatabase, dropDatabase, withClient } from '../lib/postgres';
import { newestReport } from '../lib/rsrun-report';
import { errorLine } from '../lib/process';
import { fmtBytes, fmtMs, unavailable, verdict, type ResultRow } from '../lib/results';

const SCENARIO = '5 memory';
const LIMIT = 256 * 1024 * 1024;

/** One migration of about `bytes`: a table, then multi-row INSERTs of ~64 KB each. */
export async function writeLargeMigration(file: string, bytes: number): Promise<{ rows: number; statements: number }> {
  await mkdir(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  let written = 0;
  let rows = 0;
  let statements = 1;
  const write = async (s: string) => {
    written += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('CREATE TABLE bench_big (id INTEGER NOT NULL, payload VARCHAR(200) NOT NULL);\n');
  while (written < bytes) {
    const values: string[] = [];
    let size = 0;
    while (size < 64 * 1024) {
      rows++;
      const v = `(${rows}, 'payload ${rows} ${'x'.repeat(100)}')`;
      values.push(v);
      size += v.length + 2;
    }
    await write(`INSERT INTO bench_big (id, payload) VALUES ${values.join(',\n')};\n`);
    statements++;
  }
  out.end();
  await once(out, 'finish');
  return { rows, statements };
}

/**
 * The other shape of a large migration: `count` one-row INSERTs (~100 bytes each), so the cost is
 * per statement (splitting, staging, reports), not per byte.
 */
export async function writeOneRowInserts(file: string, count: number): Promise<{ rows: number; statements: number }> {
  await mkdir(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('CREATE TABLE bench_big (id INTEGER NOT NULL, payload VARCHAR(200) NOT NULL);\n');
  let batch: string[] = [];
  for (let i = 1; i <= count; i++) {
    batch.push(`INSERT INTO bench_big (id, payload) VALUES (${i}, 'payload ${i} ${'x'.repeat(40)}');\n`);
    if (batch.length === 1000 || i === count) {
      await write(batch.join(''));
      batch = [];
    }
  }
  out.end();
  await once(out, 'finish');
  return { rows: count, statements: count + 1 };
}

async function measure(
  ctx: BenchContext,
  figure: string,
  command: string,
  prepare: (dir: string, database: string) => Promise<void>,
  args: string[],
  expectExit: number,
  /** Checks what the run left behind; returns problems (empty when right). */
  verify: (dir: string, database: string) => Promise<string[]>,
): Promise<ResultRow> {
  const target = `peak RSS < ${fmtBytes(LIMIT)}`;
  if (!rsrunHasCommand(command)) return unavailable(SCENARIO, figure, target, `rsrun has no ${command} command in dist/ yet`);
  const database = await createDatabase(`mem_${command}`);
  try {
    // One directory per measurement: two shapes of migrate must not share a migrations folder.
    const dir = path.join(ctx.workDir, 'memory', `${command}-${database}`);
    await writeRsrunProject(
      dir,
      { migrations: [], tables: [], rowsByTable: {}, statementCount: 0 },
      { host: ctx.server.host, port: ctx.server.port, database, user: ctx.server.user },
    );
    await prepare(dir, database);
    ctx.log(`memory: ${figure}`);
    const r = await runRsrun(['--project-dir', dir, '--env', 'bench', '--log-level', 'warn', ...args], {
      env: { ...process.env, RSRUN_BENCH_PASSWORD: ctx.server.password },
      sampleRssMs: 20,
      kernelPeakRss: true,
      timeoutMs: 10 * 60_000,
    });
    const value = `${fmtBytes(r.peakRssBytes)} peak RSS, ${fmtMs(r.wallMs)}, exit ${r.exitCode}`;
    if (r.exitCode !== expectExit) {
      return {
        scenario: SCENARIO,
        figure,
        value: `${value} (expected exit ${expectExit}): ${errorLine(r.stderr)}`,
        target,
        verdict: 'FAIL',
        ratio: '',
        data: { ...r, stdout: undefined, stderr: r.stderr.slice(-2000) },
      };
    }
    const problems = await verify(dir, database);
    if (problems.length > 0) {
      return {
        scenario: SCENARIO,
        figure,
        value: `${value}; wrong result: ${problems.join('; ')}`,
        target,
        verdict: 'FAIL',
        ratio: '',
        data: { peakRssBytes: r.peakRssBytes, wallMs: r.wallMs, problems },
      };
    }
    return {
      scenario: SCENARIO,
      figure,
      value: `${value}; verified`,
      target,
      verdict: verdict(r.peakRssBytes > 0 && r.peakRssBytes < LIMIT),
      ratio: `${(r.peakRssBytes / LIMIT).toFixed(2)} of limit`,
      data: { peakRssBytes: r.peakRssBytes, wallMs: r.wallMs },
    };
  } finally {
    await dropDatabase(database).catch(() => undefined);
  }
}

/** `rsrun migrate` of the one file `write` makes, verified by counting the rows it inserts. */
async function measureMigrate(ctx: BenchContext, figure: string, write: (file: string) => Promise<{ rows: number }>): Promise<ResultRow> {
  let expected = 0;
  return measure(
    ctx,
    figure,
    'migrate',
    async (dir) => {
      expected = (await write(path.join(dir, 'migrations', 'V1__big.sql'))).rows;
    },
    ['migrate'],
    0,
    async (_dir, database) => {
      const n = await withClient(
        BENCH_PG_URL,
        async (c) => (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM public.bench_big')).rows[0]!.n,
        database,
      );
      return n === expected ? [] : [`bench_big holds ${n} rows, expected ${expected}`];
    },
  );
}

const inserts = (ctx: BenchContext, count: number, note = '') =>
  measureMigrate(ctx, `rsrun migrate: ${count.toLocaleString('en-US')} one-row INSERTs in one file${note}`, (file) =>
    writeOneRowInserts(file, count),
  );

export const memoryScenario: Scenario = {
  name: 'memory',
  async run(ctx) {
    const mb = ctx.quick ? 10 : 50;
    const rowsWanted = ctx.quick ? 200_000 : 1_000_000;
    const rows: ResultRow[] = [];
    rows.push(
      await measureMigrate(ctx, `rsrun migrate: one ${mb} MB migration file`, (file) => writeLargeMigration(file, mb * 1024 * 1024)),
    );
    rows.push(await inserts(ctx, ctx.quick ? 100_000 : 500_000));
    // The issue's own case (issue 14 defect 13): ~200 MB, about 2.5 min on PostgreSQL on the 2-core machine.
    if (!ctx.quick) rows.push(await inserts(ctx, 2_100_000, ' (~200 MB)'));
    rows.push(
      await measure(
        ctx,
        `rsrun test: failing test returning ${rowsWanted.toLocaleString('en-US')} rows`,
        'test',
        async (dir) => {
          // A data test passes when its query returns no rows; this one returns every row it makes.
          await writeFile(
            path.join(dir, 'tests', 'big_result.sql'),
            `SELECT g AS id, 'offending row ' || g AS reason FROM generate_series(1, ${rowsWanted}) AS g;\n`,
          );
        },
        ['test'],
        1,
        async (dir) => {
          const report = await newestReport(path.join(dir, 'reports'), 0);
          const t = report.tests[0];
          return t?.status === 'failed' ? [] : [`the test is reported ${t?.status ?? 'missing'}, expected failed`];
        },
      ),
    );
    return rows;
  },
};
