#!/usr/bin/env node
/**
 * `npm test` after the build: the static checks and six mocha processes side by side (Docker-bound
 * suites, the Jenkinsfile end to end, suites that spend their time in npm and git child processes,
 * the fault campaign, suites of CLI child processes, the rest), then one closing line for all.
 *
 * The container and infrastructure suites spend their time waiting on the Docker engine (image
 * builds, containers, the Jenkinsfile end to end); the others on PostgreSQL, PGlite and child
 * processes. They share no database (every suite makes its own) and no port, so on a 2-core machine
 * running them at the same time fills the cores either group leaves idle. Within a group, files run
 * one after another: the container harness builds the image once for all container suites. The
 * checks (tsc, Prettier, ESLint and dependency-cruiser: about two minutes on the 2-core machine)
 * need no test and no test needs them, so they run beside the groups (and each other) instead of
 * before them; any failure still fails the run. Each group's wall time and slowest files
 * (test-artifacts/timings/<group>.json, written by test/support/reporter.cjs) are printed at the
 * end, to say where the time went.
 *
 *   node scripts/test.mjs                 # everything (what npm test runs)
 *   node scripts/test.mjs -- --grep lock  # extra mocha arguments go to every group
 *
 * Two environment variables narrow a run (the Jenkinsfile end to end's "Unit-test runner" stage
 * runs `npm test` with them, test/infra/jenkinsfile-e2e.test.ts; the Jenkinsfile says so):
 *   RSRUN_TEST_FILES="test/a.test.ts test/b.test.ts"  one mocha process on these files (or globs)
 *       instead of the groups, each of which loads all its test files (~6 s of CPU for all)
 *       only to select a few tests with --grep.
 *   RSRUN_TEST_CHECKS=off  no tsc, Prettier or ESLint (~2 minutes of CPU): for a caller that has
 *       checked the same source already, and says so in the output.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const extra = process.argv.slice(2).filter((a) => a !== '--');

const JENKINS_E2E = 'test/infra/jenkinsfile-e2e.test.ts';
const DISTRIBUTION = 'test/adoption/distribution.test.ts';
// Six mocha processes side by side, balanced on the per-file times of fresh-clone .ci/runs
// (test-artifacts/timings/): on 2 cores the groups compete for CPU, so the suite ends when the
// longest group does, and a group left running alone at the end leaves a core idle. With four
// groups (1eacf10, load ~1) "rest" ran 865 s while "faults" ended at 377 s; with six (a3d1e41, load
// 4-25 from other sessions, every file 2-3x slower) the groups ended between 864 and 1,269 s, "rest"
// last, so conformance and connections joined the fault campaign's group and the small adoption
// suites the docker group. Figures below are from the first of those runs, [the second] where given.
const GROUP_FILES = {
  // Docker-bound: image builds and containers (127 + 102 + 24 s), in one process so that the
  // container harness builds the image once for all container suites; the infrastructure linters
  // (npm-groovy-lint's JVM, cfn-lint, shellcheck: 69 s).
  // test/adoption except distribution (init, help, provenance: 44 s [64 s]) fill it up.
  docker: {
    files: ['test/container/**/*.test.ts', 'test/infra/**/*.test.ts', 'test/adoption/**/*.test.ts'],
    except: [JENKINS_E2E, DISTRIBUTION],
  },
  // The Jenkinsfile end to end (332 s): three builds, each with its own npm ci and image build
  // (repository rsrun-jenkins-e2e, not the container suites' rsrun-e2e), so it shares nothing with
  // the container suites but dockerd and the npm cache staged per machine and lockfile, which both
  // builds hard-link so that their npm layers come from Docker's cache. The first run after a
  // lockfile change is the exception: the end to end's build #1 may start before the container
  // harness has staged that cache, and then installs the dependencies in Docker once.
  jenkins: { files: [JENKINS_E2E] },
  // The fault campaign (crash loops of runner processes, endpoint faults: 363 s [834 s]) waits
  // mostly on child processes and deadlines; the conformance and connection suites (34 s [228 s])
  // fill it up.
  faults: { files: ['test/faults/**/*.test.ts', 'test/conformance/**/*.test.ts', 'test/connections/**/*.test.ts'] },
  // npm and git in child processes (pack, install from a loopback registry, a fresh clone's npm
  // install): adoption/distribution 394 s [902 s], the README suite 178 s [159 s].
  installs: { files: [DISTRIBUTION, 'test/cli/readme.test.ts'] },
  // Suites that spend their time in bin/rsrun.js child processes (cli 158 s, branch environments
  // 123 s, drift 129 s): a third of the former "rest" group's 838 s.
  cli: {
    files: ['test/cli/**/*.test.ts', 'test/branches/**/*.test.ts', 'test/drift/**/*.test.ts'],
    except: ['test/cli/readme.test.ts'],
  },
};
const SELECTED = (process.env.RSRUN_TEST_FILES ?? '').split(/\s+/).filter(Boolean);
const ignoring = (globs) => globs.flatMap((g) => ['--ignore', g]);
const GROUPS =
  SELECTED.length > 0
    ? [{ name: 'selected', args: SELECTED }]
    : [
        ...Object.entries(GROUP_FILES).map(([name, g]) => ({ name, args: [...g.files, ...ignoring(g.except ?? [])] })),
        { name: 'rest', args: ['test/**/*.test.ts', ...ignoring(Object.values(GROUP_FILES).flatMap((g) => g.files))] },
      ];
const CHECKS_OFF = process.env.RSRUN_TEST_CHECKS === 'off';
if (process.env.RSRUN_TEST_CHECKS !== undefined && !CHECKS_OFF) {
  process.stderr.write(`RSRUN_TEST_CHECKS=${process.env.RSRUN_TEST_CHECKS}: the only value is "off" (unset runs the checks)\n`);
  process.exit(2);
}
const CHECKS = ['typecheck', 'format:check', 'lint'];
const TIMINGS = path.join(root, 'test-artifacts', 'timings');

/** Mocha's own closing line (test/support/reporter.cjs). */
const SUMMARY = /^(\d+) passed, (\d+) failed, (\d+) skipped$/;

/** Runs one command with its output prefixed by `name`; resolves with its exit and mocha's summary, if it printed one. */
function run(name, file, args, env = process.env) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(file, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env });
    let summary;
    const relay = (stream, out) => {
      let pending = '';
      stream.setEncoding('utf8').on('data', (chunk) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop();
        for (const line of lines) {
          const m = SUMMARY.exec(line.trim());
          if (m) summary = m.slice(1).map(Number);
          else out.write(`[${name}] ${line}\n`);
        }
      });
      stream.on('end', () => pending && out.write(`[${name}] ${pending}\n`));
    };
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on('error', (err) => process.stderr.write(`[${name}] ${err.message}\n`));
    child.on('close', (code, signal) => resolve({ code: code ?? 1, signal, summary, seconds: (Date.now() - started) / 1000 }));
  });
}

async function runGroup(group) {
  const timings = path.join(TIMINGS, `${group.name}.json`);
  rmSync(timings, { force: true });
  const env = { ...process.env, RSRUN_TEST_TIMINGS: timings };
  // Tells a suite that this run checks the working tree at `root` beside it and fails if the checks
  // do: the Jenkinsfile end to end then skips the same checks of the same commit in its workspace.
  if (CHECKS_OFF) delete env.RSRUN_TEST_CHECKED_BESIDE;
  else env.RSRUN_TEST_CHECKED_BESIDE = root;
  const r = await run(group.name, process.execPath, [mocha, ...group.args, ...extra], env);
  if (!r.summary) process.stdout.write(`[${group.name}] ended (${r.signal ?? `exit ${r.code}`}) without mocha's summary\n`);
  const files = existsSync(timings) ? Object.entries(JSON.parse(readFileSync(timings, 'utf8'))) : [];
  const slowest = files
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([f, t]) => `${path.relative('test', f)} ${t.toFixed(0)} s`);
  return { ...r, ok: r.code === 0 && r.summary !== undefined, line: `${group.name} ${r.seconds.toFixed(0)} s; slowest: ${slowest.join(', ') || '-'}` };
}

/**
 * The checks side by side too: tsc and ESLint each build a TypeScript program on one core, and in
 * the Jenkinsfile end to end's `npm test -- --grep ...` they are all that is left once the groups
 * (which then select a few tests) are done. Every check runs even if another fails.
 */
async function runChecks() {
  if (CHECKS_OFF) return { ok: true, line: `checks SKIPPED (RSRUN_TEST_CHECKS=off: ${CHECKS.join(', ')} not run)` };
  const started = Date.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const runs = await Promise.all(CHECKS.map((script) => run(`checks ${script}`, npm, ['run', '--silent', script])));
  const failed = CHECKS.filter((_, i) => runs[i].code !== 0);
  const seconds = (Date.now() - started) / 1000;
  return { ok: failed.length === 0, line: `checks ${seconds.toFixed(0)} s (${CHECKS.join(', ')})${failed.length ? `; FAILED: ${failed.join(', ')}` : ''}` };
}

/** All cores' busy and total CPU milliseconds since boot (os.cpus()), to say how busy the machine was. */
function cpuTimes() {
  let busy = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    const all = times.user + times.nice + times.sys + times.irq + times.idle;
    busy += all - times.idle;
    total += all;
  }
  return { busy, total };
}

/**
 * The wall times above measure the machine as much as the suite (on 2 shared cores a file takes 3x
 * longer at load 10 than alone): the closing lines say how busy it was, from every process on it,
 * not only this suite's.
 */
function machineLine(cpuBefore, loads) {
  const cpu = cpuTimes();
  const busy = (100 * (cpu.busy - cpuBefore.busy)) / Math.max(1, cpu.total - cpuBefore.total);
  const range = loads.length ? `${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}` : '-';
  return `machine: ${os.cpus().length} cores, ${busy.toFixed(0)}% busy during the suite, 1-minute load average ${range}`;
}

const started = Date.now();
const cpuBefore = cpuTimes();
const loads = [os.loadavg()[0]];
const sampler = setInterval(() => loads.push(os.loadavg()[0]), 15_000).unref();
const results = await Promise.all([runChecks(), ...GROUPS.map(runGroup)]);
clearInterval(sampler);
const totals = [0, 0, 0];
for (const r of results) r.summary?.forEach((n, i) => (totals[i] += n));
process.stdout.write(`\n${results.map((r) => `  ${r.line}`).join('\n')}\n`);
const scope = SELECTED.length > 0 ? `one mocha process on RSRUN_TEST_FILES` : `${GROUPS.length} groups`;
process.stdout.write(`suite wall time ${((Date.now() - started) / 1000).toFixed(0)} s (checks and ${scope} side by side)\n`);
process.stdout.write(`${machineLine(cpuBefore, loads)}\n`);
process.stdout.write(`\n${totals[0]} passed, ${totals[1]} failed, ${totals[2]} skipped\n`);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
