/**
 * Scenario 3 — cold start. `rsrun --version` and `rsrun plan` on a project of 1,000 migrations,
 * against `node -e 0` on the same machine in the same run. hyperfine (Debian) when present, else
 * interleaved spawns and medians.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RSRUN_BIN, rsrunHasCommand, type BenchContext, type Scenario } from '../lib/context';
import { generateMigrations, writeRsrunProject } from '../lib/generate-project';
import { createDatabase, dropDatabase } from '../lib/postgres';
import { hasCommand, median, runChecked, runProcess } from '../lib/process';
import { fmtMs, fmtRatio, unavailable, verdict, type ResultRow } from '../lib/results';

const SCENARIO = '3 cold start';

interface Timed {
  name: string;
  medianMs: number;
  runs: number;
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** hyperfine: each command with warmups; medians from its JSON export. */
async function withHyperfine(
  ctx: BenchContext,
  commands: { name: string; argv: string[] }[],
  env: NodeJS.ProcessEnv,
  runs: number,
): Promise<Timed[]> {
  const out = path.join(ctx.workDir, 'hyperfine.json');
  const args = ['--warmup', '3', '--runs', String(runs), '--style', 'none', '-N', '--export-json', out];
  for (const c of commands) args.push('--command-name', c.name, c.argv.map(shellQuote).join(' '));
  await runChecked('hyperfine', args, { env, timeoutMs: 10 * 60_000 });
  const json = JSON.parse(await readFile(out, 'utf8')) as { results: { command: string; median: number; times: number[] }[] };
  return json.results.map((r) => ({ name: r.command, medianMs: r.median * 1000, runs: r.times.length }));
}

/** Fallback: rounds of one spawn per command, interleaved so machine noise hits all alike. */
async function withSpawns(commands: { name: string; argv: string[] }[], env: NodeJS.ProcessEnv, runs: number): Promise<Timed[]> {
  const times = commands.map(() => [] as number[]);
  for (let round = 0; round < runs + 2; round++) {
    for (const [i, c] of commands.entries()) {
      const r = await runProcess(c.argv[0]!, c.argv.slice(1), { env, timeoutMs: 60_000 });
      if (r.exitCode !== 0) throw new Error(`${r.command} exited ${r.exitCode}: ${r.stderr.slice(-500)}`);
      if (round >= 2) times[i]!.push(r.wallMs);
    }
  }
  return commands.map((c, i) => ({ name: c.name, medianMs: median(times[i]!), runs: times[i]!.length }));
}

const NO_CACHE = ', no code cache';

export const coldStartScenario: Scenario = {
  name: 'cold-start',
  async run(ctx) {
    const runs = ctx.quick ? 5 : 20;
    const node = process.execPath;
    const commands = [
      { name: 'node -e 0', argv: [node, '-e', '0'] },
      { name: 'rsrun --version', argv: [node, RSRUN_BIN, '--version'] },
    ];
    const rows: ResultRow[] = [];
    let database: string | undefined;
    const env = { ...process.env, RSRUN_BENCH_PASSWORD: ctx.server.password };
    const canPlan = rsrunHasCommand('plan');
    const version = await runProcess(node, [RSRUN_BIN, '--version'], { timeoutMs: 30_000 });
    if (version.exitCode !== 0) {
      const why = `bin/rsrun.js --version exited ${version.exitCode} (is dist/ built? npm run build)`;
      return [
        unavailable(SCENARIO, 'rsrun --version', '≤ 2× node -e 0', why),
        unavailable(SCENARIO, 'rsrun plan, 1,000 migrations', '≤ 3× node -e 0', why),
      ];
    }
    try {
      if (canPlan) {
        database = await createDatabase('coldstart');
        const dir = path.join(ctx.workDir, 'cold-start');
        const set = generateMigrations({ count: 1000, minStatements: 2, maxStatements: 4 });
        await writeRsrunProject(dir, set, { host: ctx.server.host, port: ctx.server.port, database, user: ctx.server.user });
        const probe = await runProcess(node, [RSRUN_BIN, '--project-dir', dir, '--env', 'bench', 'plan'], { env, timeoutMs: 60_000 });
        if (probe.exitCode !== 0) {
          rows.push({
            scenario: SCENARIO,
            figure: 'rsrun plan, 1,000 migrations',
            value: `error: exit ${probe.exitCode}: ${probe.stderr.trim().split('\n').slice(-2).join(' | ')}`,
            target: '≤ 3× node -e 0',
            verdict: 'FAIL',
            ratio: '',
          });
        } else {
          commands.push({
            name: 'rsrun plan (1,000 migrations)',
            argv: [node, RSRUN_BIN, '--project-dir', dir, '--env', 'bench', '--log-level', 'warn', 'plan'],
          });
        }
      } else {
        rows.push(unavailable(SCENARIO, 'rsrun plan, 1,000 migrations', '≤ 3× node -e 0', 'rsrun has no plan command in dist/ yet'));
      }
      // Side by side: the same commands with bin/rsrun.js's V8 code cache off (Node's own switch).
      for (const c of commands.slice(1)) {
        commands.push({ name: `${c.name}${NO_CACHE}`, argv: ['/usr/bin/env', 'NODE_DISABLE_COMPILE_CACHE=1', ...c.argv] });
      }
      const tool = (await hasCommand('hyperfine')) ? 'hyperfine' : 'spawn medians';
      ctx.log(`cold-start: ${commands.length} commands × ${runs} runs (${tool})`);
      const timed = tool === 'hyperfine' ? await withHyperfine(ctx, commands, env, runs) : await withSpawns(commands, env, runs);
      const base = timed[0]!;
      rows.push({
        scenario: SCENARIO,
        figure: 'node -e 0',
        value: `${fmtMs(base.medianMs)} median of ${base.runs} (${tool})`,
        target: 'reference',
        verdict: 'pass',
        ratio: '',
        data: { ...base },
      });
      const limits: Record<string, number> = { 'rsrun --version': 2, 'rsrun plan (1,000 migrations)': 3 };
      for (const t of timed.slice(1)) {
        if (t.name.endsWith(NO_CACHE)) continue;
        const ratio = t.medianMs / base.medianMs;
        const limit = limits[t.name]!;
        const uncached = timed.find((u) => u.name === `${t.name}${NO_CACHE}`);
        rows.push({
          scenario: SCENARIO,
          figure: t.name,
          value: `${fmtMs(t.medianMs)} median of ${t.runs}`,
          target: `≤ ${limit}× node -e 0`,
          verdict: verdict(ratio <= limit),
          ratio: `${fmtRatio(ratio)} node -e 0${uncached ? ` (${fmtRatio(uncached.medianMs / base.medianMs)} without the code cache)` : ''}`,
          data: { ...t, ratio },
        });
      }
    } finally {
      if (database) await dropDatabase(database).catch(() => undefined);
    }
    return rows;
  },
};
