/** Parsing of typed values from INI strings, flags and environment variables, with messages that name the key. */
import { ConfigError, type RsrunErrorOptions } from '../errors';

export interface Where {
  /** `[env.test] port`, as the user finds it in rsrun.ini. */
  key: string;
  /** `rsrun.ini`, `--port`, `RSRUN_PORT`, `default`. */
  source: string;
  file?: string;
  line?: number;
}

/**
 * An error about one value. A value from a file is located by file and line (printed once, before
 * the message, by RsrunError.describe); one from a flag or variable names that source instead.
 */
export function valueError(message: string, where: Where, hint: string): ConfigError {
  const options: RsrunErrorOptions = { hint };
  if (where.file) options.file = where.file;
  if (where.line) options.line = where.line;
  return new ConfigError(`${where.file ? where.key : `${where.key} (${where.source})`}: ${message}`, options);
}
const err = valueError;

/** `250ms`, `10s`, `5m`, `1h`; a bare number means seconds. */
export function parseDuration(value: string, where: Where): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(value);
  if (!m) throw err(`"${value}" is not a duration`, where, 'write e.g. 30s, 5m, 1h, 7d or 250ms (a bare number means seconds)');
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase();
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : unit === 'h' ? 3_600_000 : 86_400_000;
  return Math.round(n * factor);
}

export function parseInteger(value: string, where: Where, min: number, max: number): number {
  if (!/^\s*-?\d+\s*$/.test(value)) throw err(`"${value}" is not a whole number`, where, `use a number from ${min} to ${max}`);
  const n = Number(value);
  if (n < min || n > max) throw err(`${n} is out of range`, where, `use a number from ${min} to ${max}`);
  return n;
}

export function parseBoolean(value: string, where: Where): boolean {
  const v = value.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(v)) return true;
  if (['false', 'no', 'off', '0'].includes(v)) return false;
  throw err(`"${value}" is not true or false`, where, 'use true or false');
}

export function parseChoice<T extends string>(value: string, choices: readonly T[], where: Where): T {
  const v = value.trim().toLowerCase();
  const found = choices.find((c) => c === v);
  if (!found) throw err(`"${value}" is not one of ${choices.join(', ')}`, where, `use one of: ${choices.join(', ')}`);
  return found;
}

/** Comma- or line-separated (a list may continue on indented lines). */
export function parseList(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * `${VAR}` and `${VAR:-default}` from the process environment. A missing variable without a
 * default is an error naming the key, so a half-configured environment never connects.
 */
export function interpolate(value: string, env: NodeJS.ProcessEnv, where: Where): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, fallback: string | undefined) => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    throw err(`environment variable ${name} is not set`, where, `export ${name}=... before running, or give a default: \${${name}:-value}`);
  });
}
