/**
 * Builds the one ResolvedConfig. Precedence, highest first:
 *   CLI flag  >  RSRUN_<ENV>_<KEY>  >  RSRUN_<KEY>  >  rsrun.ini [env.NAME]  >  dw_config.ini [NAME]  >  defaults.
 * `local` (the default environment) is the embedded warehouse and needs no section.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { GlobalFlags } from '../cli/program';
import { ConfigError } from '../errors';
import { registerSecret } from '../warehouse/aws/secret-registry';
import { readIniFile, type IniDocument, type IniSection } from './ini-file';
import type {
  AuthMode,
  CloudWatchConfig,
  EngineKind,
  EnvironmentConfig,
  LogFormat,
  LogLevel,
  ProjectConfig,
  ResolvedConfig,
  S3Config,
  SslMode,
  TestSettings,
  Transport,
} from './types';
import { interpolate, parseBoolean, parseChoice, parseDuration, parseInteger, parseList, type Where } from './values';

export const DEFAULT_ENV = 'local';
export const CONFIG_FILE = 'rsrun.ini';
export const DW_CONFIG_FILE = 'dw_config.ini';

/** Keys of an `[env.NAME]` section, and the environment variable suffix for each. */
const ENV_KEYS = [
  'engine',
  'host',
  'port',
  'database',
  'user',
  'password',
  'ssl',
  'ssl_root_cert',
  'connect_timeout',
  'statement_timeout',
  'lock_timeout',
  'emulate_redshift',
  'transport',
  'auth',
  'cluster_identifier',
  'workgroup',
  'region',
  'secret_id',
  'db_user',
  'db_groups',
  'auto_create_user',
  'query_group',
  'secret_keys',
  'fresh',
  'local_s3_dir',
  'iam_duration_seconds',
  'data_api_session_keep_alive_seconds',
] as const;

/** The seed sample's dw_config.ini keys, mapped onto ours. */
const DW_KEYS: Record<string, string> = {
  DWH_HOST: 'host',
  DWH_ENDPOINT: 'host',
  DWH_PORT: 'port',
  DWH_DB: 'database',
  DWH_DB_USER: 'user',
  DWH_DB_PASSWORD: 'password',
  DWH_CLUSTER_IDENTIFIER: 'cluster_identifier',
  DWH_REGION: 'region',
};

export interface LoadOptions {
  /** Settings for `rsrun test`/`deploy` from their own flags. */
  tests?: Partial<TestSettings>;
  /**
   * False for commands that never connect to the database (`rsrun ship`): an environment key whose
   * `${VAR}` is not set is left at its default instead of failing, so the database's variables
   * need not exist where runs are shipped.
   */
  connection?: boolean;
}

export async function loadConfig(
  flags: GlobalFlags,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): Promise<ResolvedConfig> {
  const projectDir = path.resolve(flags.projectDir ?? env.RSRUN_PROJECT_DIR ?? '.');
  if (!existsSync(projectDir)) {
    throw new ConfigError(`project directory ${projectDir} does not exist`, {
      hint: 'pass --project-dir DIR (the folder holding rsrun.ini and migrations/)',
    });
  }
  const sources: string[] = [];
  const explicitConfig = flags.config ?? env.RSRUN_CONFIG;
  const configFile = explicitConfig ? path.resolve(explicitConfig) : path.join(projectDir, CONFIG_FILE);
  let doc: IniDocument | undefined;
  if (explicitConfig || existsSync(configFile)) {
    if (!existsSync(configFile))
      throw new ConfigError(`config file ${configFile} does not exist`, { hint: 'check --config / RSRUN_CONFIG' });
    doc = await readIniFile(configFile);
    sources.push(configFile);
  }
  const projectSection = doc?.sections.get('project') ?? {};
  const at = (section: string, key: string, source?: IniDocument): Where => {
    const d = source ?? doc;
    const line = d?.lines.get(`${section}\0${key}`);
    return {
      key: section ? `${section}.${key}` : key,
      source: d ? `${path.basename(d.file)}${line ? `:${line}` : ''}` : 'default',
      ...(d ? { file: d.file } : {}),
      ...(line ? { line } : {}),
    };
  };
  const projectValue = (key: string): string | undefined => {
    const v = projectSection[key];
    return v === undefined ? undefined : interpolate(v, env, at('project', key));
  };

  const dwFile = projectValue('dw_config') ?? env.RSRUN_DW_CONFIG;
  const dwPath = dwFile ? path.resolve(projectDir, dwFile) : path.join(projectDir, DW_CONFIG_FILE);
  let dwDoc: IniDocument | undefined;
  if (existsSync(dwPath)) {
    dwDoc = await readIniFile(dwPath);
    sources.push(dwPath);
  } else if (dwFile) {
    throw new ConfigError(`dw_config file ${dwPath} does not exist`, { hint: 'fix [project] dw_config or RSRUN_DW_CONFIG' });
  }

  const resolveDir = (key: string, fallback: string) => path.resolve(projectDir, projectValue(key) ?? fallback);
  const project: ProjectConfig = {
    dir: projectDir,
    name: projectValue('name') ?? path.basename(projectDir),
    migrationsDir: resolveDir('migrations', 'migrations'),
    testsDir: resolveDir('tests', 'tests'),
    seedsDir: resolveDir('seeds', 'seeds'),
    historySchema: identifier(projectValue('history_schema') ?? 'rsrun', at('project', 'history_schema')),
    historyTable: identifier(projectValue('history_table') ?? 'rsrun_history', at('project', 'history_table')),
    lockTable: identifier(projectValue('lock_table') ?? 'rsrun_lock', at('project', 'lock_table')),
    reportsDir: path.resolve(flags.reportsDir ?? env.RSRUN_REPORTS_DIR ?? path.resolve(projectDir, projectValue('reports') ?? 'reports')),
    stateDir: path.join(projectDir, '.rsrun'),
    extraSections: {},
  };
  if (doc) {
    for (const [name, section] of doc.sections) {
      if (name === 'project' || name.startsWith('env.') || name === 's3' || name === 'cloudwatch' || name === 'tests' || name === '')
        continue;
      project.extraSections[name] = section;
    }
  }

  const envName = (flags.env ?? env.RSRUN_ENV ?? DEFAULT_ENV).trim();
  const environment = resolveEnvironment(envName, flags, env, doc, dwDoc, at, options.connection !== false);
  const secrets = collectSecrets(environment, doc, dwDoc, env);
  // Also known process-wide, so even the last-resort error output in cli/main.ts masks them.
  secrets.forEach(registerSecret);

  const s3Section: IniSection | undefined = doc?.sections.get('s3') ?? (env.RSRUN_S3_BUCKET ? {} : undefined);
  if (s3Section) {
    // RSRUN_S3_BUCKET, ... (e.g. set by Jenkins for a container whose image has no [s3]).
    for (const k of ['bucket', 'prefix', 'region', 'endpoint', 'force_path_style', 'required']) {
      const v = env[`RSRUN_S3_${k.toUpperCase()}`];
      if (v) s3Section[k] = v;
    }
  }
  const s3 = s3Section ? resolveS3(s3Section, env, (k) => at('s3', k)) : undefined;
  const cloudwatch = doc?.sections.get('cloudwatch')
    ? resolveCloudWatch(doc.sections.get('cloudwatch') as IniSection, env, (k) => at('cloudwatch', k))
    : undefined;
  const tests = resolveTests(doc?.sections.get('tests') ?? {}, env, (k) => at('tests', k), options.tests ?? {});
  const shipTimeoutMs = parseDuration(env.RSRUN_SHIP_TIMEOUT ?? projectValue('ship_timeout') ?? '2m', at('project', 'ship_timeout'));

  const logLevel = parseChoice<LogLevel>(flags.logLevel ?? env.RSRUN_LOG_LEVEL ?? 'info', ['error', 'warn', 'info', 'debug'], {
    key: 'log level',
    source: flags.logLevel ? '--log-level' : env.RSRUN_LOG_LEVEL ? 'RSRUN_LOG_LEVEL' : 'default',
  });
  const logFormat = parseChoice<LogFormat>(flags.logFormat ?? env.RSRUN_LOG_FORMAT ?? 'auto', ['auto', 'text', 'json'], {
    key: 'log format',
    source: flags.logFormat ? '--log-format' : env.RSRUN_LOG_FORMAT ? 'RSRUN_LOG_FORMAT' : 'default',
  });

  return {
    project,
    env: environment,
    sources,
    logLevel,
    logFormat,
    s3,
    cloudwatch,
    shipTimeoutMs,
    tests,
    secrets,
    build: {
      commit: env.GIT_COMMIT ?? env.RSRUN_GIT_COMMIT,
      number: env.BUILD_NUMBER ?? env.RSRUN_BUILD_NUMBER,
      branch: env.BRANCH_NAME ?? env.GIT_BRANCH,
      url: env.BUILD_URL,
    },
  };
}

function resolveEnvironment(
  name: string,
  flags: GlobalFlags,
  env: NodeJS.ProcessEnv,
  doc: IniDocument | undefined,
  dwDoc: IniDocument | undefined,
  at: (section: string, key: string, source?: IniDocument) => Where,
  connecting = true,
): EnvironmentConfig {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new ConfigError(`environment name "${name}" is not valid`, { hint: 'use letters, digits, - and _' });
  }
  const sectionName = `env.${name}`;
  const iniSection = doc?.sections.get(sectionName);
  const dwSectionName = dwDoc ? [...dwDoc.sections.keys()].find((s) => s.toLowerCase() === name.toLowerCase()) : undefined;
  const dwSection = dwSectionName ? dwDoc?.sections.get(dwSectionName) : undefined;
  if (!iniSection && !dwSection && name !== DEFAULT_ENV) {
    const known = [
      DEFAULT_ENV,
      ...[...(doc?.sections.keys() ?? [])].filter((s) => s.startsWith('env.')).map((s) => s.slice(4)),
      ...[...(dwDoc?.sections.keys() ?? [])].filter((s) => s !== '').map((s) => s.toLowerCase()),
    ];
    throw new ConfigError(`unknown environment "${name}"`, {
      ...(doc ? { file: doc.file } : {}),
      hint: `known environments: ${[...new Set(known)].join(', ')}; add an [env.${name}] section to rsrun.ini`,
    });
  }

  // Each key: where its winning value came from, for messages.
  const values = new Map<string, { value: string; where: Where }>();
  const setExpanded = (key: string, raw: string, where: Where): void => {
    try {
      values.set(key, { value: interpolate(raw, env, where), where });
    } catch (err) {
      if (connecting || !(err instanceof ConfigError)) throw err;
    }
  };
  if (dwSection && dwDoc && dwSectionName) {
    for (const [k, v] of Object.entries(dwSection)) {
      const ours = DW_KEYS[k.toUpperCase()];
      if (ours) setExpanded(ours, v, at(dwSectionName, k, dwDoc));
    }
    if (!values.has('engine'))
      values.set('engine', { value: 'redshift', where: { key: 'engine', source: `${path.basename(dwDoc.file)} (seed sample layout)` } });
  }
  if (iniSection && doc) {
    for (const [k, v] of Object.entries(iniSection)) {
      const where = at(sectionName, k);
      if (!(ENV_KEYS as readonly string[]).includes(k) && !k.startsWith('x_')) {
        // Unknown keys are kept in `raw` for modules with their own options, but a typo of a core key is an error.
        const near = ENV_KEYS.find((known) => editDistance(known, k) <= 2);
        if (near)
          throw new ConfigError(`unknown key "${k}" in [${sectionName}]`, {
            ...(where.file ? { file: where.file } : {}),
            ...(where.line ? { line: where.line } : {}),
            hint: `did you mean "${near}"?`,
          });
      }
      setExpanded(k, v, where);
    }
  }
  for (const key of ENV_KEYS) {
    const generic = `RSRUN_${key.toUpperCase()}`;
    const specific = `RSRUN_${name.toUpperCase().replace(/-/g, '_')}_${key.toUpperCase()}`;
    if (env[generic] !== undefined && env[generic] !== '' && key !== 'engine')
      values.set(key, { value: env[generic] as string, where: { key, source: generic } });
    if (env[specific] !== undefined && env[specific] !== '')
      values.set(key, { value: env[specific] as string, where: { key, source: specific } });
  }
  const flagMap: Record<string, string | undefined> = { host: flags.host, port: flags.port, database: flags.database, user: flags.user };
  for (const [key, value] of Object.entries(flagMap)) {
    if (value !== undefined) values.set(key, { value, where: { key, source: `--${key}` } });
  }
  if (flags.fresh) values.set('fresh', { value: 'true', where: { key: 'fresh', source: '--fresh' } });

  const get = (key: string) => values.get(key);
  const str = (key: string, fallback: string) => get(key)?.value ?? fallback;
  const opt = (key: string) => {
    const v = get(key)?.value;
    return v === undefined || v === '' ? undefined : v;
  };
  const whereOf = (key: string): Where => get(key)?.where ?? { key, source: 'default' };

  const engine = parseChoice<EngineKind>(
    str('engine', iniSection || dwSection ? 'postgres' : 'embedded'),
    ['embedded', 'postgres', 'redshift'],
    whereOf('engine'),
  );
  const defaultPort = engine === 'redshift' ? 5439 : 5432;
  const auth = parseChoice<AuthMode>(str('auth', 'password'), ['password', 'iam', 'secret'], whereOf('auth'));
  const transport = parseChoice<Transport>(str('transport', 'pg'), ['pg', 'data-api'], whereOf('transport'));
  const host = str('host', engine === 'embedded' ? '127.0.0.1' : '');
  if (connecting && engine !== 'embedded' && host === '' && auth !== 'iam' && auth !== 'secret' && transport !== 'data-api') {
    throw new ConfigError(`environment "${name}" has no host`, {
      ...(doc && iniSection ? { file: doc.file, line: doc.lines.get(sectionName) } : dwDoc ? { file: dwDoc.file } : {}),
      hint: `set host in [env.${name}], or RSRUN_HOST / --host (the seed sample's dw_config.ini gives the host separately)`,
    });
  }
  const raw: Record<string, string> = {};
  for (const [k, v] of values) raw[k] = v.value;

  return {
    name,
    engine,
    host,
    port: parseInteger(str('port', String(defaultPort)), whereOf('port'), 1, 65535),
    database: str('database', engine === 'redshift' ? 'dev' : 'postgres'),
    user: str('user', engine === 'embedded' ? 'postgres' : (env.USER ?? 'postgres')),
    password: opt('password'),
    ssl: parseChoice<SslMode>(
      str('ssl', engine === 'redshift' ? 'verify-full' : 'disable'),
      ['disable', 'require', 'verify-full'],
      whereOf('ssl'),
    ),
    sslRootCert: opt('ssl_root_cert'),
    connectTimeoutMs: parseDuration(str('connect_timeout', '15s'), whereOf('connect_timeout')),
    statementTimeoutMs: parseDuration(str('statement_timeout', '0'), whereOf('statement_timeout')),
    lockTimeoutMs: parseDuration(str('lock_timeout', '10m'), whereOf('lock_timeout')),
    emulateRedshift: parseBoolean(str('emulate_redshift', engine === 'embedded' ? 'true' : 'false'), whereOf('emulate_redshift')),
    fresh: parseBoolean(str('fresh', 'false'), whereOf('fresh')),
    transport,
    auth,
    clusterIdentifier: opt('cluster_identifier'),
    workgroup: opt('workgroup'),
    region: opt('region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    secretId: opt('secret_id'),
    dbUser: opt('db_user'),
    dbGroups: parseList(str('db_groups', '')),
    autoCreateUser: parseBoolean(str('auto_create_user', 'false'), whereOf('auto_create_user')),
    queryGroup: opt('query_group'),
    secretKeys: parseList(str('secret_keys', '')),
    raw,
  };
}

function resolveS3(section: IniSection, env: NodeJS.ProcessEnv, at: (k: string) => Where): S3Config {
  const v = (k: string) => (section[k] === undefined ? undefined : interpolate(section[k] as string, env, at(k)));
  const bucket = v('bucket');
  if (!bucket)
    throw new ConfigError('[s3] has no bucket', {
      ...fileLine(at('bucket')),
      hint: 'add bucket = NAME to [s3], or remove the section to keep reports local',
    });
  return {
    bucket,
    prefix: (v('prefix') ?? 'rsrun').replace(/^\/+|\/+$/g, ''),
    region: v('region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    endpoint: v('endpoint'),
    forcePathStyle: parseBoolean(v('force_path_style') ?? (v('endpoint') ? 'true' : 'false'), at('force_path_style')),
    required: parseBoolean(v('required') ?? 'false', at('required')),
  };
}

function resolveCloudWatch(section: IniSection, env: NodeJS.ProcessEnv, at: (k: string) => Where): CloudWatchConfig {
  const v = (k: string) => (section[k] === undefined ? undefined : interpolate(section[k] as string, env, at(k)));
  return {
    namespace: v('namespace') ?? 'rsrun',
    region: v('region') ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    endpoint: v('endpoint'),
    required: parseBoolean(v('required') ?? 'false', at('required')),
  };
}

// Redshift's default queue under manual WLM has a concurrency level of five (cm-c-defining-query-queues:
// "the default queue ... concurrency level of five"); more parallel tests than slots only wait in the queue.
export const DEFAULT_TEST_CONCURRENCY = 5;

function resolveTests(
  section: IniSection,
  env: NodeJS.ProcessEnv,
  at: (k: string) => Where,
  overrides: Partial<TestSettings>,
): TestSettings {
  const v = (k: string) => (section[k] === undefined ? undefined : interpolate(section[k] as string, env, at(k)));
  const concurrency =
    overrides.concurrency ??
    parseInteger(env.RSRUN_TEST_CONCURRENCY ?? v('concurrency') ?? String(DEFAULT_TEST_CONCURRENCY), at('concurrency'), 1, 64);
  const timeoutMs = overrides.timeoutMs ?? parseDuration(env.RSRUN_TEST_TIMEOUT ?? v('timeout') ?? '5m', at('timeout'));
  return {
    concurrency,
    timeoutMs,
    shard: overrides.shard,
    grep: overrides.grep,
    tags: overrides.tags ?? [],
    durationsFrom: overrides.durationsFrom,
  };
}

/** `i/n` with 1 ≤ i ≤ n. */
export function parseShard(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new ConfigError(`--shard "${value}" is not valid`, { hint: 'write --shard i/n with 1 ≤ i ≤ n, e.g. --shard 2/4' });
  }
  return { index, count };
}

function collectSecrets(
  environment: EnvironmentConfig,
  doc: IniDocument | undefined,
  dwDoc: IniDocument | undefined,
  env: NodeJS.ProcessEnv,
): string[] {
  const secrets = new Set<string>();
  if (environment.password) secrets.add(environment.password);
  for (const key of environment.secretKeys) {
    const v = environment.raw[key];
    if (v) secrets.add(v);
  }
  const secretish = /password|secret|token|credential/i;
  for (const d of [doc, dwDoc]) {
    for (const section of d?.sections.values() ?? []) {
      for (const [k, v] of Object.entries(section)) {
        if (secretish.test(k) && v && !v.includes('${')) secrets.add(v);
      }
    }
  }
  for (const [k, v] of Object.entries(env)) {
    if (v && v.length >= 4 && (/^RSRUN_.*(PASSWORD|SECRET|TOKEN)/.test(k) || k === 'AWS_SECRET_ACCESS_KEY' || k === 'AWS_SESSION_TOKEN'))
      secrets.add(v);
  }
  return [...secrets].filter((s) => s.length > 0);
}

function identifier(value: string, where: Where): string {
  if (!/^[A-Za-z_][A-Za-z0-9_$]{0,126}$/.test(value)) {
    throw new ConfigError(`${where.key} (${where.source}): "${value}" is not a plain SQL identifier`, {
      ...fileLine(where),
      hint: 'use letters, digits and _ (at most 127 characters), starting with a letter',
    });
  }
  return value.toLowerCase();
}

function fileLine(where: Where): { file?: string; line?: number } {
  return { ...(where.file ? { file: where.file } : {}), ...(where.line ? { line: where.line } : {}) };
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (dp[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = dp[i] as number[];
      const prev = dp[i - 1] as number[];
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return (dp[a.length] as number[])[b.length] as number;
}
