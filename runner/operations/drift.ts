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
import { DriftError, messageOf } from '../errors';
import type { RunEventBus } from '../events';
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

/**
 * The check `plan` and `deploy` run first, per `[env.*] drift`: `off` skips it, `warn` logs the
 * drifted objects (and the run report and the DriftObjects metric carry them), `fail` stops with
 * exit 9 before anything is applied. An environment with nothing applied yet cannot have drifted
 * from its migrations, so it costs nothing there.
 */
export async function driftGate(rt: WarehouseRuntime, migrations: MigrationSet, events?: RunEventBus): Promise<DriftResult | undefined> {
  const mode = rt.config.env.drift.mode;
  if (mode === 'off' || rt.opened.absent === true) return undefined;
  const state = await migratorFor(rt, newRunId(), undefined, migrations).state();
  if (!state.history.some((h) => h.success)) return undefined;
  let result: DriftResult;
  try {
    result = await checkDrift(rt, migrations);
  } catch (err) {
    if (mode === 'fail') throw err;
    // A check that cannot run (the expected schema cannot be built, ...) must not stop a deploy it only advises.
    rt.logger.warn(`the drift check could not run: ${messageOf(err)}`, { hint: `rsrun drift --env ${rt.config.env.name} shows why` });
    return undefined;
  }
  events?.emit('drift:checked', {
    objects: result.objects.length,
    items: result.items.map((i) => ({ ...i, expected: i.expected ?? null, actual: i.actual ?? null, migration: i.migration ?? null })),
  });
  if (result.objects.length === 0) return result;
  const list = result.objects.slice(0, 20).join(', ');
  const message = `environment ${result.environment} drifted from its migrations: ${result.objects.length} object(s) (${list}${result.objects.length > 20 ? ', ...' : ''})`;
  const hint = `rsrun drift --env ${result.environment} shows each difference; --accept writes a migration adopting them`;
  if (mode === 'fail') throw new DriftError(message, { hint: `${hint}; [env.${result.environment}] drift = warn lets the run go on` });
  rt.logger.warn(message, { hint });
  return result;
}
