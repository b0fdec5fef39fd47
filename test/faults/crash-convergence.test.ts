/**
 * Crash convergence: whatever moment a deploy is interrupted, re-running it gives the warehouse a
 * clean deploy gives (schema, data, history). Interruptions: SIGKILL of the runner at random
 * moments (at least 20 per engine; on the embedded engine the killed process hosts the database
 * too), the runner's database session terminated (pg_terminate_backend), and the server restarted
 * with `-m immediate` (on a private PostgreSQL instance: the shared one serves other tests).
 * Random moments come from a seeded generator; the seed is printed, RSRUN_FAULT_SEED replays it.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { ServerInfo } from '../../runner/local/server-file';
import { runCli, startCli, type CliResult } from '../support/cli';
import { requirePostgres } from '../support/engines';
import { TempProject } from '../support/project';
import { requireService } from '../support/services';
import { until } from '../support/until';
import { CampaignDatabases, deployedState, PG } from './support/databases';
import { faultCase } from './support/figures';
import { PG_BIN, PrivatePostgres } from './support/private-postgres';

const KILLS_PER_ENGINE = 20;
/**
 * Bounds of one engine's kill loop: attempts (a run may finish before its kill lands) and wall
 * time, a safety net only: 20 kills took 25-30 runs, which at load average 17 on the 2-core machine
 * took 12-16 s each (353 s and 410 s for the two engines).
 */
const MAX_ATTEMPTS = 45;
const MAX_LOOP_MS = 540_000;
/** Kills on one database before it is left to converge, so kills land at many depths of the deploy. */
const KILLS_PER_DATABASE = 5;

const SEED = Number(process.env.RSRUN_FAULT_SEED ?? Date.now() % 2 ** 31);

/** mulberry32: small, seedable, good enough to spread kill moments. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * Advisory locks the PostgreSQL targets' migrations take and release at once unless a test holds
 * them: an interruption test holds one, waits until the deploy is blocked on it (a condition, not a
 * duration), then interrupts, so the interruption lands inside the round trip or migration named.
 */
const GATE_IN_BATCH = 5;
const GATE_NON_TRANSACTIONAL = 10;

function writeProject(p: TempProject, env: string, gated = false): void {
  // pg_sleep paces the runs so kills land inside them; Redshift has no sleep function, so the lint
  // (RS019) and emulation refuse it: both are off for this PostgreSQL-only helper.
  p.write('rsrun.ini', `[project]\nname = crash\nlock_ttl = 2s\n\n[lint]\ndisable = RS019\n\n${env}\n`);
  p.migration('V1__schema.sql', 'create schema crash;\ncreate table crash.events (id int, note varchar(40));');
  const gate = (key: number) => (gated ? `\nselect pg_advisory_xact_lock(${key});` : '');
  for (let i = 2; i <= 9; i++) {
    p.migration(
      `V${i}__step.sql`,
      `insert into crash.events values (${i}, 'step ${i}');\ncreate table crash.t${i} (a int);\nselect pg_sleep(0.05);${i === GATE_IN_BATCH ? gate(i) : ''}`,
    );
  }
  // Outside a transaction: progress recorded group by group, resumed after a crash.
  p.migration(
    'V10__maintenance.sql',
    `-- rsrun:no-transaction\ninsert into crash.events values (10, 'before vacuum');\nselect pg_sleep(0.05);${gate(GATE_NON_TRANSACTIONAL)}\nvacuum crash.events;\ninsert into crash.events values (11, 'after vacuum');`,
  );
  for (let i = 12; i <= 14; i++) p.migration(`V${i}__late.sql`, `insert into crash.events values (${i}, 'late');\nselect pg_sleep(0.05);`);
  p.migration('R__view.sql', 'create or replace view crash.event_count as select count(*) as n from crash.events;');
}

const pgEnv = (database: string, port = PG.port, user = PG.user) =>
  `[env.pg]\nengine = postgres\nhost = 127.0.0.1\nport = ${port}\ndatabase = ${database}\nuser = ${user}\npassword = \${FAULTS_PG_PASSWORD}\nlock_timeout = 30s\n${NO_EMULATION}`;
const NO_EMULATION = 'emulate_redshift = false';
const EMBEDDED_ENV = `[env.local]\nengine = embedded\n${NO_EMULATION}`;
const CLI_ENV = { FAULTS_PG_PASSWORD: PG.password, RSRUN_LOG_FORMAT: 'json', RSRUN_LOCAL_SERVER: 'off' };
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

interface Target {
  args: string[];
  database: string;
  /** How to reach the target's server (PostgreSQL targets, whose migrations have gates). */
  server?: pg.ClientConfig;
  /** Stops what the target started and removes its files. */
  dispose(): Promise<void>;
  /** Schema, data and history as the deploy left them. */
  state(): Promise<unknown[]>;
  project: TempProject;
}

/** Starts `args` and SIGKILLs the runner `delayMs` after it logged its first line; the result says whether the kill landed. */
async function runAndKill(t: Target, delayMs: number): Promise<CliResult> {
  const { child, done } = startCli(t.args, { cwd: t.project.dir, env: CLI_ENV, timeoutMs: 120_000 });
  let armed = false;
  child.stderr?.on('data', () => {
    if (armed) return;
    armed = true;
    setTimeout(() => child.kill('SIGKILL'), delayMs);
  });
  return done;
}

/** Runs to the end without interference. */
async function converge(t: Target): Promise<void> {
  const r = await runCli(t.args, { cwd: t.project.dir, env: CLI_ENV, timeoutMs: 120_000 });
  expect(r.code, `re-run after interruptions:\n${r.stderr}`).to.equal(0);
}

/** Duration of a clean run from its first log line to its exit: the window kills are drawn from. */
async function timedCleanRun(t: Target): Promise<number> {
  const { child, done } = startCli(t.args, { cwd: t.project.dir, env: CLI_ENV, timeoutMs: 120_000 });
  let first = 0;
  child.stderr?.once('data', () => (first = Date.now()));
  const r = await done;
  expect(r.code, r.stderr).to.equal(0);
  return Date.now() - first;
}

/**
 * Kill loop for one engine: fresh targets, each killed at random moments until its deploy finishes
 * by itself or has taken KILLS_PER_DATABASE kills, then re-run to the end and compared with the
 * clean deploy. Returns how many kills landed.
 */
async function killLoop(fresh: () => Promise<Target>, reference: unknown[], windowMs: number, next: () => number): Promise<number> {
  const started = Date.now();
  let kills = 0;
  let attempts = 0;
  while (kills < KILLS_PER_ENGINE && attempts < MAX_ATTEMPTS && Date.now() - started < MAX_LOOP_MS) {
    const t = await fresh();
    for (let here = 0; here < KILLS_PER_DATABASE && attempts < MAX_ATTEMPTS;) {
      attempts++;
      // Each kill leaves less to do: moments are drawn from a shrinking share of the clean run's
      // duration, early moments more often, so most kills land (a run that finishes first is a wasted attempt).
      const r = await runAndKill(t, Math.round(next() ** 2 * windowMs * (1 - here / (KILLS_PER_DATABASE + 1))));
      if (r.signal !== 'SIGKILL') {
        expect(r.code, `a run that was not killed must succeed:\n${r.stderr}`).to.equal(0);
        break;
      }
      kills++;
      here++;
    }
    await converge(t);
    expectSameState(await t.state(), reference, `after ${kills} kills (seed ${SEED})`);
    await t.dispose();
  }
  process.stdout.write(
    `      ${kills} SIGKILLs landed in ${attempts} runs, ${((Date.now() - started) / 1000).toFixed(0)} s (seed ${SEED})\n`,
  );
  return kills;
}

type Outcome = { ok: true; detail: string } | { ok: false; error: unknown };

/** Runs `body`, keeping its failure for the `it` that reports it (the groups run concurrently). */
async function settle(body: () => Promise<string | void>): Promise<Outcome> {
  try {
    return { ok: true, detail: (await body()) ?? '' };
  } catch (error) {
    return { ok: false, error };
  }
}

describe('fault campaign: crash convergence', function () {
  this.timeout(MAX_LOOP_MS + 180_000);
  let dbs: CampaignDatabases;
  let server: PrivatePostgres | undefined;
  const outcomes = new Map<string, Outcome>();

  const pgTarget = async (): Promise<Target> => {
    const database = await dbs.create('rsrun_fk');
    const project = new TempProject('fk-pg-');
    writeProject(project, pgEnv(database), true);
    const dispose = async () => project.remove();
    return {
      args: ['--env', 'pg', 'deploy', '--no-tests'],
      database,
      server: PG,
      project,
      dispose,
      state: () => deployedState(database, ['crash.events']),
    };
  };
  // The embedded engine in a resident local server (`rsrun local start`): each deploy is a runner
  // process talking to it, so a kill costs a process start, not an engine start (seconds under load).
  const residents: string[] = [];
  const embeddedTarget = async (): Promise<Target> => {
    const project = new TempProject('fk-emb-');
    writeProject(project, EMBEDDED_ENV);
    await startResident(project.dir);
    residents.push(project.dir);
    const dispose = async () => {
      await stopResident(project.dir);
      residents.splice(residents.indexOf(project.dir), 1);
      project.remove();
    };
    return { args: ['deploy', '--no-tests'], database: 'local', project, dispose, state: () => residentState(project.dir) };
  };
  const privateTarget = async (): Promise<Target> => {
    const s = server as PrivatePostgres;
    const database = `rsrun_fk_${randomBytes(4).toString('hex')}`;
    await s.createDatabase(database);
    const project = new TempProject('fk-priv-');
    writeProject(project, pgEnv(database, s.port, s.user), true);
    const where = { port: s.port, user: s.user, password: undefined };
    return {
      args: ['--env', 'pg', 'deploy', '--no-tests'],
      database,
      server: { host: '127.0.0.1', ...where },
      project,
      dispose: async () => project.remove(),
      state: () => deployedState(database, ['crash.events'], where),
    };
  };

  /** SIGKILL loop of one engine, compared with a clean deploy on the same engine. */
  const sigkills = (fresh: () => Promise<Target>, seed: number) => async () => {
    const clean = await fresh();
    const windowMs = await timedCleanRun(clean);
    const reference = await clean.state();
    await clean.dispose();
    const kills = await killLoop(fresh, reference, windowMs, random(seed));
    expect(kills, `SIGKILLs that landed within ${MAX_ATTEMPTS} runs / ${MAX_LOOP_MS / 1000} s`).to.be.at.least(KILLS_PER_ENGINE);
    return `${kills} kills`;
  };

  /** One interruption at `where` (a gate's key, or a log line), then a re-run compared with a clean deploy. */
  const interrupted = (fresh: () => Promise<Target>, where: number | string, interrupt: (t: Target) => Promise<unknown>) => async () => {
    const clean = await fresh();
    await converge(clean);
    const reference = await clean.state();
    await clean.dispose();
    const t = await fresh();
    const run = typeof where === 'number' ? interruptAtGate(t, where, () => interrupt(t)) : interruptAt(t, where, () => interrupt(t));
    expectConnectionLost(await run);
    await converge(t);
    expectSameState(await t.state(), reference, 'after the interruption');
    await t.dispose();
  };

  before(async function () {
    await requirePostgres(this);
    await requireService(this, 'PostgreSQL 15 binaries', () => access(`${PG_BIN}/initdb`), 'apt-get install postgresql');
    dbs = await CampaignDatabases.open();
    server = await PrivatePostgres.start();
    // The groups are independent: run side by side, each bounded in runs and time.
    const groups: [string, () => Promise<string | void>][] = [
      ['sigkill-postgres', sigkills(pgTarget, SEED)],
      ['sigkill-embedded', sigkills(embeddedTarget, SEED + 1)],
      ['terminate-in-batch', interrupted(pgTarget, GATE_IN_BATCH, (t) => terminateBackends(t.database))],
      ['terminate-non-transactional', interrupted(pgTarget, GATE_NON_TRANSACTIONAL, (t) => terminateBackends(t.database))],
      ['restart', interrupted(privateTarget, GATE_IN_BATCH, () => (server as PrivatePostgres).ctl('restart'))],
      [
        'kill-embedded-host',
        interrupted(embeddedTarget, 'applying V5__step.sql', async (t) => {
          process.kill(residentInfo(t.project.dir).pid, 'SIGKILL');
          // The runner sees its connection drop; the next command finds no server and a stale directory lock.
          return until('the killed server is gone', () => !isAlive(residentInfo(t.project.dir).pid)).then(() =>
            startResident(t.project.dir),
          );
        }),
      ],
    ];
    // RSRUN_FAULT_ONLY=id,id replays some groups (with --grep on their titles) when chasing a defect.
    const only = process.env.RSRUN_FAULT_ONLY?.split(',');
    const chosen = only ? groups.filter(([id]) => only.includes(id)) : groups;
    await Promise.all(chosen.map(async ([id, body]) => outcomes.set(id, await settle(body))));
  });
  after(async () => {
    for (const dir of residents) await stopResident(dir).catch(() => undefined);
    await server?.destroy();
    await dbs?.close();
  });

  for (const [id, title] of [
    ['sigkill-postgres', `[postgres] re-runs after ${KILLS_PER_ENGINE} random SIGKILLs of the runner equal a clean deploy`],
    [
      'sigkill-embedded',
      `[embedded] re-runs after ${KILLS_PER_ENGINE} random SIGKILLs of the process hosting the engine equal a clean deploy`,
    ],
    [
      'terminate-in-batch',
      '[postgres] session terminated in a round trip of transactional migrations: exit 5, connection lost, re-run converges',
    ],
    [
      'terminate-non-transactional',
      '[postgres] session terminated in a non-transactional migration: exit 5, connection lost, re-run converges',
    ],
    ['restart', '[private postgres] server restarted with -m immediate mid-deploy: exit 5, connection lost, re-run converges'],
    ['kill-embedded-host', '[embedded] the process hosting the engine SIGKILLed mid-deploy: exit 5, connection lost, re-run converges'],
  ] as const) {
    it(title, () =>
      faultCase('crash', id, async () => {
        const o = outcomes.get(id);
        if (!o) throw new Error(`${id} did not run`);
        if (!o.ok) throw o.error;
      }),
    );
  }
});

/** Runs `t` and calls `interrupt` once the runner logged `marker`. */
async function interruptAt(t: Target, marker: string, interrupt: () => Promise<unknown>): Promise<CliResult> {
  const { child, done } = startCli(t.args, { cwd: t.project.dir, env: CLI_ENV, timeoutMs: 120_000 });
  let stderr = '';
  let fired: Promise<unknown> | undefined;
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (!fired && stderr.includes(marker)) fired = interrupt();
  });
  const r = await done;
  await fired;
  expect(fired, `the run never logged "${marker}":\n${r.stderr}`).not.to.equal(undefined);
  return r;
}

/**
 * Runs the deploy while holding gate `key`, interrupts once the deploy waits on it, then lets go.
 * (Interrupting when a log line appeared raced the deploy: under load it could finish its 0.4 s
 * round trip before the interruption's own connection was made, and exit 0.)
 */
async function interruptAtGate(t: Target, key: number, interrupt: () => Promise<unknown>): Promise<CliResult> {
  const holder = new pg.Client({ ...t.server, database: t.database });
  // The interruption ends this session too (every session of the database, or the whole server).
  holder.on('error', () => undefined);
  await holder.connect();
  await holder.query('SELECT pg_advisory_lock($1)', [key]);
  const { done } = startCli(t.args, { cwd: t.project.dir, env: CLI_ENV, timeoutMs: 120_000 });
  let exited: CliResult | undefined;
  void done.then((r) => (exited = r));
  try {
    await until(
      `the deploy waits at gate ${key}`,
      async () =>
        exited !== undefined ||
        (
          await holder.query<{ waiting: boolean }>(
            `SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_database d ON d.oid = l.database
               WHERE l.locktype = 'advisory' AND l.objid = $1 AND NOT l.granted AND d.datname = current_database()) AS waiting`,
            [key],
          )
        ).rows[0]?.waiting === true,
      90_000,
    );
    expect(exited, `the deploy ended before it reached gate ${key}:\n${exited?.stderr ?? ''}`).to.equal(undefined);
    await interrupt();
  } finally {
    await holder.end().catch(() => undefined);
  }
  return done;
}

/** Deep equality, naming the first part (columns, a table, the history) that differs and printing both sides. */
function expectSameState(actual: unknown[], reference: unknown[], label: string): void {
  const parts = ['columns', 'crash.events', 'history'];
  reference.forEach((want, i) => {
    const got = JSON.stringify(actual[i], null, 1);
    expect(got, `${label}: ${parts[i] ?? i} differs from a clean deploy`).to.equal(JSON.stringify(want, null, 1));
  });
}

function expectConnectionLost(r: CliResult): void {
  expect(r.code, r.stderr).to.equal(5);
  expect(r.stderr).to.match(/connection .* lost/);
  expect(r.stderr).to.match(/re-run resumes/);
  expect(r.stderr, 'no stack trace').not.to.match(STACK_FRAME);
}

/** Ends every session on `database` but the caller's, as an administrator's pg_terminate_backend would. */
async function terminateBackends(database: string): Promise<void> {
  const c = new pg.Client({ ...PG, database: 'postgres' });
  await c.connect();
  try {
    await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
  } finally {
    await c.end();
  }
}

const residentInfo = (dir: string) => JSON.parse(readFileSync(path.join(dir, '.rsrun', 'local', 'server.json'), 'utf8')) as ServerInfo;

async function startResident(dir: string): Promise<void> {
  const r = await runCli(['local', 'start', '--idle-timeout', '10m'], { cwd: dir, env: CLI_ENV, timeoutMs: 120_000 });
  expect(r.code, `rsrun local start:\n${r.stderr}`).to.equal(0);
}

async function stopResident(dir: string): Promise<void> {
  await runCli(['local', 'stop'], { cwd: dir, env: CLI_ENV, timeoutMs: 60_000 });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function residentState(dir: string): Promise<unknown[]> {
  const info = residentInfo(dir);
  return deployedState(info.database, ['crash.events'], { host: info.host, port: info.port, user: info.user, password: undefined });
}
