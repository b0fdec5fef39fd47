/**
 * The runner image, built for real through the engine API from the committed tree, and pushed to
 * the local registry with credentials from the environment.
 */
import { expect } from 'chai';
import type Docker from 'dockerode';
import { ExitCode, RsrunError } from '../../runner/errors';
import { pushImage } from '../../runner/container/image-push';
import { resolveRegistryAuth } from '../../runner/container/registry-auth';
import { BASE_IMAGE, REGISTRY, REGISTRY_PASSWORD, REGISTRY_USER, buildOnce, requireDocker, requireRegistry, sink } from './harness';

describe('runner image (Docker engine)', function () {
  this.timeout(15 * 60_000);
  let docker: Docker;

  before(async function () {
    docker = await requireDocker(this);
  });

  it('builds with the commit, build-number and moving tags and OCI labels', async function () {
    const { image, commit, buildLog } = await buildOnce(docker);
    expect(image.refs).to.deep.equal([`${image.name}:${commit.slice(0, 12)}`, `${image.name}:build-42`, `${image.name}:e2e`]);
    expect(
      buildLog.some((l) => /^Step \d+\/\d+ : FROM/.test(l)),
      'build progress streamed',
    ).to.equal(true);
    const info = await docker.getImage(image.refs[0] as string).inspect();
    expect(info.Config.Labels['org.opencontainers.image.revision']).to.equal(commit);
    expect(info.Config.Labels['io.rsrun.build-number']).to.equal('42');
    expect(info.Config.Entrypoint).to.deep.equal(['node', '--env-file=/etc/rsrun/secrets.env', '/app/bin/rsrun.js']);
    expect(info.Config.WorkingDir).to.equal('/app/sql');
    const base = await docker.getImage(BASE_IMAGE).inspect();
    const aboveBase = info.Size - base.Size;
    process.stdout.write(
      `      runtime layers above ${BASE_IMAGE}: ${(aboveBase / 1e6).toFixed(1)} MB (image ${(info.Size / 1e6).toFixed(1)} MB)\n`,
    );
    // Production dependencies only: the dev toolchain (typescript, mocha, playwright, ...) would be several times this.
    expect(aboveBase).to.be.below(250e6);
  });

  it('runs as the non-root user 10001', async function () {
    const { image } = await buildOnce(docker);
    const info = await docker.getImage(image.refs[0] as string).inspect();
    expect(info.Config.User).to.match(/^[1-9]\d*:[1-9]\d*$/);
    const out = sink();
    const [result] = (await docker.run(
      image.refs[0] as string,
      ['-e', 'console.log(String(process.getuid()) + " " + String(process.getgid()))'],
      out.stream,
      {
        Entrypoint: ['node'],
        HostConfig: { AutoRemove: true },
      },
    )) as [{ StatusCode: number }];
    expect(result.StatusCode).to.equal(0);
    expect(out.text()).to.match(/^10001 10001\s*$/);
  });

  it('keeps secrets, node_modules, reports and .git out of the build context', async function () {
    const { image } = await buildOnce(docker);
    const out = sink();
    await docker.run(
      image.refs[0] as string,
      [
        '-e',
        `const fs=require('fs');console.log(['/app/.git','/app/sql/reports','/app/.env','/app/test','/app/runner','/app/node_modules/typescript','/app/node_modules/mocha','/app/dist/rsrun.js'].map(p=>p+'='+fs.existsSync(p)).join(' '))`,
      ],
      out.stream,
      {
        Entrypoint: ['node'],
        HostConfig: { AutoRemove: true },
      },
    );
    expect(out.text().trim().split(' ')).to.deep.equal([
      '/app/.git=false',
      '/app/sql/reports=false',
      '/app/.env=false',
      '/app/test=false',
      '/app/runner=false',
      '/app/node_modules/typescript=false',
      '/app/node_modules/mocha=false',
      '/app/dist/rsrun.js=true',
    ]);
  });

  describe('push', function () {
    before(async function () {
      await requireRegistry(this);
    });

    it('pushes every tag with credentials from the environment and reports the digest the registry stores', async function () {
      const { image } = await buildOnce(docker);
      const { auth, source } = await resolveRegistryAuth(REGISTRY, {
        RSRUN_REGISTRY_USER: REGISTRY_USER,
        RSRUN_REGISTRY_PASSWORD: REGISTRY_PASSWORD,
      });
      expect(source).to.equal('environment');
      const lines: string[] = [];
      const tags = image.refs.map((r) => r.slice(r.lastIndexOf(':') + 1));
      const pushed = await pushImage(docker, { name: image.name, tags, auth, onProgress: (l) => lines.push(l) });
      expect(pushed.digest).to.match(/^sha256:[0-9a-f]{64}$/);
      expect(lines.join('\n')).not.to.include(REGISTRY_PASSWORD);
      // The registry's own answer for each tag is the same manifest digest.
      for (const tag of tags) {
        const res = await fetch(`http://${REGISTRY}/v2/${image.name.slice(REGISTRY.length + 1)}/manifests/${tag}`, {
          method: 'HEAD',
          headers: {
            authorization: `Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64')}`,
            accept: 'application/vnd.docker.distribution.manifest.v2+json',
          },
        });
        expect(res.status).to.equal(200);
        expect(res.headers.get('docker-content-digest')).to.equal(pushed.digest);
      }
    });

    it('fails with ContainerFailed (7) on wrong credentials, without echoing them', async function () {
      const { image } = await buildOnce(docker);
      const wrong = 'not-the-password-4711';
      const err = await pushImage(docker, {
        name: image.name,
        tags: ['e2e'],
        auth: { username: REGISTRY_USER, password: wrong, serveraddress: REGISTRY },
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(RsrunError);
      expect((err as RsrunError).exitCode).to.equal(ExitCode.ContainerFailed);
      expect((err as RsrunError).describe()).to.match(/unauthorized|authentication required|no basic auth/i);
      expect((err as RsrunError).describe()).not.to.include(wrong);
    });
  });
});
