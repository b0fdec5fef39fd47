/**
 * Turns the raw values of one section (already merged by precedence) into typed values, driven by
 * the key table: each key's type says how to parse it, its default fills the gaps.
 */
import path from 'node:path';
import { ConfigError } from '../errors';
import type { IniDocument, IniSection } from './ini-file';
import type { DefaultContext, KeyDef } from './keys';
import { interpolate, parseBoolean, parseChoice, parseDuration, parseInteger, parseList, valueError, type Where } from './values';

/** A value as written, and where it came from (for messages). */
export interface RawValue {
  value: string;
  where: Where;
}

type ValueOf<D extends KeyDef> = D['type'] extends 'integer' | 'duration'
  ? number
  : D['type'] extends 'boolean'
    ? boolean
    : D['type'] extends 'list'
      ? string[]
      : D extends { choices: readonly (infer C)[] }
        ? C
        : string;
type Always<D extends KeyDef> = D extends { default: string | ((ctx: DefaultContext) => string) }
  ? true
  : D['type'] extends 'list'
    ? true
    : false;

/** The typed values of a section: keys with a fixed default (and lists) are always set. */
export type Resolved<S extends Readonly<Record<string, KeyDef>>> = {
  -readonly [K in keyof S]: Always<S[K]> extends true ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

/**
 * The values of one section as written (after `${VAR}`), keyed by key, with their file and line.
 * `skipUnset`: a key whose variable is not set is left out (commands that never use it) instead of failing.
 */
export function iniValues(
  doc: IniDocument | undefined,
  section: IniSection | undefined,
  env: NodeJS.ProcessEnv,
  skipUnset = false,
): Map<string, RawValue> {
  const out = new Map<string, RawValue>();
  if (!doc || !section) return out;
  for (const e of section.entries) {
    const where = { key: `${section.name}.${e.key}`, source: path.basename(doc.file), file: doc.file, line: e.line };
    try {
      out.set(e.key, { value: interpolate(e.value, env, where), where });
    } catch (err) {
      if (!skipUnset || !(err instanceof ConfigError)) throw err;
    }
  }
  return out;
}

/** Environment variables named by the table, over `base`; `<ENV>` stands for the environment's name. */
export function withEnvVars(
  keys: Readonly<Record<string, KeyDef>>,
  base: Map<string, RawValue>,
  env: NodeJS.ProcessEnv,
  label: string,
  envName = '',
): Map<string, RawValue> {
  const envPart = envName.toUpperCase().replace(/-/g, '_');
  for (const [key, def] of Object.entries(keys)) {
    for (const name of (def.env ?? []).map((n) => n.replace('<ENV>', envPart))) {
      const v = env[name];
      if (v !== undefined && v !== '') {
        base.set(key, { value: v, where: { key: `${label}.${key}`, source: name } });
        break;
      }
    }
  }
  return base;
}

export interface ResolveContext {
  /** The section in messages: `env.test` (keys show as `env.test.port`). */
  label: string;
  /** Paths are relative to this directory. */
  baseDir: string;
  /** For computed defaults (environments); other sections have fixed ones. */
  defaults?: DefaultContext;
}

export function resolveKeys<S extends Readonly<Record<string, KeyDef>>>(
  keys: S,
  values: ReadonlyMap<string, RawValue>,
  ctx: ResolveContext,
): Resolved<S> {
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(keys)) {
    const given = values.get(key);
    const fallback = typeof def.default === 'function' ? (ctx.defaults ? def.default(ctx.defaults) : undefined) : def.default;
    const raw =
      given ?? (fallback === undefined ? undefined : { value: fallback, where: { key: `${ctx.label}.${key}`, source: 'default' } });
    out[key] = raw === undefined ? (def.type === 'list' ? [] : undefined) : parseValue(def, raw, ctx.baseDir);
  }
  // One cast: the loop above produced exactly the shape the table describes.
  return out as Resolved<S>;
}

export function parseValue(def: KeyDef, { value, where }: RawValue, baseDir: string): unknown {
  if (def.type !== 'list' && value.includes('\n')) {
    throw valueError(
      'the value goes on over several lines: an indented line continues the value above it',
      where,
      'write the value on one line, or unindent the next line if it is a key of its own',
    );
  }
  switch (def.type) {
    case 'integer':
      return parseInteger(value, where, def.min ?? Number.MIN_SAFE_INTEGER, def.max ?? Number.MAX_SAFE_INTEGER);
    case 'duration': {
      const ms = parseDuration(value, where);
      if (def.min !== undefined && ms < def.min)
        throw valueError(`${value} is shorter than ${def.min} ms`, where, `use at least ${def.min / 1000}s`);
      return ms;
    }
    case 'boolean':
      return parseBoolean(value, where);
    case 'choice':
      return parseChoice(value, def.choices ?? [], where);
    case 'list':
      return parseList(value);
    case 'path':
      // Written in a file (or a default): relative to the project. Typed in a shell (a flag, an
      // environment variable): relative to where it was typed, as every command-line tool reads it;
      // the Jenkinsfile's RSRUN_REPORTS_DIR=reports means the workspace's reports/, not sql/reports/.
      return path.resolve(where.file !== undefined || where.source === 'default' ? baseDir : process.cwd(), value.trim());
    case 'identifier':
      return identifier(value.trim(), where);
    case 'string':
    case 'secret':
      return value;
  }
}

function identifier(value: string, where: Where): string {
  // Redshift identifiers: at most 127 bytes (r_names); unquoted ones fold to lower case.
  if (!/^[A-Za-z_][A-Za-z0-9_$]{0,126}$/.test(value)) {
    throw valueError(
      `"${value}" is not a plain SQL identifier`,
      where,
      'use letters, digits and _ (at most 127 characters), starting with a letter',
    );
  }
  return value.toLowerCase();
}
