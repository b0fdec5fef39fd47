/**
 * The Jenkinsfile's flow on one machine: build → push → run on test → run on prod, the prod run
 * only for the digest whose test run passed (checked against the promotion record, not assumed),
 * and a stage summary at the end.
 */
import type { Writable } from 'node:stream';
import type Docker from 'dockerode';
import type { ResolvedConfig } from '../config/types';
import { ExitCode, isRsrunError, messageOf } from '../errors';
import { buildImage, type BuildOptions } from './image-build';
import { buildTags, digestRef, imageName } from './image-ref';
import { pushImage } from './image-push';
import type { RegistryAuth } from './registry-auth';
import { runEnvironment, type EnvironmentRunInput } from './run-environment';

export type StageStatus = 'passed' | 'failed' | 'skipped';

export interface StageResult {
  stage: string;
  status: StageStatus;
  exitCode: number;
  durationMs: number;
  detail: string;
}

export interface PipelineInput {
  build: Omit<BuildOptions, 'onProgress'>;
  /** Runs before the build (e.g. staging offline dependencies). */
  prepare?: () => Promise<void>;
  auth: RegistryAuth | undefined;
  testConfig: ResolvedConfig;
  prodConfig: ResolvedConfig;
  run: Pick<EnvironmentRunInput, 'timeoutMs' | 'projectDir' | 'passEnv' | 'passSecrets' | 'args' | 'hostEnv'>;
  stdout: Writable;
  stderr: Writable;
  progress: (stage: string) => (line: string) => void;
}

export interface PipelineResult {
  stages: StageResult[];
  image: string | undefined;
  exitCode: number;
}

export async function runPipeline(docker: Docker, p: PipelineInput): Promise<PipelineResult> {
  const stages: StageResult[] = [];
  let image: string | undefined;
  const stage = async (name: string, body: () => Promise<{ exitCode: number; detail: string }>): Promise<boolean> => {
    const started = Date.now();
    try {
      const { exitCode, detail } = await body();
      stages.push({ stage: name, status: exitCode === 0 ? 'passed' : 'failed', exitCode, durationMs: Date.now() - started, detail });
      return exitCode === 0;
    } catch (err) {
      const exitCode = isRsrunError(err) ? err.exitCode : ExitCode.Internal;
      const detail = isRsrunError(err) ? err.describe() : messageOf(err);
      stages.push({ stage: name, status: 'failed', exitCode, durationMs: Date.now() - started, detail });
      return false;
    }
  };
  const skip = (name: string, why: string) => stages.push({ stage: name, status: 'skipped', exitCode: 0, durationMs: 0, detail: why });

  const testEnv = p.testConfig.env.name;
  const prodEnv = p.prodConfig.env.name;
  const ok =
    (await stage('build', async () => {
      await p.prepare?.();
      const built = await buildImage(docker, { ...p.build, onProgress: p.progress('build') });
      return { exitCode: 0, detail: built.refs.join(', ') };
    })) &&
    (await stage('push', async () => {
      const pushed = await pushImage(docker, {
        name: imageName(p.build),
        tags: buildTags(p.build),
        auth: p.auth,
        onProgress: p.progress('push'),
      });
      image = digestRef(pushed.name, pushed.digest);
      return { exitCode: 0, detail: image };
    }));
  const runStage = (config: ResolvedConfig, requirePassed?: string) => async () => {
    const r = await runEnvironment(docker, {
      ...p.run,
      config,
      image: image as string,
      auth: p.auth,
      ...(requirePassed ? { requirePassed } : {}),
      stdout: p.stdout,
      stderr: p.stderr,
    });
    return { exitCode: r.exitCode, detail: `exit code ${r.exitCode}${r.recordFile ? `; ${r.recordFile}` : ''}` };
  };
  const testOk = ok ? await stage(`run ${testEnv}`, runStage(p.testConfig)) : (skip(`run ${testEnv}`, 'no image'), false);
  if (testOk) await stage(`run ${prodEnv}`, runStage(p.prodConfig, testEnv));
  else skip(`run ${prodEnv}`, ok ? `not promoted: the run on ${testEnv} failed` : 'no image');

  const failed = stages.find((s) => s.status === 'failed');
  return { stages, image, exitCode: failed ? failed.exitCode : 0 };
}

/** The stage summary as a person reads it at the end of a CI log. */
export function formatSummary(r: PipelineResult): string {
  const width = Math.max(...r.stages.map((s) => s.stage.length));
  const lines = r.stages.map(
    (s) =>
      `  ${s.stage.padEnd(width)}  ${s.status.toUpperCase().padEnd(7)}  ${(s.durationMs / 1000).toFixed(1).padStart(6)} s  ${s.detail.split('\n')[0]}`,
  );
  return [`pipeline ${r.exitCode === 0 ? 'passed' : `failed (exit code ${r.exitCode})`}${r.image ? `: ${r.image}` : ''}`, ...lines].join(
    '\n',
  );
}
