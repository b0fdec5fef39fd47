#!/usr/bin/env node
/**
 * The mocha step of `npm test`: three mocha processes side by side (Docker-bound suites, the fault
 * campaign, the rest), then one closing line for all.
 *
 * The container and infrastructure suites spend their time waiting on the Docker engine (image
 * builds, containers, the Jenkinsfile end to end); the other suites on PostgreSQL, PGlite and
 * child processes. They share no database (every suite makes its own) and no port, so on a 2-core
 * machine running them at the same time fills the cores either group leaves idle. Within a group,
 * files run one after another as before: the container harness still builds the image once for
 * all container suites.
 *
 *   node scripts/test.mjs                 # everything (what npm test runs)
 *   node scripts/test.mjs -- --grep lock  # extra mocha arguments go to both groups
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const extra = process.argv.slice(2).filter((a) => a !== '--');

const DOCKER_BOUND = ['test/container/**/*.test.ts', 'test/infra/**/*.test.ts'];
// The fault campaign (crash loops of runner processes, endpoint faults) is long and mostly waits on
// child processes and deadlines: in a group of its own it overlaps the other two instead of adding
// to the longest.
const FAULTS = ['test/faults/**/*.test.ts'];
const GROUPS = [
  { name: 'docker', args: DOCKER_BOUND },
  { name: 'faults', args: FAULTS },
  { name: 'rest', args: ['test/**/*.test.ts', ...[...DOCKER_BOUND, ...FAULTS].flatMap((g) => ['--ignore', g])] },
];

/** Mocha's own closing line (test/support/reporter.cjs). */
const SUMMARY = /^(\d+) passed, (\d+) failed, (\d+) skipped$/;

function runGroup(group) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [mocha, ...group.args, ...extra], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let summary;
    const relay = (stream, out) => {
      let pending = '';
      stream.setEncoding('utf8').on('data', (chunk) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop();
        for (const line of lines) {
          const m = SUMMARY.exec(line.trim());
          if (m) summary = m.slice(1).map(Number);
          else out.write(`[${group.name}] ${line}\n`);
        }
      });
      stream.on('end', () => pending && out.write(`[${group.name}] ${pending}\n`));
    };
    relay(child.stdout, process.stdout);
    relay(child.stderr, process.stderr);
    child.on('close', (code, signal) => resolve({ group, code: code ?? 1, signal, summary }));
  });
}

const started = Date.now();
const results = await Promise.all(GROUPS.map(runGroup));
const totals = [0, 0, 0];
for (const r of results) {
  if (!r.summary) process.stdout.write(`[${r.group.name}] ended (${r.signal ?? `exit ${r.code}`}) without mocha's summary\n`);
  else r.summary.forEach((n, i) => (totals[i] += n));
}
process.stdout.write(`\nsuite wall time ${((Date.now() - started) / 1000).toFixed(0)} s (${GROUPS.length} groups side by side)\n`);
process.stdout.write(`\n${totals[0]} passed, ${totals[1]} failed, ${totals[2]} skipped\n`);
process.exitCode = results.some((r) => r.code !== 0 || !r.summary) ? 1 : 0;
