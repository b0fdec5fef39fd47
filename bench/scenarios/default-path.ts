/**
 * Scenario 0 — the default path: the example project (`sql/`) on the embedded warehouse, as a new
 * user meets it. A fresh copy of the project (no `.rsrun/`, no reports), then in order: the first
 * command (`rsrun plan`), the first `npm start` (deploy: lint, the example's migrations and tests, reports),
 * later read-only commands (plan, info, validate) and `npm start` on the up-to-date warehouse, each
 * against `node -e 0` measured in the same rounds, with the command's peak RSS (GNU time).
 *
 * Two ways a command reaches the engine, measured separately:
 * - at a terminal (RSRUN_LOCAL_SERVER=auto stands in for the TTY): the first command starts the
 *   project's resident local server, later commands connect to it; its peak RSS is a row too;
 * - scripts and CI (RSRUN_LOCAL_SERVER=off): every command starts the engine in its own process.
 * `npm start` is timed as the command it runs (`node bin/rsrun.js deploy --project-dir ...`): npm's
 * own start-up (~0.3 s) is not rsrun's.
 */
import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import { REPO_DIR, RSRUN_BIN, rsrunHasCommand, type BenchContext, type Scenario } from '../lib/context';
import { errorLine, median, readPeakRss, runProcess, type RunResult } from '../lib/process';
import { fmtBytes, fmtMs, fmtRatio, unavailable, verdict, type ResultRow } from '../lib/results';

const SCENARIO = '0 default path';
const RSS_LIMIT = 256 * 1024 * 1024;
const FIRST_LIMIT = { ratio: 10, ms: 2000 };
const LATER_LIMIT = 4;
const UP_TO_DATE_LIMIT = 6;
/** The example project's content, checked after the first deploy (sql/ gained V5__merge_staged_products and its test). */
const EXAMPLE = { migrations: 10, tests: 25 };

type Mode = 'terminal' | 'scripts';

interface Step {
  figure: string;
  args: string[];
  /** Limit as a multiple of node -e 0 (undefined: reported only). */
  ratio?: number;
  /** Also an absolute limit, in ms. */
  ms?: number;
  repeat: boolean;
}

const steps = (dir: string): Step[] => [
  { figure: 'first command in a fresh checkout: rsrun plan', args: ['--project-dir', dir, 'plan'], ...FIRST_LIMIT, repeat: false },
  {
    figure: `first npm start (deploy: ${EXAMPLE.migrations} migrations, ${EXAMPLE.tests} tests)`,
    args: ['--project-dir', dir, 'deploy'],
    repeat: false,
  },
  { figure: 'later rsrun plan', args: ['--project-dir', dir, 'plan'], ratio: LATER_LIMIT, repeat: true },
  { figure: 'later rsrun info', args: ['--project-dir', dir, 'info'], ratio: LATER_LIMIT, repeat: true },
  { figure: 'later rsrun validate', args: ['--project-dir', dir, 'validate'], ratio: LATER_LIMIT, repeat: true },
  { figure: 'npm start on an up-to-date warehouse', args: ['--project-dir', dir, 'deploy'], ratio: UP_TO_DATE_LIMIT, repeat: true },
];

function envFor(mode: Mode): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RSRUN_')));
  return { ...base, NO_COLOR: '1', RSRUN_LOCAL_SERVER: mode === 'terminal' ? 'auto' : 'off' };
}

const timed = (argv: string[], env: NodeJS.ProcessEnv): Promise<RunResult> =>
  runProcess(argv[0]!, argv.slice(1), { env, kernelPeakRss: true, timeoutMs: 5 * 60_000 });

/** Checks what the first deploy left: every migration applied, every test passed. */
function firstDeployProblems(r: RunResult): string[] {
  const problems: string[] = [];
  if (!new RegExp(`migrations: ${EXAMPLE.migrations} applied`).test(r.stdout))
    problems.push(`expected ${EXAMPLE.migrations} migrations applied`);
  if (!new RegExp(`tests: ${EXAMPLE.tests} passed, 0 failed, 0 errors`).test(r.stdout))
    problems.push(`expected ${EXAMPLE.tests} tests passed`);
  return problems;
}

async function runMode(ctx: BenchContext, mode: Mode, rounds: number): Promise<ResultRow[]> {
  const dir = path.join(ctx.workDir, `default-path-${mode}`);
  await rm(dir, { recursive: true, force: true });
  // A fresh checkout: the committed example, without local state or reports.
  await cp(path.join(REPO_DIR, 'sql'), dir, { recursive: true, filter: (src) => !/[\\/](\.rsrun|reports)([\\/]|$)/.test(src) });
  const env = envFor(mode);
  const node = process.execPath;
  const rows: ResultRow[] = [];
  const label = mode === 'terminal' ? 'at a terminal (local server)' : 'scripts/CI (in-process engine)';
  try {
    for (const step of steps(dir)) {
      const times: number[] = [];
      const base: number[] = [];
      let peak = 0;
      let last: RunResult | undefined;
      for (let i = 0; i < (step.repeat ? rounds : 1); i++) {
        base.push((await timed([node, '-e', '0'], env)).wallMs);
        last = await timed([node, RSRUN_BIN, ...step.args], env);
        if (last.exitCode !== 0) break;
        times.push(last.wallMs);
        peak = Math.max(peak, last.peakRssBytes);
      }
      const figure = `${label}: ${step.figure}`;
      if (last === undefined || last.exitCode !== 0) {
        rows.push({
          scenario: SCENARIO,
          figure,
          value: `error: exit ${last?.exitCode}: ${errorLine(last?.stderr ?? '')}`,
          target: 'exit 0',
          verdict: 'FAIL',
          ratio: '',
        });
        return rows;
      }
      const problems = step.figure.startsWith('first npm start') ? firstDeployProblems(last) : [];
      const ms = median(times);
      const ratio = ms / median(base);
      const okTime = (step.ratio === undefined || ratio <= step.ratio) && (step.ms === undefined || ms <= step.ms);
      const target = [
        step.ratio !== undefined ? `≤ ${step.ratio}× node -e 0` : '',
        step.ms !== undefined ? `≤ ${fmtMs(step.ms)}` : '',
        `peak RSS ≤ ${fmtBytes(RSS_LIMIT)}`,
      ]
        .filter(Boolean)
        .join(', ');
      rows.push({
        scenario: SCENARIO,
        figure,
        value: `${fmtMs(ms)}${step.repeat ? ` median of ${times.length}` : ''}, peak RSS ${fmtBytes(peak)}${problems.length ? `; wrong result: ${problems.join('; ')}` : step.figure.startsWith('first npm start') ? '; verified' : ''}`,
        target,
        verdict: verdict(okTime && peak > 0 && peak <= RSS_LIMIT && problems.length === 0),
        ratio: `${fmtRatio(ratio)} node -e 0 (${fmtMs(median(base))})`,
        data: { mode, ms, ratio, peakRssBytes: peak, runs: times.length, nodeMs: median(base) },
      });
    }
    if (mode === 'terminal') rows.push(await serverRow(dir, env));
  } finally {
    await runProcess(node, [RSRUN_BIN, '--project-dir', dir, 'local', 'stop'], { env, timeoutMs: 120_000 });
  }
  return rows;
}

/** The resident server's own peak RSS, after everything above ran on it. */
async function serverRow(dir: string, env: NodeJS.ProcessEnv): Promise<ResultRow> {
  const status = await runProcess(process.execPath, [RSRUN_BIN, '--project-dir', dir, 'local', 'status', '--json'], {
    env,
    timeoutMs: 60_000,
  });
  const info = JSON.parse(status.stdout || '{}') as { running?: boolean; pid?: number };
  const figure = 'at a terminal (local server): the resident server process';
  const target = `peak RSS ≤ ${fmtBytes(RSS_LIMIT)}`;
  if (!info.running || info.pid === undefined)
    return { scenario: SCENARIO, figure, value: 'not running after the commands', target, verdict: 'FAIL', ratio: '' };
  const peak = await readPeakRss(info.pid);
  return {
    scenario: SCENARIO,
    figure,
    value: `peak RSS ${fmtBytes(peak)} (VmHWM)`,
    target,
    verdict: verdict(peak > 0 && peak <= RSS_LIMIT),
    ratio: '',
    data: { peakRssBytes: peak },
  };
}

export const defaultPathScenario: Scenario = {
  name: 'default-path',
  async run(ctx) {
    if (!rsrunHasCommand('plan')) return [unavailable(SCENARIO, 'default path', 'runs', 'dist/rsrun.js is not built (npm run build)')];
    const rounds = ctx.quick ? 3 : 7;
    return [...(await runMode(ctx, 'terminal', rounds)), ...(await runMode(ctx, 'scripts', Math.min(rounds, 3)))];
  },
};
