/**
 * The Jenkinsfile, executed: its stages are read from the committed file (./jenkinsfile.ts) and
 * their commands run in order, in a fresh clone of the repository, with the environment Jenkins
 * would give them, against the local Docker engine, the password-protected registry, PostgreSQL
 * (a test and a prod database) and an S3 stand-in. Proves the pipeline as written works on main,
 * and that a push whose SQL test fails stops before the prod stages.
 *
 * What is not Jenkins here is said in the output: the Jenkins-only steps are emulated
 * (./e2e-jenkins.ts), and one stage runs a documented substitution:
 *   `npm test` (the whole suite, which contains this test) runs with the parameters
 *   scripts/test.mjs documents: `RSRUN_TEST_FILES=test/infra/jenkinsfile.test.ts npm test`, the
 *   same build and checks (tsc, Prettier, ESLint), then one mocha process on the Jenkinsfile's own
 *   test file instead of four loading every suite to select it with --grep. A later build whose
 *   commit differs from an earlier passed build's in sql/ only (asserted) adds
 *   `RSRUN_TEST_CHECKS=off`: the same runner source was checked there (about 2 minutes of the
 *   2 cores per build). So does the first build when this test runs inside `npm test` of a clean
 *   checkout at the commit built (RSRUN_TEST_CHECKED_BESIDE, set by scripts/test.mjs): that run
 *   checks the same tree beside this test and fails if the checks do (.ci/run on a fresh clone).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import type Docker from 'dockerode';
import pg from 'pg';
import { PG_URL, requirePostgres } from '../support/engines';
import { REGISTRY, REGISTRY_PASSWORD, REGISTRY_USER, requireDocker, requireRegistry } from '../container/harness';
import { branchDatabaseName, maxDatabaseNameBytes } from '../../runner/config/branch-target';
import { ExitCode } from '../../runner/errors';
import { parseJenkinsfile, type Pipeline, type Step } from './jenkinsfile';
import { antPattern, EMULATED_STEPS, matchFiles, interpolateGroovy, runBuild, type BuildResult } from './e2e-jenkins';
import {
  bridgeAddress,
  createDatabases,
  makeRemote,
  S3_KEY,
  seedImageNpmCache,
  startS3,
  type Databases,
  type S3StandIn,
} from './e2e-stack';
import { REPO } from './tools';

const exec = promisify(execFile);
const BUCKET = 'rsrun-jenkins-e2e';
const S3_PREFIX = 'ci';
const IMAGE_REPOSITORY = 'rsrun-jenkins-e2e';
const JENKINS_URL = 'http://jenkins.e2e.invalid/';
const UNIT_TEST_FILES = 'test/infra/jenkinsfile.test.ts';
const CONSOLE_DIR = path.join(tmpdir(), 'rsrun-jenkins-e2e-consoles');
/** The repository Jenkins checks out: this one at HEAD, or another (e.g. a branch with a fix to try). */
const SOURCE = process.env.RSRUN_TEST_JENKINS_SOURCE ?? REPO;

/** What the Unit-test runner stage's `npm test` runs as: checks unless the same source was checked already. */
function unitTestCommand(checks: boolean): string {
  return `RSRUN_TEST_FILES=${UNIT_TEST_FILES} ${checks ? '' : 'RSRUN_TEST_CHECKS=off '}npm test`;
}

describe('infra: the Jenkinsfile executed end to end (Docker engine, registry, PostgreSQL, S3 stand-in)', function () {
  this.timeout(20 * 60_000);
  let docker: Docker;
  let s3: S3StandIn | undefined;
  let dbs: Databases | undefined;
  let work: string;
  let remote: Awaited<ReturnType<typeof makeRemote>>;
  const pgUrl = new URL(PG_URL);
  const passwordOf = (u: URL) => decodeURIComponent(u.password);
  const builds: {
    number: string;
    commit: string;
    pipeline: Pipeline;
    unitTest: string;
    result: BuildResult;
    imageRef: string | undefined;
    records: Record<string, unknown>;
  }[] = [];

  before(async function () {
    docker = await requireDocker(this);
    await requireRegistry(this);
    await requirePostgres(this);
    work = await mkdtemp(path.join(tmpdir(), 'rsrun-jenkins-e2e-'));
    s3 = await startS3(await bridgeAddress(docker), BUCKET);
    dbs = await createDatabases(PG_URL);
    remote = await makeRemote(SOURCE, work);
  });

  after(async () => {
    await s3?.close();
    await dbs?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /**
   * Who checks `commit`'s source already: an earlier build whose unit tests passed on the same
   * runner source (its commit differs from `commit` in sql/ only), or the `npm test` this test
   * runs in, when it checks a clean checkout at `commit` (scripts/test.mjs).
   */
  async function checkedBy(commit: string): Promise<string | undefined> {
    const beside = process.env.RSRUN_TEST_CHECKED_BESIDE;
    if (beside && path.resolve(beside) === path.resolve(SOURCE)) {
      const head = (await exec('git', ['rev-parse', 'HEAD'], { cwd: beside })).stdout.trim();
      const dirty = (await exec('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: beside })).stdout.trim();
      if (head === commit && dirty === '') return `the npm test running this test (clean checkout at ${commit.slice(0, 12)})`;
    }
    for (const b of builds) {
      if (b.result.stages.find((st) => st.name === 'Unit-test runner')?.status !== 'passed') continue;
      const changed = (await exec('git', ['diff', '--name-only', b.commit, commit], { cwd: remote.path })).stdout.split('\n');
      if (changed.filter(Boolean).every((f) => f.startsWith('sql/'))) return `build #${b.number} (differs in sql/ only)`;
    }
    return undefined;
  }

  /**
   * Runs build `number` of the multibranch job for `branch` (main unless said) at `commit`, as the
   * Jenkins agent would: the Jenkinsfile of that commit, a workspace, and the build's environment.
   */
  async function build(number: string, commit: string, branch = 'main'): Promise<BuildResult> {
    const job = `rsrun/${encodeURIComponent(branch)}`;
    const d = dbs as Databases;
    const s = s3 as S3StandIn;
    const jenkinsfile = (await exec('git', ['show', `${commit}:Jenkinsfile`], { cwd: remote.path })).stdout;
    const pipeline = parseJenkinsfile(jenkinsfile, 'Jenkinsfile');
    const workspace = path.join(work, 'workspace', `rsrun_${branch.replace(/[^A-Za-z0-9]+/g, '_')}`);
    const buildUrl = `${JENKINS_URL}job/rsrun/job/${encodeURIComponent(branch)}/${number}/`;
    const target = (name: 'TEST' | 'PROD', database: string): Record<string, string> => ({
      // Point the example project's [env.test]/[env.prod] (Redshift on 5439 with TLS) at the local
      // PostgreSQL, through the environment variables load-config.ts reads; no committed file changes.
      [`RSRUN_${name}_ENGINE`]: 'postgres',
      [`RSRUN_${name}_HOST`]: pgUrl.hostname,
      [`RSRUN_${name}_PORT`]: pgUrl.port || '5432',
      [`RSRUN_${name}_DATABASE`]: database,
      [`RSRUN_${name}_USER`]: decodeURIComponent(pgUrl.username),
      [`RSRUN_${name}_PASSWORD`]: passwordOf(pgUrl),
      [`RSRUN_${name}_SSL`]: 'disable',
      [`RSRUN_${name}_EMULATE_REDSHIFT`]: 'true',
    });
    const env: Record<string, string> = {
      // The agent process.
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      LANG: 'C.UTF-8',
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
      // What Jenkins sets for a multibranch build of the branch.
      BUILD_NUMBER: number,
      BUILD_ID: number,
      BUILD_TAG: `jenkins-${job.replace(/\//g, '-')}-${number}`,
      BUILD_URL: buildUrl,
      JOB_NAME: job,
      JOB_BASE_NAME: encodeURIComponent(branch),
      JOB_URL: `${JENKINS_URL}job/rsrun/job/${encodeURIComponent(branch)}/`,
      JENKINS_URL,
      BRANCH_NAME: branch,
      GIT_COMMIT: commit,
      WORKSPACE: workspace,
      NODE_NAME: 'built-in',
      EXECUTOR_NUMBER: '0',
      // The controller's global properties (jenkins/casc/jenkins.yaml globalNodeProperties).
      RSRUN_REPORTS_URL: `${s.endpoint}/${BUCKET}/${S3_PREFIX}/`,
      AWS_REGION: 'us-east-1',
      // The Jenkinsfile's own environment block.
      ...pipeline.environment,
      // This machine: npm installs from its cache only (tests reach loopback only).
      npm_config_offline: 'true',
      npm_config_audit: 'false',
      // The site's settings of this stack (on EC2: the instance role and the host's configuration).
      RSRUN_REGISTRY: REGISTRY,
      RSRUN_IMAGE_REPOSITORY: IMAGE_REPOSITORY,
      ...target('TEST', d.test),
      ...target('PROD', d.prod),
      // The stack's report bucket (ec2/template.yaml), given as the environment: the example
      // project's rsrun.ini has no [s3]. See the S3 test below for what the runner must read.
      RSRUN_S3_BUCKET: BUCKET,
      RSRUN_S3_PREFIX: S3_PREFIX,
      RSRUN_S3_ENDPOINT: s.endpoint,
      AWS_ACCESS_KEY_ID: S3_KEY,
      AWS_SECRET_ACCESS_KEY: S3_KEY,
    };
    const checked = await checkedBy(commit);
    const unitTest = unitTestCommand(checked === undefined);
    let inspected: { imageRef: string | undefined; records: Record<string, unknown> } = { imageRef: undefined, records: {} };
    // Kept after the run for whoever reads a failure (small; one per build and mocha process).
    const consoleFile = path.join(CONSOLE_DIR, `${process.pid}-build-${number}.log`);
    await mkdir(CONSOLE_DIR, { recursive: true });
    await rm(consoleFile, { force: true });
    process.stdout.write(`      build #${number} of ${job} at ${commit.slice(0, 12)}; console: ${consoleFile}\n`);
    if (checked) process.stdout.write(`      checked by ${checked}: the unit-test stage skips the checks\n`);
    const result = await runBuild({
      pipeline,
      remote: remote.path,
      commit,
      workspace,
      archiveDir: path.join(work, 'builds', number, 'archive'),
      env,
      credentials: { dockerhub: { RSRUN_REGISTRY_USER: REGISTRY_USER, RSRUN_REGISTRY_PASSWORD: REGISTRY_PASSWORD } },
      substitute: (stage, script) => (stage === 'Unit-test runner' && script === 'npm test' ? unitTest : undefined),
      afterCheckout: async (ws) => {
        // The landing bucket the example project's COPY reads exists in the test/prod accounts;
        // here the stand-in gets the same objects the project keeps for local runs.
        const landed = await s.putTree(path.join(ws, 'sql', 'seeds', 's3'));
        return `${await seedImageNpmCache(ws)}; ${landed.length} landing object(s) put in the S3 stand-in (${landed.join(', ')})`;
      },
      inspectBeforePost: async (ws) => {
        const ref = await readFile(path.join(ws, 'image-ref.txt'), 'utf8').catch(() => undefined);
        const imageRef = ref?.trim();
        const records: Record<string, unknown> = {};
        const digest = imageRef?.split('@')[1];
        for (const e of ['test', 'prod']) {
          const f = path.join(ws, 'reports', 'promotions', `${(digest ?? 'none').replace(/[^A-Za-z0-9]+/g, '-')}.${e}.json`);
          const text = await readFile(f, 'utf8').catch(() => undefined);
          if (text) records[e] = JSON.parse(text) as unknown;
        }
        inspected = { imageRef, records };
      },
      stepTimeoutMs: 10 * 60_000,
      consoleFile,
    });
    builds.push({ number, commit, pipeline, unitTest, result, imageRef: inspected.imageRef, records: inspected.records });
    const table = result.stages.map(
      (st) =>
        `        ${st.name.padEnd(22)} ${st.status.toUpperCase().padEnd(8)} ${(st.durationMs / 1000).toFixed(1).padStart(6)} s${st.reason ? `  (${st.reason})` : ''}`,
    );
    process.stdout.write(
      `${table.join('\n')}\n        post: ${result.post.map((p) => `${p.step} ${p.ok ? 'ok' : `FAILED ${p.detail}`}`).join('; ')}\n        Finished: ${result.result}\n`,
    );
    return result;
  }

  const failureDetail = (r: BuildResult) => `\n--- console (last 60 lines) ---\n${r.console.split('\n').slice(-60).join('\n')}`;

  it('runs every stage of the Jenkinsfile on main in order, each exiting 0', async function () {
    process.stdout.write(`      emulated Jenkins steps: ${EMULATED_STEPS.join(', ')}\n`);
    process.stdout.write(
      `      substitution: Unit-test runner's \`npm test\` runs as \`${unitTestCommand(true)}\` (the whole suite contains this test), plus RSRUN_TEST_CHECKS=off where the same source is checked already\n`,
    );
    const r = await build('1', await remote.head());
    const b1 = builds.find((b) => b.number === '1');
    const pipeline = b1?.pipeline as Pipeline;
    const expected = pipeline.stages.map((st) => st.name);
    expect(expected).to.include.members([
      'Checkout',
      'Build image',
      'Push image',
      'Deploy + test: test',
      'Approve prod',
      'Deploy + test: prod',
    ]);
    // Every stage runs on main but the branch environment's (`when { not { branch 'main' } }`).
    const onMain = pipeline.stages.filter((st) => st.notBranch !== 'main');
    expect(
      r.stages.map((s) => `${s.name}:${s.status}`),
      failureDetail(r),
    ).to.deep.equal(pipeline.stages.map((st) => `${st.name}:${st.notBranch === 'main' ? 'skipped' : 'passed'}`));
    expect(r.commands.every((c) => c.exitCode === 0)).to.equal(true);
    expect(
      r.post.every((p) => p.ok),
      JSON.stringify(r.post),
    ).to.equal(true);
    expect(r.result).to.equal('SUCCESS');
    // The commands run were the file's, in its order (only the documented substitution differs).
    const scripts = (steps: Step[]): string[] =>
      steps.flatMap((st) => (st.kind === 'sh' ? [st.script] : st.kind === 'credentials' ? scripts(st.steps) : []));
    const fileCommands = [...onMain.flatMap((st) => scripts([...st.steps, ...st.always])), ...scripts(pipeline.always)];
    const ran = r.commands.map((c) => (c.stage === 'Unit-test runner' && c.script === b1?.unitTest ? 'npm test' : c.script));
    expect(ran).to.deep.equal(fileCommands);
    // The unit-test stage ran the checks (unless the npm test running this one checks the same
    // commit) and the Jenkinsfile's tests, all green.
    const checksLine =
      b1?.unitTest === unitTestCommand(true) ? /^ {2}checks \d+ s \(typecheck, format:check, lint\)$/m : /^ {2}checks SKIPPED /m;
    expect(r.console, failureDetail(r)).to.match(checksLine);
    expect(Number(/^(\d+) passed, 0 failed, 0 skipped$/m.exec(r.console)?.[1] ?? 0), failureDetail(r)).to.be.greaterThan(0);
    // Published: lint JUnit and both deployments' reports; the prod plan and the reports archived.
    const published = r.junit.map((j) => j.file);
    expect(published).to.include('lint-junit.xml');
    // Jenkins adds up every junit call of a build: a file published twice counts its tests twice,
    // so each deploy stage must publish its own run's junit.xml and no other.
    for (const stage of ['Deploy + test: test', 'Deploy + test: prod']) {
      const files = r.junit.filter((j) => j.stage === stage).map((j) => j.file);
      expect(files, `${stage} publishes ${files.join(', ') || 'nothing'}; all published: ${published.join(', ')}`).to.have.length(1);
    }
    expect(
      published.filter((f, i) => published.indexOf(f) !== i),
      `published more than once: ${published.join(', ')}`,
    ).to.deep.equal([]);
    expect(r.archived).to.include('prod-plan.txt');
    // The bound registry password never reached the console, not even before masking.
    expect(r.rawConsole).not.to.include(REGISTRY_PASSWORD);
    // cleanWs removed the workspace.
    expect(await readFile(path.join(work, 'workspace', 'rsrun_main', 'package.json')).catch(() => undefined)).to.equal(undefined);
  });

  it('pushed the image to the local registry under the digest the deploy stages ran', async () => {
    const b = builds.find((x) => x.number === '1');
    expect(b?.imageRef, 'image-ref.txt from the Push image stage').to.match(
      new RegExp(`^${REGISTRY.replace(/\./g, '\\.')}/${IMAGE_REPOSITORY}@sha256:[0-9a-f]{64}$`),
    );
    const digest = (b?.imageRef as string).split('@')[1] as string;
    const res = await fetch(`http://${REGISTRY}/v2/${IMAGE_REPOSITORY}/manifests/${digest}`, {
      method: 'HEAD',
      headers: {
        authorization: `Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64')}`,
        accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
      },
    });
    expect(res.status).to.equal(200);
    expect(res.headers.get('docker-content-digest')).to.equal(digest);
    // Labelled with the commit and build number Jenkins gave it.
    const labels = (await docker.getImage(b?.imageRef as string).inspect()).Config.Labels ?? {};
    expect(labels).to.include({ 'org.opencontainers.image.revision': b?.commit, 'io.rsrun.build-number': '1' });
  });

  it('migrated test and prod with the same digest, prod only after test passed (promotion records)', async () => {
    const b = builds.find((x) => x.number === '1');
    const digest = (b?.imageRef ?? '').split('@')[1];
    expect(b?.records.test).to.deep.include({ digest, environment: 'test', passed: true, exitCode: 0 });
    expect(b?.records.prod).to.deep.include({ digest, environment: 'prod', passed: true, exitCode: 0 });
    expect(b?.records.test).to.have.nested.property('build.commit', b?.commit);
    const d = dbs as Databases;
    const applied = async (db: string) =>
      (
        await d.query<{ version: string }>(
          db,
          'SELECT version FROM rsrun.rsrun_history WHERE success AND version IS NOT NULL ORDER BY installed_rank',
        )
      ).map((r) => r.version);
    const files = (await exec('git', ['ls-tree', '--name-only', `${b?.commit}:sql/migrations`], { cwd: remote.path })).stdout
      .split('\n')
      .filter((f) => /^V/.test(f));
    const testVersions = await applied(d.test);
    expect(testVersions).to.have.length(files.length);
    expect(await applied(d.prod)).to.deep.equal(testVersions);
  });

  it('shipped junit.xml, report.json and report.html of both environments to the S3 stand-in', async () => {
    const keys = await (s3 as S3StandIn).keys(`${S3_PREFIX}/`);
    if (keys.length === 0) {
      expect.fail(
        `no report reached s3://${BUCKET}/${S3_PREFIX}/: the example project's rsrun.ini has no [s3], so the runner in the container must take the bucket and endpoint from the environment the build gives it (RSRUN_S3_BUCKET, RSRUN_S3_PREFIX, RSRUN_S3_ENDPOINT), and rsrun container run must forward them`,
      );
    }
    for (const env of ['test', 'prod']) {
      for (const file of ['junit.xml', 'report.json', 'report.html']) {
        expect(
          keys.some((k) => k.startsWith(`${S3_PREFIX}/${env}/`) && k.endsWith(`/${file}`)),
          `${env} ${file} in s3://${BUCKET}/${S3_PREFIX}/ (keys: ${keys.length ? keys.join(', ') : 'none'})`,
        ).to.equal(true);
      }
    }
  });

  it('a feature-branch build deploys and tests in its own branch environment, drops it, and shared test never sees its migration (issue 20)', async () => {
    const d = dbs as Databases;
    const branch = 'feature/e2e-branch-env';
    const marker = 'e2e_feature_only';
    const commit = await remote.commit(
      {
        'sql/migrations/V7__e2e_feature_only.sql': `CREATE TABLE sales.${marker} (id INTEGER NOT NULL);\n`,
        'sql/tests/e2e_feature_only.sql': `-- rsrun:test the feature branch's table exists where its tests run\nSELECT id FROM sales.${marker} WHERE id < 0;\n`,
      },
      'A migration only the feature branch has (jenkinsfile-e2e)',
    );
    const branchDb = branchDatabaseName(d.test, branch, maxDatabaseNameBytes('postgres'));
    try {
      const r = await build('7', commit, branch);
      const status = Object.fromEntries(r.stages.map((st) => [st.name, st.status]));
      expect(status, failureDetail(r)).to.deep.include({
        'Branch environment': 'passed',
        'Deploy + test: branch': 'passed',
        'Deploy + test: test': 'skipped',
        'Plan prod': 'skipped',
        'Deploy + test: prod': 'skipped',
      });
      expect(r.result, failureDetail(r)).to.equal('SUCCESS');
      const ran = r.commands.map((c) => `${c.stage}: ${c.script} -> ${c.exitCode}`);
      expect(ran).to.include.members([
        `Branch environment: node bin/rsrun.js env create --from test --name "$BRANCH_NAME" -> 0`,
        `Deploy + test: branch: node bin/rsrun.js deploy --env "test:$BRANCH_NAME" -> 0`,
        `Deploy + test: branch: node bin/rsrun.js env drop --from test --name "$BRANCH_NAME" -> 0`,
      ]);
      // Its tests ran (and were published) in the branch environment, which is gone after the build.
      const junit = r.junit.filter((j) => j.stage === 'Deploy + test: branch');
      expect(junit, JSON.stringify(r.junit)).to.have.length(1);
      expect(r.console).to.contain(`database ${branchDb}`);
      expect(await d.query(d.test, 'SELECT 1 FROM pg_database WHERE datname = $1', [branchDb])).to.deep.equal([]);
      // Shared test: never saw V7, has no table of the branch, and its registry row is gone.
      const history = await d.query<{ version: string }>(d.test, 'SELECT version FROM rsrun.rsrun_history');
      expect(history.map((h) => h.version)).to.not.include('7');
      expect(await d.query(d.test, 'SELECT 1 FROM information_schema.tables WHERE table_name = $1', [marker])).to.deep.equal([]);
      expect(await d.query(d.test, 'SELECT name FROM rsrun.rsrun_environments')).to.deep.equal([]);
    } finally {
      await d.query(d.test, 'SELECT 1').then(async () => {
        const left = await d.query(d.test, 'SELECT 1 FROM pg_database WHERE datname = $1', [branchDb]);
        if (left.length > 0) await d.query(d.test, `DROP DATABASE IF EXISTS "${branchDb}" WITH (FORCE)`).catch(() => undefined);
      });
    }
  });

  it("a push whose SQL test fails stops before the prod stages, with the test run's exit code", async () => {
    const d = dbs as Databases;
    const commit = await remote.commit(
      {
        'sql/migrations/V9__e2e_marker.sql': 'CREATE TABLE sales.e2e_marker (id INTEGER NOT NULL);\n',
        'sql/tests/e2e_failing.sql':
          '-- rsrun:test no customer exists (fails on purpose: the seed data has customers)\nSELECT customer_id FROM sales.customers;\n',
      },
      'A SQL test that fails (jenkinsfile-e2e)',
    );
    const r = await build('2', commit);
    const status = Object.fromEntries(r.stages.map((s) => [s.name, s.status]));
    expect(status, failureDetail(r)).to.deep.include({ 'Build image': 'passed', 'Push image': 'passed', 'Deploy + test: test': 'failed' });
    expect(r.stages.find((s) => s.name === 'Deploy + test: test')?.exitCode).to.equal(ExitCode.TestsFailed);
    for (const name of ['Plan prod', 'Approve prod', 'Deploy + test: prod']) expect(status[name], name).to.equal('skipped');
    expect(r.commands.some((c) => c.stage.includes('prod'))).to.equal(false);
    expect(r.result).to.equal('FAILURE');
    expect(
      r.post.every((p) => p.ok),
      JSON.stringify(r.post),
    ).to.equal(true);
    // The failing run's JUnit was still published (post always), with the failure in it.
    expect(r.junit.some((j) => j.stage === 'Deploy + test: test' && j.failures > 0)).to.equal(true);
    // Test got the new migration; prod did not.
    const marker = (db: string) =>
      d.query<{ n: string }>(db, "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'e2e_marker'");
    expect((await marker(d.test))[0]?.n).to.equal('1');
    expect((await marker(d.prod))[0]?.n).to.equal('0');
    const b = builds.find((x) => x.number === '2');
    expect(b?.records.test).to.deep.include({ passed: false, exitCode: ExitCode.TestsFailed });
    expect(b?.records.prod).to.equal(undefined);
  });
});

describe('infra: the Jenkins stand-in of the end-to-end test', () => {
  it('matches Ant patterns as Jenkins does: * within a folder, **/ across folders', () => {
    const one = antPattern('reports/*/junit.xml');
    expect(one.test('reports/20261126T020448Z-0e7df7/junit.xml')).to.equal(true);
    expect(one.test('reports/store/test/20261126T020448Z-0e7df7/junit.xml')).to.equal(false);
    expect(one.test('reports/junit.xml')).to.equal(false);
    const any = antPattern('reports/**/report.*');
    expect(['reports/report.json', 'reports/a/b/report.html'].map((f) => any.test(f))).to.deep.equal([true, true]);
    expect(any.test('other/report.json')).to.equal(false);
  });

  it('takes a comma-separated list of patterns, as archiveArtifacts does', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rsrun-ant-list-'));
    try {
      for (const f of ['prod-plan.txt', 'prod-drift.html', 'other.txt']) await writeFile(path.join(dir, f), 'x');
      expect(await matchFiles(dir, 'prod-plan.txt, prod-drift.html')).to.deep.equal(['prod-drift.html', 'prod-plan.txt']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("interpolates ${env.NAME} and ${env.NAME ?: 'default'} and refuses any other Groovy", () => {
    expect(interpolateGroovy("Reports: ${env.URL ?: 'see [s3]'}test/", { URL: 'http://x/' })).to.equal('Reports: http://x/test/');
    expect(interpolateGroovy("Reports: ${env.URL ?: 'see [s3]'}test/", {})).to.equal('Reports: see [s3]test/');
    expect(interpolateGroovy('Plan: ${env.BUILD_URL}artifact/p.txt', { BUILD_URL: 'http://j/1/' })).to.equal(
      'Plan: http://j/1/artifact/p.txt',
    );
    expect(() => interpolateGroovy('${currentBuild.number}', {})).to.throw(/cannot interpolate \$\{currentBuild.number\}/);
  });
});
