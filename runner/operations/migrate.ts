/**
 * Migrating as part of a recorded run: outcomes reach the run's events (reports), and the SQL that
 * ran and a snapshot of the history land in the run directory, also when a migration fails.
 * `undo` is recorded the same way.
 */
import { partialResultOf, type MigrateResult, type Migrator } from '../engine/migrator';
import type { MigrationOutcome } from '../events';
import type { HistoryRow } from '../ledger/schema-history';
import type { MigrationSet } from '../migrations/discover';
import { writeRunArtifacts } from '../run/run-artifacts';
import { migratorFor } from './migrator-for';
import type { RunRuntime, WarehouseRuntime } from './runtime';

export async function migrateRecorded(rt: WarehouseRuntime & Pick<RunRuntime, 'ctx'>, migrations?: MigrationSet): Promise<MigrateResult> {
  const result = await engineRunRecorded(rt, migrations, (migrator) => migrator.migrate());
  // A new branch environment gets its seed data (`branch_seed`) once, after its first migrate.
  if (rt.config.env.branch) await (await import('../branches/seed.js')).seedBranchOnce(rt);
  return result;
}

/** `undo --to V` as a recorded run: the U scripts that ran and the history after it, like migrate. */
export function undoRecorded(rt: WarehouseRuntime & Pick<RunRuntime, 'ctx'>, to: string): Promise<MigrateResult> {
  return engineRunRecorded(rt, undefined, (migrator) => migrator.undo(to));
}

async function engineRunRecorded(
  rt: WarehouseRuntime & Pick<RunRuntime, 'ctx'>,
  migrations: MigrationSet | undefined,
  work: (migrator: Migrator) => Promise<MigrateResult>,
): Promise<MigrateResult> {
  rt.ctx.target = rt.opened.warehouse.label;
  const migrator = migratorFor(rt, rt.ctx.runId, rt.ctx.events, migrations);
  const set = await migrator.migrations();
  const artifacts = async (outcomes: readonly MigrationOutcome[], history: HistoryRow[] | undefined) => {
    const ran = new Set(outcomes.filter((o) => o.status === 'applied' || o.status === 'failed').map((o) => o.migration.script));
    await writeRunArtifacts(
      rt.ctx.runDir,
      [...set.versioned, ...set.repeatable, ...set.undo.values()].filter((m) => ran.has(m.script)),
      history,
    );
  };
  try {
    const result = await work(migrator);
    await artifacts(result.outcomes, result.history);
    return result;
  } catch (err) {
    const history = await migrator
      .state()
      .then((s) => s.history)
      .catch(() => undefined);
    await artifacts(partialResultOf(err)?.outcomes ?? [], history).catch(() => undefined);
    throw err;
  }
}
