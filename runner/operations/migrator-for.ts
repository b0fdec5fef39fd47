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
    ...(rt.rewriter ? { rewriter: rt.rewriter } : {}),
    ...(events ? { events } : {}),
    ...(migrations ? { migrations } : {}),
    leaseTtlSeconds: leaseTtlSeconds(rt.config.project),
    ...(rt.opened.absent === true ? { historyAbsent: true } : {}),
  });
}

/**
 * `[project] lock_ttl`: how long the deployment lease lasts without renewal (renewed every third of
 * it while a run holds it), so it must leave room for a renewal round trip.
 */
function leaseTtlSeconds(project: ProjectConfig): number {
  if (project.lockTtlMs < 1000) {
    throw new ConfigError(`lock_ttl (${project.lockTtlMs} ms) is shorter than one second`, {
      hint: 'use e.g. lock_ttl = 60s in [project]',
    });
  }
  return project.lockTtlMs / 1000;
}
