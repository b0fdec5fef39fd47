/**
 * One environment (`--env NAME`): its `[env.NAME]` section of rsrun.ini, or the seed sample's
 * `dw_config.ini` section of that name, then variables and flags, typed by the key table.
 */
import path from 'node:path';
import { ConfigError } from '../errors';
import type { IniDocument, IniSection } from './ini-file';
import { ENV_KEYS } from './keys';
import { iniValues, resolveKeys, withEnvVars, type RawValue } from './resolve-keys';
import { parseChoice, valueError } from './values';
import type { ConfigFlags, EngineKind, EnvironmentConfig, ProjectConfig } from './types';

export const DEFAULT_ENV = 'local';

/** The seed sample's dw_config.ini keys (configparser lower-cases them), mapped onto ours. */
const DW_KEYS: Record<string, string> = {
  dwh_host: 'host',
  dwh_endpoint: 'host',
  dwh_port: 'port',
  dwh_db: 'database',
  dwh_db_user: 'user',
  dwh_db_password: 'password',
  dwh_cluster_identifier: 'cluster_identifier',
  dwh_region: 'region',
};

export interface EnvironmentInput {
  name: string;
  flags: ConfigFlags;
  env: NodeJS.ProcessEnv;
  doc: IniDocument | undefined;
  dwDoc: IniDocument | undefined;
  project: ProjectConfig;
  /** Settings that do not apply are reported here, not silently ignored. */
  warnings: string[];
  /** False when the command never connects (`rsrun ship`): unset `${VAR}`s leave their key unset. */
  connecting?: boolean;
}

/** dw_config.ini sections that describe a cluster (its `[AWS]` section of keys is not one). */
function dwEnvironments(dwDoc: IniDocument | undefined): IniSection[] {
  return (dwDoc?.sections ?? []).filter((s) => s.entries.some((e) => e.key in DW_KEYS));
}

export function resolveEnvironment(input: EnvironmentInput): EnvironmentConfig {
  const { name, env, doc, dwDoc, project, warnings } = input;
  const connecting = input.connecting !== false;
  const label = `env.${name}`;
  const { section, dwSection } = sectionsOf(name, doc, dwDoc);
  const values = valuesOf(input, section, dwSection);
  const engineRaw = values.get('engine');
  const engine = engineRaw
    ? parseChoice<EngineKind>(engineRaw.value, ENV_KEYS.engine.choices, engineRaw.where)
    : (ENV_KEYS.engine.default({ engine: 'embedded', envName: name, processEnv: env }) as EngineKind);
  const e = resolveKeys(ENV_KEYS, values, { label, baseDir: project.dir, defaults: { engine, envName: name, processEnv: env } });

  refuseEmulationOnRedshift(engine, values.get('emulate_redshift'), e.emulate_redshift);
  if (connecting && engine !== 'embedded' && !e.host && e.auth === 'password' && e.transport !== 'data-api') {
    throw new ConfigError(`environment "${name}" has no host`, {
      ...(doc && section ? { file: doc.file, line: section.line } : dwDoc ? { file: dwDoc.file } : {}),
      hint: `set host in [env.${name}], or RSRUN_HOST / --host (the seed sample's dw_config.ini gives the host separately)`,
    });
  }
  warnAboutUnused(name, engine, e, values, warnings);

  const raw: Record<string, string> = {};
  for (const [k, v] of values) raw[k] = v.value;
  return {
    name,
    engine,
    host: e.host ?? '',
    port: e.port,
    database: e.database,
    user: e.user,
    password: e.password === '' ? undefined : e.password,
    ssl: e.ssl,
    sslRootCert: e.ssl_root_cert,
    connectTimeoutMs: e.connect_timeout,
    statementTimeoutMs: e.statement_timeout,
    lockTimeoutMs: e.lock_timeout,
    emulateRedshift: e.emulate_redshift,
    fresh: e.fresh && engine === 'embedded',
    copySource: e.local_s3_dir
      ? { kind: 'dir', dir: e.local_s3_dir }
      : e.s3_endpoint
        ? { kind: 'endpoint', endpoint: e.s3_endpoint }
        : { kind: 'dir', dir: path.join(project.stateDir, 's3') },
    transport: e.transport,
    auth: e.auth,
    clusterIdentifier: e.cluster_identifier || undefined,
    workgroup: e.workgroup || undefined,
    region: e.region || env.AWS_REGION || env.AWS_DEFAULT_REGION,
    secretId: e.secret_id || undefined,
    dbUser: e.db_user || undefined,
    dbGroups: e.db_groups,
    autoCreateUser: e.auto_create_user,
    queryGroup: e.query_group || undefined,
    drift: { mode: e.drift, include: e.drift_include, exclude: e.drift_exclude },
    secretKeys: e.secret_keys,
    raw,
    branches: { seed: e.branch_seed, clone: e.branch_clone, max: e.branch_max },
  };
}

/** The environment's `[env.NAME]` section and dw_config.ini section; an unknown name lists the known ones. */
function sectionsOf(
  name: string,
  doc: IniDocument | undefined,
  dwDoc: IniDocument | undefined,
): { section: IniSection | undefined; dwSection: IniSection | undefined } {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new ConfigError(`environment name "${name}" is not valid`, { hint: 'use letters, digits, - and _' });
  }
  const section = doc?.sections.find((s) => s.name === `env.${name}`);
  const dwSection = dwEnvironments(dwDoc).find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!section && !dwSection && name !== DEFAULT_ENV) {
    const known = [
      DEFAULT_ENV,
      ...(doc?.sections ?? []).filter((s) => s.name.startsWith('env.')).map((s) => s.name.slice(4)),
      ...dwEnvironments(dwDoc).map((s) => s.name.toLowerCase()),
    ];
    throw new ConfigError(`unknown environment "${name}"`, {
      ...(doc ? { file: doc.file } : {}),
      hint: `known environments: ${[...new Set(known)].join(', ')}; add an [env.${name}] section to rsrun.ini`,
    });
  }
  return { section, dwSection };
}

/** Every value set for the environment, lowest precedence first: dw_config.ini, rsrun.ini, variables, flags. */
function valuesOf(input: EnvironmentInput, section: IniSection | undefined, dwSection: IniSection | undefined): Map<string, RawValue> {
  const { name, flags, env, doc, dwDoc } = input;
  // A command that never connects (`rsrun ship`) does not need the database's ${VAR}s.
  const lenient = input.connecting === false;
  const values = new Map<string, RawValue>();
  if (dwSection && dwDoc) {
    for (const [key, raw] of iniValues(dwDoc, dwSection, env, lenient)) {
      const ours = DW_KEYS[key];
      if (ours) values.set(ours, raw);
    }
    values.set('engine', { value: 'redshift', where: { key: 'engine', source: `${path.basename(dwDoc.file)} (seed sample layout)` } });
  }
  for (const [key, raw] of iniValues(doc, section, env, lenient)) values.set(key, raw);
  withEnvVars(ENV_KEYS, values, env, `env.${name}`, name);
  const flagged: Record<string, string | undefined> = { host: flags.host, port: flags.port, database: flags.database, user: flags.user };
  for (const [key, value] of Object.entries(flagged)) {
    if (value !== undefined) values.set(key, { value, where: { key, source: `--${key}` } });
  }
  if (flags.fresh) values.set('fresh', { value: 'true', where: { key: 'fresh', source: '--fresh' } });
  return values;
}

/**
 * The emulation installs a compatibility schema and rewrites statements: on a real cluster that
 * would change what is deployed, so `emulate_redshift = true` with `engine = redshift` is refused.
 */
function refuseEmulationOnRedshift(engine: EngineKind, given: RawValue | undefined, emulate: boolean): void {
  if (engine !== 'redshift' || !emulate || !given) return;
  throw valueError(
    'emulate_redshift = true cannot be used with engine = redshift: the emulation is for local PostgreSQL engines',
    given.where,
    'remove emulate_redshift from this environment (Redshift runs Redshift SQL natively)',
  );
}

function warnAboutUnused(
  name: string,
  engine: EngineKind,
  e: { emulate_redshift: boolean; local_s3_dir: string | undefined; s3_endpoint: string | undefined; fresh: boolean },
  values: Map<string, RawValue>,
  warnings: string[],
): void {
  const from = (key: string) => values.get(key)?.where.source ?? key;
  if (e.fresh && engine !== 'embedded') {
    warnings.push(`${from('fresh')} is ignored: environment "${name}" is ${engine}, and only the embedded warehouse can be discarded`);
  }
  for (const key of ['local_s3_dir', 's3_endpoint'] as const) {
    if (e[key] !== undefined && !e.emulate_redshift) {
      warnings.push(`${key} (${from(key)}) is ignored: environment "${name}" does not emulate Redshift, so COPY/UNLOAD go to S3 itself`);
    }
  }
  if (e.local_s3_dir !== undefined && e.s3_endpoint !== undefined && e.emulate_redshift) {
    warnings.push(`s3_endpoint (${from('s3_endpoint')}) is ignored: local_s3_dir is set too, and COPY/UNLOAD use it`);
  }
}
