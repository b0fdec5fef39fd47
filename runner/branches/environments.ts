/**
 * Branch environments: create, touch, list, drop and sweep the databases `--env BASE:BRANCH`
 * targets. The registry lives in the base environment's database; each branch environment is a
 * database of its own on the same server (Redshift, PostgreSQL) or a data directory of its own
 * (the embedded warehouse, which runs one database per engine).
 *
 * CREATE DATABASE and DROP DATABASE refuse a transaction block on Redshift and PostgreSQL
 * (https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_DATABASE.html, r_DROP_DATABASE.html):
 * they run alone on a session outside any BEGIN.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { branchEnvironment } from '../config/branch-target';
import type { EnvironmentConfig, ProjectConfig, ResolvedConfig } from '../config/types';
import { ConfigError, ConnectionError, LockTimeoutError, messageOf } from '../errors';
import { stopServer } from '../local/control';
import { envStateDir } from '../local/server-file';
import { withRetry } from '../retry';
import { openWarehouse, type OpenedWarehouse } from '../warehouse/open-warehouse';
import { isSerializationFailure } from '../warehouse/retry';
import type { DatabaseStatements } from '../dialects/dialect';
import type { Session } from '../warehouse/warehouse';
import { BranchRegistry, type BranchProvenance, type BranchRecord } from './registry';

const DUPLICATE_DATABASE = '42P04';
const UNDEFINED_TABLE = '42P01';

export interface BranchEnvironmentInfo extends BranchRecord {
  /** Bytes on disk, when the engine says. */
  sizeBytes: number | null;
}

/** The base environment of `env` (itself when it is one). */
export function baseEnvironmentOf(env: EnvironmentConfig): EnvironmentConfig {
  if (!env.branch) return env;
  const { branch: _drop, ...rest } = env;
  return { ...rest, name: env.branch.base, database: env.branch.baseDatabase };
}

function registryFor(config: Pick<ResolvedConfig, 'project'>, opened: OpenedWarehouse): BranchRegistry {
  return new BranchRegistry(config.project.historySchema, opened.warehouse.dialect.nowSql);
}

/** Runs `fn` on one session of the base environment's database. */
export async function onBase<T>(
  config: Pick<ResolvedConfig, 'project'>,
  base: EnvironmentConfig,
  fn: (session: Session, registry: BranchRegistry, opened: OpenedWarehouse) => Promise<T>,
): Promise<T> {
  const opened = await openWarehouse(base, config.project, { maxConnections: 2, applicationName: 'rsrun-env' });
  try {
    const session = await opened.warehouse.acquire();
    try {
      return await fn(session, registryFor(config, opened), opened);
    } finally {
      await session.release(session.inTransaction());
    }
  } finally {
    await opened.dispose();
  }
}

export function provenanceOf(config: Pick<ResolvedConfig, 'build'>): BranchProvenance {
  const who = config.build.url ?? `${safeUser()}@${hostname()}`;
  return { branch: config.build.branch, commit: config.build.commit, owner: who };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export interface CreateResult {
  env: EnvironmentConfig;
  /** False when it existed already (only its `last used` moved). */
  created: boolean;
}

/**
 * Registers and creates `<base>:<branch>`. Idempotent: a second build of the same branch finds it
 * and moves its `last used`. Beyond `branch_max` on the base, refused before anything is created.
 */
export async function createBranchEnvironment(
  config: Pick<ResolvedConfig, 'project' | 'build'>,
  base: EnvironmentConfig,
  branch: string,
): Promise<CreateResult> {
  if (base.branch) {
    throw new ConfigError(`--from ${base.name}:${base.branch.branch} is itself a branch environment`, {
      hint: `create branch environments from a base: rsrun env create --from ${base.branch.base} --name ${branch}`,
    });
  }
  const env = branchEnvironment(base, branch);
  const created = await onBase(config, base, async (session, registry, opened) => {
    await registry.ensure(session);
    const r = await registry.register(session, {
      name: branch,
      database: env.database,
      provenance: provenanceOf(config),
      max: base.branches.max,
    });
    if (r.refusedAt !== undefined) {
      throw new ConfigError(`environment ${base.name} already has ${r.refusedAt} branch environments (branch_max = ${base.branches.max})`, {
        hint: `drop some first (rsrun env list --from ${base.name}; rsrun env drop --env ${base.name}:NAME, or rsrun env gc --from ${base.name} --older-than 7d), or raise branch_max in [env.${base.name}]`,
      });
    }
    if (base.engine === 'embedded') return r.created;
    try {
      await createDatabase(session, opened, env.database);
    } catch (err) {
      // Nothing half-made stays behind: a row without its database would count against branch_max.
      if (r.created) await registry.remove(session, branch).catch(() => undefined);
      throw new ConnectionError(`cannot create database ${env.database} for ${env.name}: ${messageOf(err)}`, {
        cause: err,
        hint: 'the base environment user needs the CREATEDB privilege (Redshift: CREATE USER ... CREATEDB; PostgreSQL: ALTER ROLE ... CREATEDB)',
      });
    }
    return r.created;
  });
  // The embedded warehouse's data directory comes into being when it is first opened.
  if (env.engine === 'embedded') await (await openWarehouse(env, config.project, { maxConnections: 2 })).dispose();
  return { env, created };
}

async function createDatabase(session: Session, opened: OpenedWarehouse, database: string): Promise<void> {
  const dbs = opened.warehouse.dialect.databases;
  if ((await session.query(dbs.existsSql, [database])).rows.length > 0) return;
  try {
    await session.query(dbs.create(opened.warehouse.dialect.quoteIdent(database)));
  } catch (err) {
    // Another build of the same branch created it between the check and here: it exists, as wanted.
    if ((err as { code?: string }).code !== DUPLICATE_DATABASE) throw err;
  }
}

/**
 * Moves a branch environment's `last used` (every command that opens it does); refuses one that
 * was never created, naming the command that creates it.
 */
export async function touchBranchEnvironment(config: Pick<ResolvedConfig, 'project'>, env: EnvironmentConfig): Promise<void> {
  const target = env.branch;
  if (!target) return;
  const found = await onBase(config, baseEnvironmentOf(env), async (session, registry) => {
    try {
      // Builds of one branch touch the same row at once: under serializable isolation (Redshift's
      // default) one UPDATE can be cancelled (1023 / 40001, c_serial_isolation). It rolled back
      // whole, so running it again is safe.
      return await withRetry(() => registry.touch(session, target.branch), {
        safeToRetry: true,
        retryOn: isSerializationFailure,
        attempts: 8,
        baseDelayMs: 50,
        maxDelayMs: 2000,
      });
    } catch (err) {
      if ((err as { code?: string }).code === UNDEFINED_TABLE) return false;
      throw err;
    }
  });
  if (!found) {
    throw new ConfigError(`branch environment ${target.base}:${target.branch} does not exist`, {
      hint: `create it first: rsrun env create --from ${target.base} --name ${JSON.stringify(target.branch)}`,
    });
  }
}

/** Every branch environment of `base`, with its size where the engine tells it. */
export async function listBranchEnvironments(
  config: Pick<ResolvedConfig, 'project'>,
  base: EnvironmentConfig,
): Promise<BranchEnvironmentInfo[]> {
  const rows = await onBase(config, base, async (session, registry, opened) => {
    let records: BranchRecord[];
    try {
      records = await registry.list(session);
    } catch (err) {
      if ((err as { code?: string }).code === UNDEFINED_TABLE) return [];
      throw err;
    }
    const out: BranchEnvironmentInfo[] = [];
    for (const r of records) {
      const size =
        base.engine === 'embedded'
          ? null
          : (await session.query<{ bytes: unknown }>(opened.warehouse.dialect.databases.sizeSql, [r.database])).rows[0]?.bytes;
      out.push({ ...r, sizeBytes: size === null || size === undefined ? null : Number(size) });
    }
    return out;
  });
  if (base.engine !== 'embedded') return rows;
  const { directorySize } = await import('./directory-size.js');
  return Promise.all(rows.map(async (r) => ({ ...r, sizeBytes: await directorySize(dataDirOf(config.project, base, r.name)) })));
}

function dataDirOf(project: Pick<ProjectConfig, 'stateDir'>, base: EnvironmentConfig, branch: string): string {
  return envStateDir(project.stateDir, branchEnvironment(base, branch).name);
}

/**
 * Drops `<base>:<branch>`: its database (ending the sessions still on it, where the engine can)
 * or data directory, then its registry row. A database left without a row (a crash between the
 * two) is dropped too, so `env drop` is also the manual clean-up.
 */
export async function dropBranchEnvironment(
  config: Pick<ResolvedConfig, 'project'>,
  base: EnvironmentConfig,
  branch: string,
): Promise<{ existed: boolean }> {
  const env = branchEnvironment(base, branch);
  if (env.engine === 'embedded') {
    const dir = envStateDir(config.project.stateDir, env.name);
    const hadDir = existsSync(dir);
    if (hadDir) {
      await stopServer(config.project.stateDir, env.name);
      await rm(dir, { recursive: true, force: true });
    }
    const hadRow = await onBase(config, base, (session, registry) => removeRow(session, registry, branch));
    return { existed: hadDir || hadRow };
  }
  return onBase(config, base, async (session, registry, opened) => {
    const dbs = opened.warehouse.dialect.databases;
    const hadDb = (await session.query(dbs.existsSql, [env.database])).rows.length > 0;
    if (hadDb) await dropDatabase(session, dbs, env.database, opened.warehouse.dialect.quoteIdent(env.database));
    const hadRow = await removeRow(session, registry, branch);
    return { existed: hadDb || hadRow };
  });
}

/**
 * Drops a branch database after ending the sessions on it that may be ended: on PostgreSQL the
 * user's own (then a plain DROP, see postgres-dialect.ts), on Redshift with FORCE. Sessions of other
 * users that keep it open are reported as such, not as a bug in rsrun.
 */
async function dropDatabase(session: Session, dbs: DatabaseStatements, name: string, quoted: string): Promise<void> {
  try {
    if (dbs.endOwnSessionsSql) {
      await session.query(dbs.endOwnSessionsSql, [name]);
      await session.query(dbs.drop(quoted));
    } else await session.query(dbs.dropForcing(quoted));
  } catch (err) {
    if ((err as { code?: string }).code !== OBJECT_IN_USE) throw err;
    throw new LockTimeoutError(`database ${name} is still in use by other users' sessions: ${messageOf(err)}`, {
      hint: 'end those sessions (or ask their owners to), then run env drop again',
    });
  }
}

const OBJECT_IN_USE = '55006';

async function removeRow(session: Session, registry: BranchRegistry, branch: string): Promise<boolean> {
  try {
    const had = (await registry.find(session, branch)) !== undefined;
    if (had) await registry.remove(session, branch);
    return had;
  } catch (err) {
    if ((err as { code?: string }).code === UNDEFINED_TABLE) return false;
    throw err;
  }
}

/** Drops every branch environment of `base` unused for longer than `olderThanMs`; returns their names. */
export async function collectBranchEnvironments(
  config: Pick<ResolvedConfig, 'project'>,
  base: EnvironmentConfig,
  olderThanMs: number,
): Promise<string[]> {
  const stale = await onBase(config, base, async (session, registry, opened) => {
    try {
      return await registry.unusedFor(session, olderThanMs / 1000, (p) => opened.warehouse.dialect.addSecondsSql(p));
    } catch (err) {
      if ((err as { code?: string }).code === UNDEFINED_TABLE) return [];
      throw err;
    }
  });
  for (const name of stale) await dropBranchEnvironment(config, base, name);
  return stale;
}
