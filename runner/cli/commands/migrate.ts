import type { MigrateResult } from '../../engine/migrator';
import type { MigrationOutcome } from '../../events';
import { discoverMigrations, type MigrationSet } from '../../migrations/discover';
import { writeRunArtifacts } from '../../run/run-artifacts';
import { migratorFor } from '../migrator-for';
import { printJson } from '../output';
import type { CommandInput } from '../program';
import { asRecordedRun, withWarehouse, type RunRuntime, type WarehouseRuntime } from '../runtime';

/** `rsrun migrate`: apply pending migrations under the deployment lock. */
export async function run(input: CommandInput): Promise<number> {
  return asRecordedRun(input, 'migrate', async (rt) => {
    // Bad files fail here, before a warehouse is started or connected to.
    const migrations = await discoverMigrations(rt.config.project.migrationsDir);
    return withWarehouse(rt, async (wrt) => {
      const result = await applyMigrations({ ...wrt, ctx: rt.ctx }, migrations);
      if (input.options.json) printJson({ runId: rt.ctx.runId, applied: result.outcomes });
      return { status: 'passed', exitCode: 0 };
    });
  });
}

/**
 * Migrate as part of a recorded run: outcomes reach the run's events, and the applied SQL and the
 * history snapshot land in the run directory — also when a migration fails.
 */
export async function applyMigrations(rt: WarehouseRuntime & Pick<RunRuntime, 'ctx'>, migrations?: MigrationSet): Promise<MigrateResult> {
  rt.ctx.target = rt.opened.warehouse.label;
  const events = rt.ctx.events;
  const migrator = migratorFor(rt, rt.ctx.runId, events, migrations);
  const set = await migrator.migrations();
  const appliedScripts = new Set<string>();
  const onFinish = (o: MigrationOutcome) => {
    if (o.status === 'applied' || o.status === 'failed') appliedScripts.add(o.migration.script);
  };
  events.on('migration:finish', onFinish);
  try {
    const result = await migrator.migrate();
    await writeRunArtifacts(
      rt.ctx.runDir,
      [...set.versioned, ...set.repeatable].filter((m) => appliedScripts.has(m.script)),
      result.history,
    );
    return result;
  } catch (err) {
    const history = await migrator
      .state()
      .then((s) => s.history)
      .catch(() => undefined);
    await writeRunArtifacts(
      rt.ctx.runDir,
      [...set.versioned, ...set.repeatable].filter((m) => appliedScripts.has(m.script)),
      history,
    ).catch(() => undefined);
    throw err;
  } finally {
    events.off('migration:finish', onFinish);
  }
}
