/**
 * The runner image as a command-line tool on a project of one's own, with nothing installed but
 * Docker (issue 15): `docker run --rm -u UID:GID -v "$PWD:/work" -w /work <image> plan`.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../support/cli';
import { buildOnce, requireDocker } from './harness';

const exec = promisify(execFile);

describe('the runner image as a CLI', function () {
  this.timeout(1_200_000);
  const root = mkdtempSync(path.join(tmpdir(), 'rsrun-image-cli-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('docker run -v "$PWD:/work" -w /work <image> plan lists the new project\'s migration', async function () {
    const docker = await requireDocker(this);
    const { image } = await buildOnce(docker);
    const project = path.join(root, 'my-warehouse');
    const init = await runCli(['init', project]);
    expect(init.code, init.stderr).to.equal(0);
    // The user's own uid, so what the run writes (.rsrun/, reports/) belongs to them.
    const user = `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`;
    const { stdout } = await exec(
      'docker',
      ['run', '--rm', '-u', user, '-v', `${project}:/work`, '-w', '/work', image.refs[0] as string, 'plan'],
      {
        timeout: 600_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    expect(stdout).to.contain('V1__example.sql');
  });
});
