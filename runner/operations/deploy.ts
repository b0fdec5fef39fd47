/**
 * `deploy` = lint, migrate, then test, in one recorded run. Tests never run against a
 * half-deployed warehouse: a failed migration ends the run before them.
 */
import { discoverMigrations } from '../migrations/discover';
import { driftGate } from './drift';
import { migrateRecorded } from './migrate';
import { withWarehouse, type RunOutcome, type RunRuntime } from './runtime';
import { testRecorded } from './test-suite';

export interface DeployOptions {
  /** Run the SQL tests after migrating (`--no-tests` turns it off). */
  tests: boolean;
}

export async function deployRecorded(rt: RunRuntime, options: DeployOptions): Promise<RunOutcome> {
  // Discovered once: the lint and the migration read the same files.
  const migrations = await discoverMigrations(rt.config.project.migrationsDir);
  const { lintGate } = await import('../lint/gate.js');
  await lintGate(rt.config, rt.ctx.events, undefined, migrations);
  // A malformed test or fixture is exit 2 before anything is applied (testing/suite.ts).
  if (options.tests) await (await import('../testing/index.js')).loadTestSuite(rt.config.project);
  return withWarehouse(rt, async (wrt) => {
    await driftGate(wrt, migrations, rt.ctx.events);
    await migrateRecorded({ ...wrt, ctx: rt.ctx }, migrations);
    if (!options.tests) return { status: 'passed', exitCode: 0 };
    return (await testRecorded({ ...wrt, ctx: rt.ctx })).outcome;
  });
}
