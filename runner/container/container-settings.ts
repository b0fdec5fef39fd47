/**
 * What a containerised run is told about its environment. The runner inside reads the same
 * variables load-config.ts reads on a host (RSRUN_ENV, RSRUN_HOST, RSRUN_PASSWORD, ...), so the
 * image's own rsrun.ini still describes the environments and these only override what differs
 * from inside a container (a host of 127.0.0.1 means the Docker host there).
 */
import type { EnvironmentConfig, ResolvedConfig } from '../config/types';

export const DOCKER_HOST_ALIAS = 'host.docker.internal';

/** Host environment variables that are secrets (the runner treats them as secrets too). */
const SECRET_VAR = /^(RSRUN_.*(PASSWORD|SECRET|TOKEN).*|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)$/;
/** Secrets every environment's container may need: AWS access and rsrun's generic names. */
const SHARED_SECRET_VAR = /^(RSRUN_(PASSWORD|SECRET|TOKEN)\w*|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)$/;
/** Non-secret host variables forwarded when set. */
const PLAIN_VARS = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'BUILD_URL', 'BRANCH_NAME', 'RSRUN_LOG_LEVEL', 'RSRUN_LOG_FORMAT'];

export interface ContainerSettings {
  env: Record<string, string>;
  secrets: Record<string, string>;
}

/** 127.0.0.1 / localhost / ::1 on the host is host.docker.internal inside the container. */
export function containerHost(host: string): string {
  return /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/i.test(host) ? DOCKER_HOST_ALIAS : host;
}

/** Rewrites a URL whose host is loopback (an endpoint from the host's point of view). */
export function containerUrl(url: string): string {
  try {
    const u = new URL(url);
    const h = containerHost(u.hostname);
    if (h === u.hostname) return url;
    u.hostname = h;
    return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
  } catch {
    return url;
  }
}

export interface SettingsInput {
  config: Pick<ResolvedConfig, 'build'> & { env: EnvironmentConfig };
  hostEnv: NodeJS.ProcessEnv;
  /** Extra host variables to forward as plain settings (names only; values read here). */
  passEnv?: string[];
  /** Extra host variables to forward as secrets. */
  passSecrets?: string[];
}

/** `RSRUN_TEST_` for environment `test`: the prefix load-config gives environment-specific overrides. */
export function envVarPrefix(name: string): string {
  return `RSRUN_${name.toUpperCase().replace(/-/g, '_')}_`;
}

export function containerSettings(i: SettingsInput): ContainerSettings {
  const e = i.config.env;
  // A branch environment (`--env test:feature-x`) is resolved again inside: its base's name and
  // settings, and the branch, from which the runner there derives the same database.
  const base = e.branch?.base ?? e.name;
  const prefix = envVarPrefix(base);
  const env: Record<string, string> = { RSRUN_ENV: base, ...(e.branch ? { RSRUN_ENV_BRANCH: e.branch.branch } : {}) };
  const secrets: Record<string, string> = {};
  // Host variables first: the image's rsrun.ini may interpolate them (`host = ${RSRUN_TEST_HOST}`).
  for (const [k, v] of Object.entries(i.hostEnv)) {
    if (v === undefined || v === '') continue;
    if (SECRET_VAR.test(k)) {
      // Another environment's secrets (RSRUN_PROD_PASSWORD in the test run) stay on the host.
      if (SHARED_SECRET_VAR.test(k) || k.startsWith(prefix)) secrets[k] = v;
    } else if (PLAIN_VARS.includes(k) || k.startsWith(prefix) || k.startsWith('RSRUN_S3_')) env[k] = v;
  }
  for (const k of i.passEnv ?? []) {
    const v = i.hostEnv[k];
    if (v !== undefined) env[k] = /^https?:\/\//.test(v) ? containerUrl(v) : v;
  }
  for (const k of i.passSecrets ?? []) {
    const v = i.hostEnv[k];
    if (v !== undefined) secrets[k] = v;
  }
  // Then the settings as resolved on the host, under the environment-specific names, which win
  // over the generic RSRUN_HOST and over the INI inside the container.
  if (e.engine !== 'embedded') {
    if (e.host) env[`${prefix}HOST`] = containerHost(e.host);
    env[`${prefix}PORT`] = String(e.port);
    env[`${prefix}DATABASE`] = e.branch?.baseDatabase ?? e.database;
    env[`${prefix}USER`] = e.user;
  }
  if (e.password !== undefined) secrets[`${prefix}PASSWORD`] = e.password;
  const b = i.config.build;
  if (b.commit) env.GIT_COMMIT = b.commit;
  if (b.number) env.BUILD_NUMBER = b.number;
  // A value is either visible or secret, never both.
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- env is a plain name -> value record
  for (const k of Object.keys(secrets)) delete env[k];
  return { env, secrets };
}
