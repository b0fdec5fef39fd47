/**
 * Branch environments (`--env test:feature-x`, or `--env test` with `RSRUN_ENV_BRANCH=feature-x`):
 * the base environment's settings with a database of its own, `<base database>_<branch>`, on the
 * same server. The embedded warehouse gets a data directory of its own instead.
 */
import { createHash } from 'node:crypto';
import { ConfigError } from '../errors';
import type { BranchTarget, EngineKind, EnvironmentConfig } from './types';

/** The variable that names the branch when `--env` names only the base. */
export const ENV_BRANCH_VAR = 'RSRUN_ENV_BRANCH';

/**
 * The longest database name each engine keeps. Redshift: "between 1 and 127 bytes in length"
 * (https://docs.aws.amazon.com/redshift/latest/dg/r_names.html). PostgreSQL silently truncates
 * identifiers to NAMEDATALEN-1 = 63 bytes (sql-syntax-lexical.html), which would merge two long
 * branch names into one database: rsrun shortens first, with the hash that keeps them apart.
 */
export function maxDatabaseNameBytes(engine: EngineKind): number {
  return engine === 'redshift' ? 127 : 63;
}

/** `test:feature-x` → base `test`, branch `feature-x`; a plain name has no branch. */
export function splitEnvName(value: string, env: NodeJS.ProcessEnv): { base: string; branch: string | undefined } {
  const colon = value.indexOf(':');
  const base = (colon < 0 ? value : value.slice(0, colon)).trim();
  const fromFlag = colon < 0 ? undefined : value.slice(colon + 1).trim();
  const branch = fromFlag ?? (env[ENV_BRANCH_VAR]?.trim() || undefined);
  if (branch === '') {
    throw new ConfigError(`environment "${value}" names no branch after the colon`, {
      hint: 'write --env BASE:BRANCH, e.g. --env test:feature-x, or --env test alone',
    });
  }
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (branch !== undefined && /[\u0000-\u001f\u007f]/.test(branch)) {
    throw new ConfigError(`branch name ${JSON.stringify(branch)} holds control characters`, {
      hint: 'use the branch name as git shows it',
    });
  }
  return { base, branch };
}

/** Short, stable fingerprint of the branch name as given: two names that sanitise alike differ here. */
function shortHash(branch: string): string {
  return createHash('sha256').update(branch, 'utf8').digest('hex').slice(0, 8);
}

/**
 * The branch's part of a name: lower case, runs of anything but `a-z0-9_` become one `_` (standard
 * identifiers, r_names; unquoted names fold to lower case there too). When that changed the name
 * (`feature/X` and `feature_x` would meet) or `room` cuts it, a short hash of the original is
 * appended, so different branches never share a database.
 */
export function branchSlug(branch: string, room = 40): string {
  const clean = branch
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (clean === branch && clean.length <= room) return clean;
  const keep = Math.max(0, room - 9);
  const head = clean.slice(0, keep).replace(/_+$/, '');
  return head ? `${head}_${shortHash(branch)}` : `b_${shortHash(branch)}`;
}

/** `<base database>_<slug>`, within `maxBytes` (base names are plain identifiers: one byte a character). */
export function branchDatabaseName(baseDatabase: string, branch: string, maxBytes: number): string {
  const base = baseDatabase.toLowerCase();
  const room = maxBytes - Buffer.byteLength(base, 'utf8') - 1;
  if (room < 10) {
    throw new ConfigError(`the database name "${baseDatabase}" leaves no room for a branch suffix within ${maxBytes} bytes`, {
      hint: 'use a shorter database name for the base environment',
    });
  }
  return `${base}_${branchSlug(branch, Math.min(room, 63))}`;
}

/**
 * The branch environment derived from its base: same server, credentials and settings; its own
 * database (or embedded data directory `.rsrun/<base>.<slug>`), and a name reports can tell apart.
 */
export function branchEnvironment(base: EnvironmentConfig, branch: string): EnvironmentConfig {
  const slug = branchSlug(branch);
  const target: BranchTarget = {
    base: base.name,
    branch,
    slug,
    baseDatabase: base.database,
  };
  return {
    ...base,
    name: `${base.name}.${slug}`,
    database: base.engine === 'embedded' ? base.database : branchDatabaseName(base.database, branch, maxDatabaseNameBytes(base.engine)),
    branch: target,
  };
}
