/**
 * Command options as the commands receive them: parsed by the real commander program, then into
 * one typed object per command, with each default defined once.
 */
import { expect } from 'chai';
import { CONTAINER_DEFAULTS } from '../../runner/container/command-options';
import { DEFAULT_BASELINE_DESCRIPTION } from '../../runner/cli/defaults';
import {
  baselineOptions,
  containerOptions,
  deployOptions,
  imageOptions,
  lintOptions,
  pipelineOptions,
  testOptions,
} from '../../runner/cli/options';
import type { CommandInput } from '../../runner/cli/command-input';
import { buildProgram } from '../../runner/cli/program';
import { InputError } from '../../runner/errors';

/** What commander hands the command for `args`, without running anything. */
async function parsed(...args: string[]): Promise<CommandInput> {
  let captured: CommandInput | undefined;
  await buildProgram(async (_load, input) => {
    captured = input;
  }).parseAsync(args, { from: 'user' });
  if (!captured) throw new Error(`no command ran for ${args.join(' ')}`);
  return captured;
}

describe('command options', () => {
  it('baseline: the default description is the one defined once', async () => {
    expect(baselineOptions(await parsed('baseline', '--version', '3'))).to.deep.equal({
      json: false,
      version: '3',
      description: DEFAULT_BASELINE_DESCRIPTION,
    });
    expect(baselineOptions(await parsed('baseline', '--version', '3', '--description', 'adopted', '--json'))).to.include({
      json: true,
      description: 'adopted',
    });
  });

  it('deploy: --no-tests', async () => {
    expect(deployOptions(await parsed('deploy'))).to.deep.equal({ json: false, tests: true });
    expect(deployOptions(await parsed('deploy', '--no-tests'))).to.deep.equal({ json: false, tests: false });
  });

  it('test: tags split and trimmed, shard, concurrency and timeout typed; bad values are config errors naming the flag', async () => {
    const { settings } = testOptions(
      await parsed('test', '--tag', 'a, b', '--tag', 'c', '--shard', '2/3', '--concurrency', '4', '--timeout', '30s'),
    );
    expect(settings).to.deep.equal({ tags: ['a', 'b', 'c'], shard: { index: 2, count: 3 }, concurrency: 4, timeoutMs: 30_000 });
    expect(() => testOptions({ global: {}, options: { concurrency: '0' }, operands: [] })).to.throw(/--concurrency/);
  });

  it('lint: text by default; an unknown format is bad input', async () => {
    expect(lintOptions(await parsed('lint'))).to.deep.equal({ format: 'text', junitFile: undefined });
    expect(() => lintOptions({ global: {}, options: { format: 'xml' }, operands: [] })).to.throw(InputError, /unknown --format "xml"/);
  });

  it('image, container and pipeline: Dockerfile, timeout and environments default once (container/command-options.ts)', async () => {
    const pipeline = pipelineOptions(await parsed('pipeline', '--registry', '127.0.0.1:5000'));
    expect(pipeline.build).to.deep.equal({ context: '.', dockerfile: CONTAINER_DEFAULTS.dockerfile, cache: true, offlineDeps: true });
    expect(pipeline.run.timeoutMs).to.equal(30 * 60_000);
    expect(pipeline).to.include({ testEnv: 'test', prodEnv: 'prod' });
    expect(pipeline.image).to.deep.equal({ registry: '127.0.0.1:5000' });
    const container = containerOptions(
      await parsed('container', 'run', '--image', 'x@sha256:ab', '--timeout', '90s', '--pass-env', 'A', '--pass-env', 'B'),
    );
    expect(container).to.deep.include({ action: 'run', image: 'x@sha256:ab', runnerArgs: [] });
    expect(container.run).to.deep.equal({ timeoutMs: 90_000, projectMount: undefined, passEnv: ['A', 'B'], passSecrets: [] });
    expect(imageOptions(await parsed('image', 'build', '--no-cache')).build.cache).to.equal(false);
    expect(() => containerOptions({ global: {}, options: {}, operands: ['run'] })).to.throw(/--image is required/);
  });
});
