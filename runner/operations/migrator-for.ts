import type { EnvironmentConfig } from '../config/types';
import { parseDuration } from '../config/values';
import { ConfigError } from '../errors';
import { Migrator } from '../engine/migrator';
import type { RunEventBus } from '../events';
import type { MigrationSet } from '../migrations/discover';
import type { WarehouseRuntime } from './runtime';

/** The migrator for a command's environment, with the Redshift emulation when it applies. */
export function migratorFor(rt: WarehouseRuntime, runId: string, events?: RunEventBus, migrations?: MigrationSet): Migrator {
  const ttl = leaseTtlSeconds(rt.config.env);
  return new Migrator({
    warehouse: rt.opened.warehouse,
    project: rt.config.project,
    env: rt.config.env,
    runId,
    logger: rt.logger,
    ...(rt.rewriter ? { rewriter: rt.rewriter } : {}),
    ...(events ? { events } : {}),
    ...(migrations ? { migrations } : {}),
    ...(ttl !== undefined ? { leaseTtlSeconds: ttl } : {}),
  });
}

/**
 * `lock_ttl` of the environment: how long the deployment lease lasts without renewal. Read from
 * the section's raw keys until the typed configuration has it.
 */
function leaseTtlSeconds(env: EnvironmentConfig): number | undefined {
  const raw = env.raw.lock_ttl;
  if (raw === undefined || raw === '') return undefined;
  const ms = parseDuration(raw, { key: 'lock_ttl', source: `[env.${env.name}]` });
  if (ms < 1000) throw new ConfigError(`lock_ttl (${raw}) is shorter than one second`, { hint: 'use e.g. lock_ttl = 60s' });
  return ms / 1000;
}
