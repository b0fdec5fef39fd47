/**
 * `rsrun ship` as a user runs it: the built CLI (bin/rsrun.js) spawned against a spool left by an
 * earlier run while S3 was down, then after S3 is back; results read back with the AWS CLI.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PENDING_MARKER } from '../../runner/shipping/index';
import { requireService } from '../support/services';
import { AWS_CLI, BUCKET, LocalS3, S3_ENV } from './s3-server';

const BIN = path.resolve(__dirname, '../../bin/rsrun.js');

async function rsrun(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...S3_ENV, CI: '' },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('rsrun ship (CLI)', function () {
  let s3: LocalS3;
  let project: string;
  const runId = '20260102T030405Z-a1b2c3';

  before(async function () {
    await requireService(
      this,
      `Debian's AWS CLI (${AWS_CLI})`,
      () => access(AWS_CLI),
      'run scripts/setup-test-services.sh (installs awscli)',
    );
    await requireService(this, 'the built CLI (dist/)', () => access(path.resolve(__dirname, '../../dist/rsrun.js')), 'run npm run build');
    s3 = await LocalS3.start();
    project = await mkdtemp(path.join(tmpdir(), 'rsrun-shipcli-'));
    await writeFile(
      path.join(project, 'rsrun.ini'),
      [
        '[project]',
        'name = shop',
        '',
        '[s3]',
        `bucket = ${BUCKET}`,
        'prefix = ci',
        `endpoint = ${s3.endpoint}`,
        'region = us-east-1',
        '',
      ].join('\n'),
    );
    // A run directory as a run leaves it when S3 was unreachable: its files plus the spool marker.
    const runDir = path.join(project, 'reports', runId);
    await mkdir(runDir, { recursive: true });
    const startedAt = '2026-01-02T03:04:05.000Z';
    await writeFile(
      path.join(runDir, 'report.json'),
      JSON.stringify({
        runId,
        command: 'deploy',
        project: 'shop',
        environment: 'test',
        status: 'failed',
        startedAt,
        finishedAt: startedAt,
        durationMs: 10,
        exitCode: 3,
        build: {},
        summary: { migrationsApplied: 0, migrationsFailed: 1, total: 0, passed: 0, failed: 0, errors: 0, skipped: 0 },
      }),
    );
    await writeFile(path.join(runDir, 'report.html'), '<!doctype html><p>failed</p>');
    await writeFile(path.join(runDir, 'run.log'), '{"level":"error","message":"V3 failed"}\n');
    await writeFile(
      path.join(runDir, PENDING_MARKER),
      JSON.stringify({
        runId,
        environment: 'test',
        project: 'shop',
        command: 'deploy',
        startedAt,
        state: 'finished',
        pid: 1,
        host: 'ci-agent-7',
      }),
    );
  });
  after(async () => {
    await s3?.destroy();
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('exits 6 and keeps the spool while S3 is down, ships it once S3 is back, then has nothing left', async () => {
    const runDir = path.join(project, 'reports', runId);
    await s3.stop();
    let down: Awaited<ReturnType<typeof rsrun>>;
    try {
      down = await rsrun(['--project-dir', project, '--log-format', 'text', 'ship']);
    } finally {
      await s3.resume();
    }
    expect(down.code, down.stderr).to.equal(6);
    expect(down.stdout).to.match(
      new RegExp(`^${runId}  still pending: upload of \\S+ to s3://${BUCKET}/ci/test/${runId}/ failed: .*ECONNREFUSED`),
    );
    expect(down.stderr).to.include(`s3://${BUCKET}/ci is unreachable: run records kept in the local spool at ${runDir}`);
    expect(down.stderr).to.include('rsrun: error: 1 of 1 runs could not be shipped; they stay in the spool');
    expect(existsSync(path.join(runDir, PENDING_MARKER))).to.equal(true);

    const up = await rsrun(['--project-dir', project, 'ship']);
    expect(up.code, up.stderr).to.equal(0);
    expect(up.stdout).to.equal(`${runId}  shipped 3 objects to s3://${BUCKET}/ci/test/${runId}/\n`);
    expect(existsSync(path.join(runDir, PENDING_MARKER))).to.equal(false);
    const listed = [...(await s3.list('ci/')).keys()].sort();
    expect(listed).to.deep.equal(
      [
        `ci/test/${runId}/report.html`,
        `ci/test/${runId}/report.json`,
        `ci/test/${runId}/run.log`,
        'ci/index.html',
        'ci/site.json',
        'ci/test/index.html',
        'ci/test/index.json',
      ].sort(),
    );
    const index = JSON.parse(await s3.aws('s3', 'cp', `s3://${BUCKET}/ci/test/index.json`, '-'));
    expect(index.runs[0]).to.include({ runId, status: 'failed', exitCode: 3 });

    const again = await rsrun(['--project-dir', project, 'ship', '--json']);
    expect(again.code).to.equal(0);
    expect(JSON.parse(again.stdout)).to.deep.equal([]);
  });
});
