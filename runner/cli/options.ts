/**
 * Each command's options, parsed once from what commander collected into one typed object (as
 * node-pg-migrate's cli/args): command bodies read these, never the raw option bag. Defaults are
 * defined once, where the option is declared (program.ts, container/command-options.ts), and
 * commander applies them; the few a parser needs itself are constants here.
 */
import path from 'node:path';
import type { TestSettings } from '../config/types';
import { parseDuration, parseInteger } from '../config/values';
import { parseShard } from '../config/load-config';
import { parseTimeout } from '../container/cli-options';
import { CONTAINER_DEFAULTS } from '../container/command-options';
import { ConfigError, InputError } from '../errors';
import { DEFAULT_BASELINE_DESCRIPTION, DEFAULT_LINT_FORMAT, LINT_FORMATS } from './defaults';
import type { CommandInput } from './command-input';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export interface JsonOutput {
  /** `--json`: machine-readable JSON on stdout. */
  json: boolean;
}

export function jsonOutput(input: CommandInput): JsonOutput {
  return { json: input.options.json === true || input.global.json === true };
}

/** `rsrun plan`: `--drift-report FILE` also writes the drift check as HTML (the Jenkinsfile archives it). */
export function planOptions(input: CommandInput): JsonOutput & { driftReport: string | undefined } {
  return { ...jsonOutput(input), driftReport: str(input.options.driftReport) };
}

export const DRIFT_FORMATS = ['text', 'json', 'junit', 'html'] as const;

export interface DriftOptions {
  format: (typeof DRIFT_FORMATS)[number];
  /** `--accept`: write a migration that captures the actual state of the drifted objects. */
  accept: boolean;
}

/** `--json` is `--format json`. */
export function driftOptions(input: CommandInput): DriftOptions {
  const format = jsonOutput(input).json ? 'json' : (str(input.options.format) ?? 'text');
  const known = DRIFT_FORMATS.find((f) => f === format);
  if (!known) throw new InputError(`unknown --format "${format}"`, { hint: `use one of ${DRIFT_FORMATS.join(', ')}` });
  return { format: known, accept: input.options.accept === true };
}

export function baselineOptions(input: CommandInput): JsonOutput & { version: string; description: string } {
  return {
    ...jsonOutput(input),
    version: String(input.options.version),
    description: str(input.options.description) ?? DEFAULT_BASELINE_DESCRIPTION,
  };
}

export function undoOptions(input: CommandInput): JsonOutput & { to: string } {
  return { ...jsonOutput(input), to: String(input.options.to) };
}

export function deployOptions(input: CommandInput): JsonOutput & { tests: boolean } {
  return { ...jsonOutput(input), tests: input.options.tests !== false };
}

export function lintOptions(input: CommandInput): { format: (typeof LINT_FORMATS)[number]; junitFile: string | undefined } {
  const format = str(input.options.format) ?? DEFAULT_LINT_FORMAT;
  const known = LINT_FORMATS.find((f) => f === format);
  if (!known) throw new InputError(`unknown --format "${format}"`, { hint: `use one of ${LINT_FORMATS.join(', ')}` });
  return { format: known, junitFile: str(input.options.junit) };
}

export function shipOptions(input: CommandInput): JsonOutput & { runDirs: string[] | undefined } {
  return { ...jsonOutput(input), runDirs: input.operands.length > 0 ? input.operands : undefined };
}

/** `--grep`, `--tag`, `--shard`, `--concurrency`, `--timeout`, `--durations-from` as test settings. */
export function testOptions(input: CommandInput): JsonOutput & { settings: Partial<TestSettings> } {
  const o = input.options;
  const settings: Partial<TestSettings> = {};
  const grep = str(o.grep);
  if (grep) settings.grep = grep;
  const tags = strings(o.tag)
    .flatMap((t) => t.split(','))
    .map((t) => t.trim())
    .filter(Boolean);
  if (tags.length) settings.tags = tags;
  const shard = str(o.shard);
  if (shard) settings.shard = parseShard(shard);
  const concurrency = str(o.concurrency);
  if (concurrency) settings.concurrency = parseInteger(concurrency, { key: 'concurrency', source: '--concurrency' }, 1, 64);
  const timeout = str(o.timeout);
  if (timeout) settings.timeoutMs = parseDuration(timeout, { key: 'timeout', source: '--timeout' });
  const durationsFrom = str(o.durationsFrom);
  if (durationsFrom) settings.durationsFrom = durationsFrom;
  return { ...jsonOutput(input), settings };
}

/** Where an image comes from and how it is tagged (container/cli-options.ts resolves env and git). */
export interface ImageFlags {
  registry?: string;
  repository?: string;
  tag?: string;
  commit?: string;
  buildNumber?: string;
}

export interface ImageBuildOptions {
  context: string;
  dockerfile: string;
  cache: boolean;
  offlineDeps: boolean;
}

export interface ContainerRunOptions {
  timeoutMs: number;
  projectMount: string | undefined;
  passEnv: string[];
  passSecrets: string[];
}

function imageFlags(o: Record<string, unknown>): ImageFlags {
  const flags: ImageFlags = {};
  for (const key of ['registry', 'repository', 'tag', 'commit', 'buildNumber'] as const) {
    const v = str(o[key]);
    if (v !== undefined) flags[key] = v;
  }
  return flags;
}

function buildOptions(o: Record<string, unknown>): ImageBuildOptions {
  return {
    context: str(o.context) ?? '.',
    dockerfile: String(o.dockerfile),
    cache: o.cache !== false,
    offlineDeps: o.offlineDeps !== false,
  };
}

function runOptions(o: Record<string, unknown>): ContainerRunOptions {
  return {
    timeoutMs: parseTimeout(o.timeout ?? CONTAINER_DEFAULTS.timeout, 'timeout', 0),
    projectMount: str(o.projectMount),
    passEnv: strings(o.passEnv),
    passSecrets: strings(o.passSecret),
  };
}

export function imageOptions(
  input: CommandInput,
): JsonOutput & { action: string | undefined; image: ImageFlags; build: ImageBuildOptions } {
  return { ...jsonOutput(input), action: input.operands[0], image: imageFlags(input.options), build: buildOptions(input.options) };
}

export function containerOptions(input: CommandInput): {
  action: string | undefined;
  runnerArgs: string[];
  image: string;
  env: string | undefined;
  name: string | undefined;
  requirePassed: string | undefined;
  run: ContainerRunOptions;
} {
  const [action, ...runnerArgs] = input.operands;
  const o = input.options;
  const image = str(o.image);
  if (image === undefined) throw new ConfigError('--image is required', { hint: 'pass the NAME@sha256:... that rsrun image push printed' });
  return {
    action,
    runnerArgs,
    image,
    env: str(o.env) ?? input.global.env,
    name: str(o.name),
    requirePassed: str(o.requirePassed),
    run: runOptions(o),
  };
}

export function pipelineOptions(input: CommandInput): JsonOutput & {
  image: ImageFlags;
  build: ImageBuildOptions;
  run: ContainerRunOptions;
  testEnv: string;
  prodEnv: string;
} {
  const o = input.options;
  return {
    ...jsonOutput(input),
    image: imageFlags(o),
    build: buildOptions(o),
    run: runOptions(o),
    testEnv: String(o.testEnv),
    prodEnv: String(o.prodEnv),
  };
}

export interface InitOptions {
  /** Absolute directory to initialise: the operand, else --project-dir, else the current one. */
  dir: string;
  name: string | undefined;
  fromFlyway: string | undefined;
  fromSeed: string | undefined;
}

export function initOptions(input: CommandInput): InitOptions {
  return {
    dir: path.resolve(input.operands[0] ?? input.global.projectDir ?? '.'),
    name: str(input.options.name),
    fromFlyway: str(input.options.fromFlyway),
    fromSeed: str(input.options.fromSeed),
  };
}

export const LOCAL_ACTIONS = ['start', 'stop', 'status', 'serve'] as const;

/** `rsrun local start|stop|status` (and `serve`, which `start` runs with the paths it passes). */
export function localOptions(input: CommandInput): JsonOutput & {
  action: (typeof LOCAL_ACTIONS)[number];
  /** `--idle-timeout`; the server's own default applies when undefined. */
  idleTimeoutMs: number | undefined;
  serve: { stateDir: string | undefined; envName: string | undefined; fresh: boolean };
} {
  const o = input.options;
  const action = LOCAL_ACTIONS.find((a) => a === input.operands[0]);
  if (!action) throw new ConfigError(`unknown action "${input.operands[0] ?? ''}" for rsrun local`, { hint: 'use start, stop or status' });
  const idle = str(o.idleTimeout);
  return {
    ...jsonOutput(input),
    action,
    idleTimeoutMs: idle === undefined ? undefined : parseDuration(idle, { key: 'idle timeout', source: '--idle-timeout' }),
    serve: { stateDir: str(o.stateDir), envName: str(o.envName), fresh: o.fresh === true },
  };
}

/** `rsrun reports prune [--keep N]`; without --keep, `[project] keep_runs` decides. */
export function reportsOptions(input: CommandInput): JsonOutput & { action: 'prune'; keep: number | undefined } {
  if (input.operands[0] !== 'prune') {
    throw new ConfigError(`unknown action "${input.operands[0] ?? ''}" for rsrun reports`, { hint: 'use: rsrun reports prune --keep N' });
  }
  const raw = str(input.options.keep);
  const keep = raw === undefined ? undefined : Number(raw);
  if (keep !== undefined && (!Number.isInteger(keep) || keep < 0)) {
    throw new ConfigError(`--keep "${raw}" is not a number of runs`, {
      hint: 'pass --keep N (0 or more), or set [project] keep_runs in rsrun.ini',
    });
  }
  return { ...jsonOutput(input), action: 'prune', keep };
}

export const ENV_ACTIONS = ['create', 'drop', 'list', 'gc'] as const;

/** `rsrun env create|drop|list|gc`: the base (`--from`, else `--env`), the branch (`--name`), gc's age. */
export function envOptions(input: CommandInput): JsonOutput & {
  action: (typeof ENV_ACTIONS)[number];
  /** What `--env` means for this command: `BASE`, or `BASE:NAME` with `--name`. */
  envFlag: string | undefined;
  olderThanMs: number | undefined;
} {
  const o = input.options;
  const action = ENV_ACTIONS.find((a) => a === input.operands[0]);
  if (!action) {
    throw new ConfigError(`unknown action "${input.operands[0] ?? ''}" for rsrun env`, { hint: 'use create, drop, list or gc' });
  }
  const from = str(o.from);
  const name = str(o.name);
  const base = from ?? input.global.env;
  if (name !== undefined && base !== undefined && base.includes(':')) {
    throw new ConfigError(`--name ${name} and --env ${base} both name a branch`, {
      hint: 'give the base with --from BASE (or --env BASE) and the branch with --name',
    });
  }
  const raw = str(o.olderThan);
  if (action === 'gc' && raw === undefined) {
    throw new ConfigError('rsrun env gc needs --older-than', {
      hint: 'e.g. rsrun env gc --from test --older-than 7d (drops branch environments unused for 7 days)',
    });
  }
  return {
    ...jsonOutput(input),
    action,
    envFlag: name === undefined ? base : `${base ?? 'local'}:${name}`,
    olderThanMs: raw === undefined ? undefined : parseDuration(raw, { key: 'older than', source: '--older-than' }),
  };
}
