/**
 * Scenario 6 — the image. Size of the runtime layers above the base image, and the time from
 * `docker run` to the first SQL statement reaching the warehouse (seen by a proxy on the Docker
 * bridge's gateway address, which forwards to the PostgreSQL server on loopback).
 *
 * Needs the Docker engine and the runner image (labelled org.opencontainers.image.title=rsrun,
 * built by the container issue's scripts / `rsrun image build`); without them each row says why.
 */
import path from 'node:path';
import { type BenchContext, type Scenario } from '../lib/context';
import { generateMigrations, writeRsrunProject } from '../lib/generate-project';
import { LatencyProxy } from '../lib/latency-proxy';
import { createDatabase, dropDatabase } from '../lib/postgres';
import { errorLine, runProcess } from '../lib/process';
import { fmtBytes, fmtMs, unavailable, type ResultRow } from '../lib/results';

const SCENARIO = '6 image';
const BASE_IMAGE = process.env.RSRUN_BENCH_BASE_IMAGE ?? 'node:20-bookworm-slim';

async function docker(args: string[], timeoutMs = 60_000): Promise<string> {
  const r = await runProcess('docker', args, { timeoutMs });
  if (r.exitCode !== 0) throw new Error(`docker ${args[0]} failed: ${r.stderr.trim().split('\n').slice(-2).join(' | ')}`);
  return r.stdout.trim();
}

async function findImage(): Promise<string | undefined> {
  if (process.env.RSRUN_BENCH_IMAGE) return process.env.RSRUN_BENCH_IMAGE;
  const out = await docker(['images', '--filter', 'label=org.opencontainers.image.title=rsrun', '--format', '{{.Repository}}:{{.Tag}}']);
  return out.split('\n').find((l) => l && !l.includes('<none>'));
}

interface Inspect {
  Size: number;
  RootFS: { Layers: string[] };
}

async function inspect(image: string): Promise<Inspect> {
  return (JSON.parse(await docker(['image', 'inspect', image])) as Inspect[])[0]!;
}

export const imageScenario: Scenario = {
  name: 'image',
  async run(ctx) {
    const sizeFigure = `runtime layers above ${BASE_IMAGE}`;
    const startFigure = 'docker run → first SQL statement';
    const info = await runProcess('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 20_000 }).catch(() => undefined);
    if (!info || info.exitCode !== 0) {
      const why = 'no Docker engine answers (scripts of the container issue install and start it)';
      return [unavailable(SCENARIO, sizeFigure, 'reported', why), unavailable(SCENARIO, startFigure, 'reported', why)];
    }
    const image = await findImage();
    if (!image) {
      const why = 'no image labelled org.opencontainers.image.title=rsrun (build it with `rsrun image build`, or set RSRUN_BENCH_IMAGE)';
      return [unavailable(SCENARIO, sizeFigure, 'reported', why), unavailable(SCENARIO, startFigure, 'reported', why)];
    }
    const rows: ResultRow[] = [];
    const img = await inspect(image);
    const base = await inspect(BASE_IMAGE).catch(() => undefined);
    if (base && base.RootFS.Layers.every((l, i) => img.RootFS.Layers[i] === l)) {
      const above = img.Size - base.Size;
      rows.push({
        scenario: SCENARIO,
        figure: `${image}: ${sizeFigure}`,
        value: `${fmtBytes(above)} in ${img.RootFS.Layers.length - base.RootFS.Layers.length} layers (image ${fmtBytes(img.Size)})`,
        target: 'reported',
        verdict: 'pass',
        ratio: `${((above / img.Size) * 100).toFixed(0)}% of the image`,
        data: { above, image: img.Size, base: base.Size },
      });
    } else {
      rows.push({
        scenario: SCENARIO,
        figure: `${image}: ${sizeFigure}`,
        value: `image ${fmtBytes(img.Size)}; ${BASE_IMAGE} ${base ? 'is not its base' : 'not present'}`,
        target: 'reported',
        verdict: 'n/a',
        ratio: '',
      });
    }
    rows.push(await startToFirstStatement(ctx, image, startFigure));
    return rows;
  },
};

async function startToFirstStatement(ctx: BenchContext, image: string, figure: string): Promise<ResultRow> {
  let gateway = await docker(['network', 'inspect', 'bridge', '--format', '{{range .IPAM.Config}}{{.Gateway}}{{end}}']).catch(() => '');
  if (!gateway) {
    // Some daemons leave IPAM's gateway empty for the default bridge: read docker0's address.
    const ip = await runProcess('ip', ['-4', '-o', 'addr', 'show', 'docker0'], { timeoutMs: 5000 }).catch(() => undefined);
    gateway = /inet (\d+\.\d+\.\d+\.\d+)/.exec(ip?.stdout ?? '')?.[1] ?? '';
  }
  if (!gateway) return unavailable(SCENARIO, figure, 'reported', 'the Docker bridge network has no gateway address');
  const proxy = new LatencyProxy({ targetHost: ctx.server.host, targetPort: ctx.server.port, delayMs: 0, listenHost: gateway });
  await proxy.start();
  const database = await createDatabase('image');
  try {
    const dir = path.join(ctx.workDir, 'image', 'project');
    await writeRsrunProject(dir, generateMigrations({ count: 1 }), { host: gateway, port: proxy.port, database, user: ctx.server.user });
    const started = performance.now();
    // The password travels as the container's environment (`-e NAME` takes the value from this process), never on a command line.
    const r = await runProcess(
      'docker',
      [
        'run',
        '--rm',
        '-e',
        'RSRUN_BENCH_PASSWORD',
        '-v',
        `${dir}:/bench:ro`,
        image,
        '--project-dir',
        '/bench',
        '--reports-dir',
        '/tmp/reports',
        '--env',
        'bench',
        'migrate',
      ],
      { env: { ...process.env, RSRUN_BENCH_PASSWORD: ctx.server.password }, timeoutMs: 5 * 60_000 },
    );
    const first = proxy.snapshot().firstStatementAt;
    if (first === undefined) {
      return {
        scenario: SCENARIO,
        figure: `${image}: ${figure}`,
        value: `no statement reached the warehouse (exit ${r.exitCode}: ${errorLine(r.stderr)})`,
        target: 'reported',
        verdict: 'FAIL',
        ratio: '',
      };
    }
    return {
      scenario: SCENARIO,
      figure: `${image}: ${figure}`,
      value: `${fmtMs(first - started)} (whole run ${fmtMs(r.wallMs)}, exit ${r.exitCode})`,
      target: 'reported',
      verdict: r.exitCode === 0 ? 'pass' : 'FAIL',
      ratio: '',
      data: { firstStatementMs: first - started, wallMs: r.wallMs },
    };
  } finally {
    await proxy.stop();
    await dropDatabase(database).catch(() => undefined);
  }
}
