/**
 * Builds the one ResolvedConfig. Precedence, highest first:
 *   CLI flag  >  RSRUN_<ENV>_<KEY>  >  RSRUN_<KEY>  >  rsrun.ini  >  dw_config.ini [NAME]  >  defaults.
 * Which keys exist, their types, defaults and variables: the table in `keys.ts`.
 * `local` (the default environment) is the embedded warehouse and needs no section.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors';
import { registerSecret } from '../warehouse/aws/secret-registry';
import { branchEnvironment, splitEnvName } from './branch-target';
import { resolveEnvironment, DEFAULT_ENV } from './environment';
import { readIniFile, type IniDocument, type IniSection } from './ini-file';
import { CLOUDWATCH_KEYS, PROJECT_KEYS, S3_KEYS, TESTS_KEYS, TEST_SECTION, USER_KEY, SECTIONS, closest, sectionIdOf } from './keys';
import { buildInfo, readGit } from './provenance';
import { iniValues, resolveKeys, withEnvVars } from './resolve-keys';
import type { CloudWatchConfig, ConfigFlags, LogFormat, LogLevel, ProjectConfig, ResolvedConfig, S3Config, TestSettings } from './types';
import { parseChoice } from './values';

export { DEFAULT_ENV } from './environment';
export const CONFIG_FILE = 'rsrun.ini';

export interface LoadOptions {
  /** Settings for `rsrun test`/`deploy` from their own flags. */
  tests?: Partial<TestSettings>;
  /** Read commit, branch and author from git (recorded runs only: it costs a process). */
  provenance?: boolean;
  /**
   * False for commands that never connect to the database (`rsrun ship`): an environment key whose
   * `${VAR}` is not set is left unset instead of failing, so the database's variables need not
   * exist where runs are shipped.
   */
  connection?: boolean;
}

export async function loadConfig(
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): Promise<ResolvedConfig> {
  const projectDir = path.resolve(flags.projectDir ?? env.RSRUN_PROJECT_DIR ?? '.');
  if (!existsSync(projectDir)) {
    throw new ConfigError(`project directory ${projectDir} does not exist`, {
      hint: 'pass --project-dir DIR (the folder holding rsrun.ini and migrations/), or run `rsrun init DIR` to create one',
    });
  }
  const sources: string[] = [];
  const doc = await readRsrunIni(projectDir, flags, env, sources);
  const sectionOf = (name: string) => doc?.sections.find((s) => s.name === name);
  const { project, dwConfig, shipTimeoutMs } = resolveProject(projectDir, doc, flags, env);
  let dwDoc: IniDocument | undefined;
  if (existsSync(dwConfig.path)) {
    // The seed sample's Python reads dw_config.ini with configparser: so does rsrun.
    dwDoc = await readIniFile(dwConfig.path, 'configparser');
    sources.push(dwConfig.path);
  } else if (dwConfig.explicit) {
    throw new ConfigError(`dw_config file ${dwConfig.path} does not exist`, { hint: 'fix [project] dw_config or RSRUN_DW_CONFIG' });
  }

  const warnings: string[] = [];
  const { base, branch } = splitEnvName(flags.env ?? env.RSRUN_ENV ?? DEFAULT_ENV, env);
  const baseEnvironment = resolveEnvironment({
    name: base,
    flags,
    env,
    doc,
    dwDoc,
    project,
    warnings,
    connecting: options.connection !== false,
  });
  const environment = branch === undefined ? baseEnvironment : branchEnvironment(baseEnvironment, branch);
  const secrets = collectSecrets(
    environment.password,
    environment.secretKeys.map((k) => environment.raw[k]),
    [doc, dwDoc],
    env,
  );
  // Also known process-wide, so even the last-resort error output in cli/main.ts masks them.
  secrets.forEach(registerSecret);
  return {
    project,
    env: environment,
    sources,
    ...logSettings(flags, env),
    s3: resolveS3(doc, sectionOf('s3'), env, projectDir),
    cloudwatch: resolveCloudWatch(doc, sectionOf('cloudwatch'), env, projectDir),
    tests: resolveTests(doc, sectionOf('tests'), env, projectDir, options.tests ?? {}),
    shipTimeoutMs,
    secrets,
    warnings,
    build: buildInfo(env, options.provenance ? await readGit(projectDir) : {}),
  };
}

/** rsrun.ini (or --config / RSRUN_CONFIG), checked for unknown sections and keys; none is fine. */
async function readRsrunIni(
  projectDir: string,
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv,
  sources: string[],
): Promise<IniDocument | undefined> {
  const explicit = flags.config ?? env.RSRUN_CONFIG;
  const file = explicit ? path.resolve(explicit) : path.join(projectDir, CONFIG_FILE);
  if (!existsSync(file)) {
    if (explicit) throw new ConfigError(`config file ${file} does not exist`, { hint: 'check --config / RSRUN_CONFIG' });
    return undefined;
  }
  const doc = await readIniFile(file, 'rsrun');
  sources.push(file);
  checkKnownKeys(doc);
  return doc;
}

function resolveProject(
  projectDir: string,
  doc: IniDocument | undefined,
  flags: ConfigFlags,
  env: NodeJS.ProcessEnv,
): { project: ProjectConfig; dwConfig: { path: string; explicit: boolean }; shipTimeoutMs: number } {
  const values = withEnvVars(
    PROJECT_KEYS,
    iniValues(
      doc,
      doc?.sections.find((s) => s.name === 'project'),
      env,
    ),
    env,
    'project',
  );
  if (flags.reportsDir) values.set('reports', { value: flags.reportsDir, where: { key: 'reports', source: '--reports-dir' } });
  const p = resolveKeys(PROJECT_KEYS, values, { label: 'project', baseDir: projectDir });
  const extraSections: ProjectConfig['extraSections'] = {};
  for (const s of doc?.sections ?? []) {
    if (s.name === 'lint' || s.name === 'site' || TEST_SECTION.test(s.name))
      extraSections[s.name] = Object.fromEntries(s.entries.map((e) => [e.key, e.value]));
  }
  const project: ProjectConfig = {
    dir: projectDir,
    name: p.name ?? path.basename(projectDir),
    migrationsDir: p.migrations,
    testsDir: p.tests,
    seedsDir: p.seeds,
    historySchema: p.history_schema,
    historyTable: p.history_table,
    lockTable: p.lock_table,
    lockTtlMs: p.lock_ttl,
    keepRuns: p.keep_runs,
    reportsDir: p.reports,
    stateDir: path.join(projectDir, '.rsrun'),
    extraSections,
  };
  return { project, dwConfig: { path: p.dw_config, explicit: values.has('dw_config') }, shipTimeoutMs: p.ship_timeout };
}

function logSettings(flags: ConfigFlags, env: NodeJS.ProcessEnv): { logLevel: LogLevel; logFormat: LogFormat } {
  return {
    logLevel: parseChoice<LogLevel>(flags.logLevel ?? env.RSRUN_LOG_LEVEL ?? 'info', ['error', 'warn', 'info', 'debug'], {
      key: 'log level',
      source: flags.logLevel ? '--log-level' : env.RSRUN_LOG_LEVEL ? 'RSRUN_LOG_LEVEL' : 'default',
    }),
    logFormat: parseChoice<LogFormat>(flags.logFormat ?? env.RSRUN_LOG_FORMAT ?? 'auto', ['auto', 'text', 'json'], {
      key: 'log format',
      source: flags.logFormat ? '--log-format' : env.RSRUN_LOG_FORMAT ? 'RSRUN_LOG_FORMAT' : 'default',
    }),
  };
}

/** Every section and key of rsrun.ini must be one rsrun reads: a typo is an error at its line, never ignored. */
function checkKnownKeys(doc: IniDocument): void {
  const known = Object.keys(SECTIONS).filter((s) => s !== 'env');
  for (const section of doc.sections) {
    if (TEST_SECTION.test(section.name)) continue;
    const id = sectionIdOf(section.name);
    if (!id) {
      // `[env-test]`, `[env test]`, `[Env.test]`: an environment section written wrong.
      const envLike = /^env\W+([A-Za-z0-9_-]+)$/i.exec(section.name);
      const near = envLike ? `env.${envLike[1] as string}` : closest(section.name, known);
      throw new ConfigError(`unknown section [${section.name}]`, {
        file: doc.file,
        line: section.line,
        hint: near
          ? `did you mean [${near}]?`
          : `rsrun.ini sections: ${known.map((s) => `[${s}]`).join(', ')}, [env.NAME] (letters, digits, - and _), [assert TABLE], [TESTSUITE_*]`,
      });
    }
    const keys = Object.keys(SECTIONS[id]);
    for (const e of section.entries) {
      if (keys.includes(e.key) || (id === 'env' && USER_KEY.test(e.key))) continue;
      const near = closest(e.key, keys);
      throw new ConfigError(`unknown key "${e.key}" in [${section.name}]`, {
        file: doc.file,
        line: e.line,
        hint: near ? `did you mean "${near}"?` : `[${section.name}] keys: ${keys.join(', ')}${id === 'env' ? ' (x_* keys are yours)' : ''}`,
      });
    }
  }
}

function resolveS3(
  doc: IniDocument | undefined,
  section: IniSection | undefined,
  env: NodeJS.ProcessEnv,
  baseDir: string,
): S3Config | undefined {
  // RSRUN_S3_BUCKET alone enables it (Jenkins sets it for a container whose image has no [s3]).
  if (!section && !env.RSRUN_S3_BUCKET) return undefined;
  const values = withEnvVars(S3_KEYS, iniValues(doc, section, env), env, 's3');
  const s = resolveKeys(S3_KEYS, values, { label: 's3', baseDir });
  if (!s.bucket) {
    throw new ConfigError('[s3] has no bucket', {
      ...(doc && section ? { file: doc.file, line: section.line } : {}),
      hint: 'add bucket = NAME to [s3], or remove the section to keep reports local',
    });
  }
  return {
    bucket: s.bucket,
    prefix: s.prefix.replace(/^\/+|\/+$/g, ''),
    region: s.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    endpoint: s.endpoint,
    forcePathStyle: s.force_path_style ?? s.endpoint !== undefined,
    required: s.required,
  };
}

function resolveCloudWatch(
  doc: IniDocument | undefined,
  section: IniSection | undefined,
  env: NodeJS.ProcessEnv,
  baseDir: string,
): CloudWatchConfig | undefined {
  if (!section) return undefined;
  const c = resolveKeys(CLOUDWATCH_KEYS, iniValues(doc, section, env), { label: 'cloudwatch', baseDir });
  return {
    namespace: c.namespace,
    region: c.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    endpoint: c.endpoint,
    required: c.required,
  };
}

function resolveTests(
  doc: IniDocument | undefined,
  section: IniSection | undefined,
  env: NodeJS.ProcessEnv,
  baseDir: string,
  overrides: Partial<TestSettings>,
): TestSettings {
  const t = resolveKeys(TESTS_KEYS, withEnvVars(TESTS_KEYS, iniValues(doc, section, env), env, 'tests'), { label: 'tests', baseDir });
  return {
    concurrency: overrides.concurrency ?? t.concurrency,
    timeoutMs: overrides.timeoutMs ?? t.timeout,
    shard: overrides.shard,
    grep: overrides.grep,
    tags: overrides.tags ?? [],
    durationsFrom: overrides.durationsFrom,
  };
}

/** Redshift's default queue under manual WLM has five slots (cm-c-defining-query-queues). */
export const DEFAULT_TEST_CONCURRENCY = Number(TESTS_KEYS.concurrency.default);

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
  password: string | undefined,
  marked: (string | undefined)[],
  docs: (IniDocument | undefined)[],
  env: NodeJS.ProcessEnv,
): string[] {
  const secrets = new Set<string>();
  if (password) secrets.add(password);
  for (const v of marked) if (v) secrets.add(v);
  const secretish = /password|secret|token|credential/i;
  for (const d of docs) {
    for (const section of d?.sections ?? []) {
      for (const e of section.entries) if (secretish.test(e.key) && e.value && !e.value.includes('${')) secrets.add(e.value);
    }
  }
  for (const [k, v] of Object.entries(env)) {
    if (v && v.length >= 4 && (/^RSRUN_.*(PASSWORD|SECRET|TOKEN)/.test(k) || k === 'AWS_SECRET_ACCESS_KEY' || k === 'AWS_SESSION_TOKEN'))
      secrets.add(v);
  }
  return [...secrets].filter((s) => s.length > 0);
}
