/**
 * One environment's run of an image, as `rsrun container run` and `rsrun pipeline` do it:
 * optional promotion check, the container run, and the promotion record of its outcome.
 */
import path from 'node:path';
import type { Writable } from 'node:stream';
import type Docker from 'dockerode';
import type { ResolvedConfig } from '../config/types';
import { containerSettings } from './container-settings';
import { REPORTS_MOUNT, runContainer, type Mount } from './container-run';
import type { RegistryAuth } from './registry-auth';
import { PromotionRefusedError, recordRun, requirePassed } from './promotion';

/** Where the image's baked-in project lives; mounting a directory here runs other SQL. */
export const PROJECT_MOUNT = '/app/sql';

export interface EnvironmentRunInput {
  /** The host-side configuration of the environment (rsrun.ini resolved with flags and env). */
  config: ResolvedConfig;
  image: string;
  auth: RegistryAuth | undefined;
  /** Container name; default `rsrun-<env>[-<Jenkins job>]` (see defaultContainerName). */
  name?: string;
  timeoutMs: number;
  /** Mount this project directory over the baked-in SQL. */
  projectDir?: string;
  passEnv?: string[];
  passSecrets?: string[];
  /** Runner arguments; default the image's CMD (deploy). */
  args?: string[];
  /** Refuse unless the image's digest passed this environment. */
  requirePassed?: string;
  hostEnv: NodeJS.ProcessEnv;
  stdout: Writable;
  stderr: Writable;
}

export interface EnvironmentRunResult {
  environment: string;
  exitCode: number;
  durationMs: number;
  /** The promotion record written (runs by digest only). */
  recordFile: string | undefined;
}

/**
 * `rsrun-<env>`, plus Jenkins' JOB_NAME when set: the stale-container clean-up of one branch's
 * build must not remove the container another branch's build is running on the same engine.
 */
export function defaultContainerName(environment: string, hostEnv: NodeJS.ProcessEnv): string {
  const job = (hostEnv.JOB_NAME ?? '')
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 100);
  return job ? `rsrun-${environment}-${job}` : `rsrun-${environment}`;
}

export function digestOf(image: string): string | undefined {
  const at = image.lastIndexOf('@');
  return at > 0 && image.slice(at + 1).startsWith('sha256:') ? image.slice(at + 1) : undefined;
}

export async function runEnvironment(docker: Docker, i: EnvironmentRunInput): Promise<EnvironmentRunResult> {
  const environment = i.config.env.name;
  const reportsDir = i.config.project.reportsDir;
  const digest = digestOf(i.image);
  if (i.requirePassed) {
    if (!digest) {
      throw new PromotionRefusedError(`refusing to run ${i.image} on ${environment}: promotion needs an image digest (name@sha256:...)`, {
        hint: 'pass the digest rsrun image push printed',
      });
    }
    await requirePassed(reportsDir, digest, i.requirePassed, environment);
  }
  const settings = containerSettings({ config: i.config, hostEnv: i.hostEnv, passEnv: i.passEnv ?? [], passSecrets: i.passSecrets ?? [] });
  const mounts: Mount[] = i.projectDir ? [{ host: i.projectDir, container: PROJECT_MOUNT, readOnly: true }] : [];
  const result = await runContainer(docker, {
    image: i.image,
    name: i.name ?? defaultContainerName(environment, i.hostEnv),
    auth: i.auth,
    env: { ...settings.env, RSRUN_REPORTS_DIR: REPORTS_MOUNT },
    secrets: settings.secrets,
    ...(i.args && i.args.length > 0 ? { args: i.args } : {}),
    // Each environment's runs in their own folder (<reports>/<env>/<run id>), so a CI stage can
    // publish exactly its own run; promotion records stay in <reports>/promotions.
    reportsDir: path.join(reportsDir, environment),
    mounts,
    timeoutMs: i.timeoutMs,
    stdout: i.stdout,
    stderr: i.stderr,
    labels: { 'io.rsrun.environment': environment },
  });
  let recordFile: string | undefined;
  if (digest) {
    const b = i.config.build;
    recordFile = await recordRun(reportsDir, {
      schemaVersion: 1,
      digest,
      image: i.image,
      environment,
      passed: result.exitCode === 0,
      exitCode: result.exitCode,
      finishedAt: new Date().toISOString(),
      durationMs: result.durationMs,
      build: { ...(b.commit ? { commit: b.commit } : {}), ...(b.number ? { number: b.number } : {}) },
    });
  }
  return { environment, exitCode: result.exitCode, durationMs: result.durationMs, recordFile };
}
