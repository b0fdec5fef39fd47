import { discoverMigrations } from '../../migrations/discover';
import { migrateRecorded } from '../../operations/migrate';
import { withWarehouse } from '../../operations/runtime';
import { jsonOutput } from '../options';
import { printJson } from '../output';
import type { CommandInput } from '../command-input';
import { asRecordedRun } from '../runtime';

/** `rsrun migrate`: apply pending migrations under the deployment lock. */
export async function run(input: CommandInput): Promise<number> {
  const { json } = jsonOutput(input);
  return asRecordedRun(input, 'migrate', async (rt) => {
    // Bad files fail here, before a warehouse is started or connected to.
    const migrations = await discoverMigrations(rt.config.project.migrationsDir);
    return withWarehouse(rt, async (wrt) => {
      const result = await migrateRecorded({ ...wrt, ctx: rt.ctx }, migrations);
      if (json) printJson({ runId: rt.ctx.runId, applied: result.outcomes });
      return { status: 'passed', exitCode: 0 };
    });
  });
}
