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
    // `[project] lock_ttl` (the key table's home for it; an [env.*] section refuses the key).
    leaseTtlSeconds: rt.config.project.lockTtlMs / 1000,
  });
}
