/**
 * `rsrun drift` and the check plan/deploy run first: the environment's schema (actual) against
 * what its applied migrations build (expected), as a list of differences with the migration that
 * last defined each object. Reads only; `--accept` (drift/accept.ts) writes a migration file.
 */
import { attribute, lastDefinitions } from '../drift/attribution';
import { compareSnapshots, driftedObjects } from '../drift/compare';
import type { DriftSummary } from '../drift/format';
import { EMULATION_SCHEMA } from '../drift/local-catalog';
import { readActualSnapshot } from '../drift/read-snapshot';
import type { SchemaScope, Snapshot } from '../drift/snapshot';
import type { MigrationSet } from '../migrations/discover';
import { newRunId } from '../run/run-context';
import { expectedMigrations, expectedSnapshot } from './drift-expected';
import { migratorFor } from './migrator-for';
import type { WarehouseRuntime } from './runtime';

export interface DriftResult extends DriftSummary {
  /** Both snapshots (for `--accept`). */
  actual: Snapshot;
  expected: Snapshot;
}

/** The schemas compared: `drift_include` (all user schemas when empty) minus `drift_exclude`, rsrun's own and the emulation's. */
export function driftScope(rt: Pick<WarehouseRuntime, 'config'>): SchemaScope {
  const { env, project } = rt.config;
  return { include: env.drift.include, exclude: [...env.drift.exclude, project.historySchema, EMULATION_SCHEMA] };
}

export async function checkDrift(rt: WarehouseRuntime, migrations?: MigrationSet): Promise<DriftResult> {
  const migrator = migratorFor(rt, newRunId(), undefined, migrations);
  const state = await migrator.state();
  const expected = expectedMigrations(await migrator.migrations(), state.history);
  const scope = driftScope(rt);
  const actual = rt.opened.absent === true ? undefined : await readActual(rt, scope);
  const want = await expectedSnapshot(rt.config, expected.migrations, scope, rt.logger);
  const items = compareSnapshots(want, actual ?? want);
  attribute(items, lastDefinitions(expected.migrations));
  return {
    environment: rt.config.env.name,
    target: rt.opened.warehouse.label,
    replayed: expected.migrations.map((m) => m.script),
    missing: expected.missing,
    items,
    objects: driftedObjects(items),
    actual: actual ?? want,
    expected: want,
  };
}

async function readActual(rt: WarehouseRuntime, scope: SchemaScope): Promise<Snapshot> {
  const session = await rt.opened.warehouse.acquire();
  try {
    return await readActualSnapshot(session, scope);
  } finally {
    await session.release();
  }
}
