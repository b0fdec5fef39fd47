import type { ProjectConfig } from '../config/types';
import { ConfigError } from '../errors';
import { Migrator } from '../engine/migrator';
import type { RunEventBus } from '../events';
import type { MigrationSet } from '../migrations/discover';
import type { WarehouseRuntime } from './runtime';

/** The migrator for a command's environment, with the Redshift emulation when it applies. */
export function migratorFor(rt: WarehouseRuntime, runId: string, events?: RunEventBus, migrations?: MigrationSet): Migrator {
  return new Migrator({
    warehouse: rt.opened.warehouse,
    project: rt.config.project,
    env: rt.config.env,
    runId,
    logger: rt.logger,
    leaseTtlSeconds: leaseTtlSeconds(rt.config.project),
    ...(rt.rewriter ? { rewriter: rt.rewriter } : {}),
    ...(events ? { events } : {}),
    ...(migrations ? { migrations } : {}),
  });
}

/** `[project] lock_ttl`: the lease is renewed every third of it, so under a second would only spin. */
function leaseTtlSeconds(project: Pick<ProjectConfig, 'lockTtlMs'>): number {
  if (project.lockTtlMs < 1000) {
    throw new ConfigError(`[project] lock_ttl is ${project.lockTtlMs} ms: it must be at least one second`, {
      hint: 'e.g. lock_ttl = 60s; the lease is renewed every third of it while a deploy runs',
    });
  }
  return project.lockTtlMs / 1000;
}
