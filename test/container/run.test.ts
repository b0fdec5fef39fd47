/**
 * `runContainer` on a real engine: stale container removal, live demultiplexed logs, exit code
 * propagation, timeouts, and secrets that never show in `docker inspect` or the logs.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type Docker from 'dockerode';
import { runContainer } from '../../runner/container/container-run';
import { ExitCode, RsrunError } from '../../runner/errors';
import { BASE_IMAGE, buildOnce, requireDocker, sink } from './harness';

describe('container run (Docker engine)', function () {
  this.timeout(10 * 60_000);
  let docker: Docker;
  let reports: string;

  before(async function () {
    docker = await requireDocker(this);
    reports = await mkdtemp(path.join(tmpdir(), 'rsrun-run-reports-'));
  });
  after(async () => {
    if (reports) await rm(reports, { recursive: true, force: true });
  });

  const base = (name: string, args: string[], extra: Partial<Parameters<typeof runContainer>[1]> = {}) => {
    const out = sink();
    const err = sink();
    return {
      out,
      err,
      run: () =>
        runContainer(docker, {
          image: BASE_IMAGE,
          name,
          env: {},
          secrets: {},
          args,
          reportsDir: reports,
          timeoutMs: 60_000,
          stdout: out.stream,
          stderr: err.stream,
          ...extra,
        }),
    };
  };

  it('removes a stale container of the same name, then removes its own', async function () {
    const name = 'rsrun-test-stale';
    await docker
      .getContainer(name)
      .remove({ force: true })
      .catch(() => undefined);
    const stale = await docker.createContainer({ name, Image: BASE_IMAGE, Cmd: ['node', '-e', '0'] });
    const r = base(name, ['node', '-e', 'console.log("fresh")']);
    const result = await r.run();
    expect(result.exitCode).to.equal(0);
    expect(result.containerId).not.to.equal(stale.id);
    expect(r.out.text()).to.equal('fresh\n');
    const left = await docker.listContainers({ all: true, filters: { name: [name] } });
    expect(left).to.have.length(0);
  });

  it('streams stdout and stderr apart and propagates the exit code', async function () {
    const r = base('rsrun-test-exit', ['node', '-e', 'console.log("to stdout"); console.error("to stderr"); process.exit(3)']);
    const result = await r.run();
    expect(result.exitCode).to.equal(3);
    expect(r.out.text()).to.equal('to stdout\n');
    expect(r.err.text()).to.equal('to stderr\n');
  });

  it('streams logs while the container runs, not only at its end', async function () {
    const r = base('rsrun-test-live', ['node', '-e', 'console.log("first"); setTimeout(() => console.log("second"), 1500)']);
    let sawFirstWhileRunning = false;
    r.out.stream.on('data', () => {
      if (!sawFirstWhileRunning && r.out.text().includes('first') && !r.out.text().includes('second')) sawFirstWhileRunning = true;
    });
    await r.run();
    expect(sawFirstWhileRunning).to.equal(true);
    expect(r.out.text()).to.equal('first\nsecond\n');
  });

  it('stops and removes a hung container at its timeout with ContainerFailed (7)', async function () {
    const name = 'rsrun-test-hung';
    const r = base(name, ['node', '-e', 'setInterval(() => undefined, 1000)'], { timeoutMs: 2000, stopGraceSeconds: 1 });
    const err = await r.run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(RsrunError);
    expect((err as RsrunError).exitCode).to.equal(ExitCode.ContainerFailed);
    expect((err as RsrunError).message).to.match(/did not finish within 2 s; it was stopped and removed/);
    expect(await docker.listContainers({ all: true, filters: { name: [name] } })).to.have.length(0);
  });

  it('delivers secrets through the mounted env file: absent from inspect (Env, Cmd, Args) and from the logs', async function () {
    const secret = 'pw-Zq8#"x y=`$HOME';
    const name = 'rsrun-test-secret';
    // The same entrypoint shape as the image: node loads the mounted file with --env-file.
    const script =
      'const pw = process.env.RSRUN_TEST_PASSWORD; console.log("len=" + pw.length); console.log("echo " + pw); setTimeout(() => undefined, 2000)';
    const r = base(name, ['node', '--env-file=/etc/rsrun/secrets.env', '-e', script], {
      env: { RSRUN_ENV: 'test' },
      secrets: { RSRUN_TEST_PASSWORD: secret },
    });
    const running = r.run();
    let inspected: string | undefined;
    for (let i = 0; i < 100 && inspected === undefined; i++) {
      const info = await docker
        .getContainer(name)
        .inspect()
        .catch(() => undefined);
      if (info?.State.Running) inspected = JSON.stringify(info);
      else await new Promise((res) => setTimeout(res, 50));
    }
    const result = await running;
    expect(result.exitCode).to.equal(0);
    expect(inspected, 'container inspected while running').to.be.a('string');
    expect(inspected).to.include('RSRUN_ENV=test');
    expect(inspected).not.to.include(secret);
    expect(inspected).not.to.include('pw-Zq8');
    // Delivered intact (length of the exact value), and masked when the process prints it.
    expect(r.out.text()).to.include(`len=${secret.length}\n`);
    expect(r.out.text()).to.include('echo ***\n');
    expect(r.out.text()).not.to.include('pw-Zq8');
    const mount = JSON.parse(inspected as string).Mounts.find((m: { Destination: string }) => m.Destination === '/etc/rsrun/secrets.env');
    expect(mount.RW).to.equal(false);
    expect(existsSync(mount.Source), 'secrets file deleted after the run').to.equal(false);
  });

  it('runs the real image: --version on stdout, bad usage exits 2 with the message on stderr', async function () {
    const { image } = await buildOnce(docker);
    const ok = sink();
    const okErr = sink();
    const v = await runContainer(docker, {
      image: image.refs[0] as string,
      name: 'rsrun-test-version',
      env: {},
      secrets: {},
      args: ['--version'],
      reportsDir: reports,
      timeoutMs: 60_000,
      stdout: ok.stream,
      stderr: okErr.stream,
    });
    expect(v.exitCode).to.equal(0);
    expect(ok.text()).to.match(/^\d+\.\d+\.\d+\n$/);
    const bad = sink();
    const badErr = sink();
    const b = await runContainer(docker, {
      image: image.refs[0] as string,
      name: 'rsrun-test-usage',
      env: {},
      secrets: {},
      args: ['no-such-command'],
      reportsDir: reports,
      timeoutMs: 60_000,
      stdout: bad.stream,
      stderr: badErr.stream,
    });
    expect(b.exitCode).to.equal(ExitCode.BadInput);
    expect(bad.text()).to.equal('');
    expect(badErr.text()).to.match(/unknown command/);
  });
});
