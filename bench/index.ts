/**
 * `npm run bench` — builds rsrun, installs the peers it is compared with, runs every scenario
 * against the PostgreSQL server on loopback, prints one table (stdout) and writes JSON to
 * bench/results/. A full run (no --quick, no --only) also rewrites bench/LATEST.md.
 *
 *   npm run bench                       # everything, full sizes
 *   npm run bench -- --quick            # smaller sizes, a smoke run
 *   npm run bench -- --only deploy,cold-start
 *   npm run bench -- --strict           # exit 1 when a target is missed
 *   npm run bench -- --no-install       # skip scripts/install-bench-peers.sh
 *
 * Every relative figure is measured side by side in the same run: these machines are shared and
 * noisy, so absolute times from different runs are not comparable.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_DIR, type BenchContext, type Scenario } from './lib/context';
import { probeServer, serverInfo } from './lib/postgres';
import { runProcess } from './lib/process';
import { markdownTable, textTable, type ResultRow } from './lib/results';
import { coldStartScenario } from './scenarios/cold-start';
import { defaultPathScenario } from './scenarios/default-path';
import { deployScenario } from './scenarios/deploy';
import { imageScenario } from './scenarios/image';
import { memoryScenario } from './scenarios/memory';
import { parallelTestsScenario } from './scenarios/parallel-tests';
import { shippingScenario } from './scenarios/shipping';

const SCENARIOS: Scenario[] = [
  defaultPathScenario,
  deployScenario,
  parallelTestsScenario,
  coldStartScenario,
  shippingScenario,
  memoryScenario,
  imageScenario,
];

interface Args {
  quick: boolean;
  strict: boolean;
  install: boolean;
  only: string[] | undefined;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, strict: false, install: true, only: undefined, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') args.quick = true;
    else if (a === '--strict') args.strict = true;
    else if (a === '--no-install') args.install = false;
    else if (a === '--keep') args.keep = true;
    else if (a === '--only') args.only = (argv[++i] ?? '').split(',').filter(Boolean);
    else if (a.startsWith('--only=')) args.only = a.slice('--only='.length).split(',').filter(Boolean);
    else
      throw new Error(
        `unknown argument ${a}; known: --quick --strict --no-install --keep --only a,b (${SCENARIOS.map((s) => s.name).join(', ')})`,
      );
  }
  const unknown = (args.only ?? []).filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (m: string) => process.stderr.write(`[bench] ${m}\n`);
  if (args.install) {
    log('installing/starting peers and services (scripts/install-bench-peers.sh)');
    const r = await runProcess('bash', [path.join(REPO_DIR, 'scripts', 'install-bench-peers.sh')], { timeoutMs: 15 * 60_000 });
    if (r.exitCode !== 0)
      log(
        `install-bench-peers.sh exited ${r.exitCode}: ${r.stderr.trim().split('\n').slice(-5).join(' | ')} — peers it could not install show as "not available"`,
      );
  }
  const server = serverInfo();
  const version = await probeServer().catch((err: Error) => {
    throw new Error(
      `PostgreSQL at ${server.host}:${server.port} is not reachable (${err.message}); run scripts/start-postgres.sh or set RSRUN_BENCH_PG_URL`,
    );
  });
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'rsrun-bench-'));
  const ctx: BenchContext = { quick: args.quick, workDir, server, log };
  const started = new Date();
  const loadAtStart = os.loadavg();
  const rows: ResultRow[] = [];
  try {
    for (const scenario of SCENARIOS) {
      if (args.only && !args.only.includes(scenario.name)) continue;
      log(`scenario ${scenario.name}`);
      const t0 = performance.now();
      try {
        rows.push(...(await scenario.run(ctx)));
      } catch (err) {
        rows.push({
          scenario: scenario.name,
          figure: 'harness',
          value: `error: ${(err as Error).message.split('\n')[0]}`,
          target: 'runs',
          verdict: 'FAIL',
          ratio: '',
        });
        log(`scenario ${scenario.name} failed: ${(err as Error).stack ?? String(err)}`);
      }
      log(`scenario ${scenario.name} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    if (!args.keep) await rm(workDir, { recursive: true, force: true });
    else log(`kept ${workDir}`);
  }

  const table = textTable(rows);
  process.stdout.write(`\n${table}\n`);
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, PostgreSQL ${version}`;
  // Shared machines: the load beside the figures says how much else was running.
  const loadAtEnd = os.loadavg();
  const load = `load average ${loadAtStart[0]!.toFixed(1)} at the start, ${loadAtEnd[0]!.toFixed(1)} at the end (1 min; ${os.cpus().length} cores)`;
  const report = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    quick: args.quick,
    only: args.only ?? null,
    machine,
    load,
    rows,
  };
  const resultsDir = path.join(REPO_DIR, 'bench', 'results');
  await mkdir(resultsDir, { recursive: true });
  const stamp = started
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const file = path.join(resultsDir, `${stamp}${args.quick ? '-quick' : ''}.json`);
  await writeFile(file, JSON.stringify(report, null, 2) + '\n');
  await writeFile(path.join(resultsDir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
  log(`results: ${path.relative(REPO_DIR, file)}`);
  if (!args.quick && !args.only) {
    const latest = path.join(REPO_DIR, 'bench', 'LATEST.md');
    const md = [
      '# Latest benchmark results',
      '',
      `Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}; ${load}.`,
      'Reproduce with `npm run bench` (see README, "Performance"). Ratios compare figures measured side by side in this run.',
      '',
      markdownTable(rows),
      '',
      await keptNotes(latest),
    ].join('\n');
    await writeFile(latest, md);
    await updateReadme(`Measured ${started.toISOString().slice(0, 10)} on ${machine}; ${load}:\n\n${markdownTable(rows)}`);
    log('wrote bench/LATEST.md and the README table');
  }
  const failed = rows.filter((r) => r.verdict === 'FAIL').length;
  const crashed = rows.some((r) => r.figure === 'harness');
  process.stdout.write(
    `\n${rows.filter((r) => r.verdict === 'pass').length} targets met, ${failed} missed, ${rows.filter((r) => r.verdict === 'n/a').length} not measured\n`,
  );
  if (crashed || (args.strict && failed > 0)) process.exitCode = 1;
}

const NOTES_MARKER = '<!-- notes: kept when the harness rewrites this file -->';

/**
 * The hand-written part of LATEST.md (why a target is missed, what it would take), from its
 * marker to the end: a rerun replaces the table and keeps the analysis, which a person updates.
 */
async function keptNotes(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const at = text.indexOf(NOTES_MARKER);
  return at >= 0 ? text.slice(at) : `${NOTES_MARKER}\n`;
}

/** Replaces the table between the README's bench markers (the Performance section), if present. */
async function updateReadme(content: string): Promise<void> {
  const file = path.join(REPO_DIR, 'README.md');
  const text = await readFile(file, 'utf8').catch(() => '');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) return;
  await writeFile(file, `${text.slice(0, a + start.length)}\n${content}\n${text.slice(b)}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`[bench] ${(err as Error).message ?? String(err)}\n`);
  process.exitCode = 1;
});
