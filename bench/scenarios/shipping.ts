/**
 * Scenario 4 — shipping. A run directory of 1,000 files / 200 MB uploaded to an S3 server on
 * loopback (s3rver) by rsrun and by Debian's `aws s3 cp --recursive`, to the same server in the
 * same run. Each upload is checked by listing the objects back (count and bytes).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { rsrunHasCommand, runRsrun, type BenchContext, type Scenario } from '../lib/context';
import { errorLine, runProcess } from '../lib/process';
import { fmtBytes, fmtMs, fmtRatio, unavailable, verdict, type ResultRow } from '../lib/results';
import { S3RVER_CREDENTIALS, startLocalS3, type LocalS3 } from '../lib/s3-server';

const SCENARIO = '4 shipping';
/** Debian's AWS CLI (package awscli), not whatever `aws` comes first on PATH. */
const AWS_CLI = '/usr/bin/aws';

export interface RunDirShape {
  files: number;
  bytes: number;
}

/**
 * Writes a run-directory-like tree: a few report files at the top and the rest spread over
 * subfolders (sql/, logs/), incompressible content so no tool wins by compression.
 */
export async function writeRunDirectory(dir: string, shape: RunDirShape): Promise<string[]> {
  const per = Math.floor(shape.bytes / shape.files);
  const names: string[] = [];
  for (let i = 0; i < shape.files; i++) {
    const sub = i < 4 ? '' : i % 2 ? 'sql' : 'logs';
    const name =
      i < 4
        ? ['report.json', 'report.html', 'junit.xml', 'run.log'][i]!
        : `${sub}/part-${String(i).padStart(4, '0')}.${sub === 'sql' ? 'sql' : 'log'}`;
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, randomBytes(per));
    names.push(name);
  }
  return names;
}

/**
 * Objects and bytes under a prefix, counted in s3rver's own store on disk (`<key>._S3rver_object`
 * files). Listing through the API is no check here: s3rver answers ListObjectsV2 over ~1,000 keys
 * with an InternalError.
 */
async function listBack(s3: LocalS3, prefix: string): Promise<RunDirShape> {
  let files = 0;
  let bytes = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('._S3rver_object')) {
        files++;
        bytes += (await stat(p)).size;
      }
    }
  };
  await walk(path.join(s3.dataDir, s3.bucket, prefix));
  return { files, bytes };
}

export const shippingScenario: Scenario = {
  name: 'shipping',
  async run(ctx) {
    const shape: RunDirShape = ctx.quick ? { files: 200, bytes: 40 * 1024 * 1024 } : { files: 1000, bytes: 200 * 1024 * 1024 };
    const label = `${shape.files} files / ${fmtBytes(shape.bytes)} to s3rver on loopback`;
    if (!existsSync(AWS_CLI))
      return [unavailable(SCENARIO, label, 'rsrun ≥ aws s3 cp throughput', `${AWS_CLI} missing (bash scripts/install-bench-peers.sh)`)];
    const runDir = path.join(ctx.workDir, 'shipping', 'run');
    ctx.log(`shipping: writing ${label.split(' to ')[0]}`);
    await writeRunDirectory(runDir, shape);
    const s3 = await startLocalS3(path.join(ctx.workDir, 'shipping', 's3rver'));
    const rows: ResultRow[] = [];
    try {
      ctx.log('shipping: aws s3 cp --recursive');
      const aws = await runProcess(
        AWS_CLI,
        ['--endpoint-url', s3.endpoint, 's3', 'cp', runDir, `s3://${s3.bucket}/aws/`, '--recursive', '--only-show-errors'],
        {
          env: { ...process.env, ...S3RVER_CREDENTIALS },
          timeoutMs: 15 * 60_000,
        },
      );
      const awsBack = await listBack(s3, 'aws/');
      const awsOk = aws.exitCode === 0 && awsBack.files === shape.files;
      const awsMBs = shape.bytes / 1024 / 1024 / (aws.wallMs / 1000);
      rows.push({
        scenario: SCENARIO,
        figure: `aws s3 cp --recursive: ${label}`,
        value: awsOk
          ? `${fmtMs(aws.wallMs)}, ${awsMBs.toFixed(1)} MiB/s; ${awsBack.files} objects read back`
          : `error: exit ${aws.exitCode}, ${awsBack.files} objects: ${errorLine(aws.stderr)}`,
        target: 'reference',
        verdict: awsOk ? 'pass' : 'FAIL',
        ratio: '',
        data: { wallMs: aws.wallMs, back: awsBack },
      });
      rows.push(await shipWithRsrun(ctx, s3, runDir, shape, label, awsOk ? aws.wallMs : NaN));
    } finally {
      await s3.stop();
    }
    return rows;
  },
};

/**
 * rsrun uploads a run directory with `rsrun ship`, which sends what its spool holds. The run
 * directory is placed where the spool expects it (the project's reports dir) and the project
 * points `[s3]` at the loopback server.
 */
async function shipWithRsrun(
  ctx: BenchContext,
  s3: LocalS3,
  runDir: string,
  shape: RunDirShape,
  label: string,
  awsMs: number,
): Promise<ResultRow> {
  const target = 'rsrun ≥ 1.3× aws s3 cp throughput';
  if (!rsrunHasCommand('ship')) return unavailable(SCENARIO, `rsrun ship: ${label}`, target, 'rsrun has no ship command in dist/ yet');
  const project = path.join(ctx.workDir, 'shipping', 'project');
  await mkdir(project, { recursive: true });
  await writeFile(
    path.join(project, 'rsrun.ini'),
    [
      '[project]',
      'name = bench',
      '',
      '[s3]',
      `bucket = ${s3.bucket}`,
      'prefix = rsrun',
      `endpoint = ${s3.endpoint}`,
      'region = us-east-1',
      'force_path_style = true',
      '',
    ].join('\n'),
  );
  const r = await runRsrun(['--project-dir', project, '--log-level', 'warn', 'ship', runDir], {
    env: { ...process.env, ...S3RVER_CREDENTIALS },
    timeoutMs: 15 * 60_000,
  });
  const back = await listBack(s3, 'rsrun/');
  if (r.exitCode !== 0 || back.files < shape.files) {
    return {
      scenario: SCENARIO,
      figure: `rsrun ship: ${label}`,
      value: `error: exit ${r.exitCode}, ${back.files}/${shape.files} objects: ${errorLine(r.stderr)}`,
      target,
      verdict: 'FAIL',
      ratio: '',
    };
  }
  const ratio = awsMs / r.wallMs;
  return {
    scenario: SCENARIO,
    figure: `rsrun ship: ${label}`,
    value: `${fmtMs(r.wallMs)}, ${(shape.bytes / 1024 / 1024 / (r.wallMs / 1000)).toFixed(1)} MiB/s; ${back.files} objects read back`,
    target,
    verdict: Number.isFinite(ratio) ? verdict(ratio >= 1.3) : 'n/a',
    ratio: `${fmtRatio(ratio)} aws throughput`,
    data: { wallMs: r.wallMs, back, ratio },
  };
}
