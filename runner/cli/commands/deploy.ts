import { discoverMigrations } from '../../migrations/discover';
import type { CommandInput } from '../program';
import { asRecordedRun, withWarehouse } from '../runtime';
import { applyMigrations } from './migrate';

/**
 * `rsrun deploy`: lint, migrate, then test; reports are written and shipped whatever happens.
 * Tests do not run when a migration failed.
 */
export async function run(input: CommandInput): Promise<number> {
  return asRecordedRun(
    input,
    'deploy',
    async (rt) => {
      // Discovered once: the lint and the migration read the same files.
      const migrations = await discoverMigrations(rt.config.project.migrationsDir);
      const { lintGate } = await import('../../lint/gate.js');
      await lintGate(rt.config, rt.ctx.events, undefined, migrations);
      // A malformed test or fixture is exit 2 before anything is applied (testing/suite.ts).
      if (input.options.tests !== false) await (await import('../../testing/index.js')).loadTestSuite(rt.config.project);
      return withWarehouse(rt, async (wrt) => {
        // A failed migration throws here, so tests never run against a half-deployed warehouse.
        await applyMigrations({ ...wrt, ctx: rt.ctx }, migrations);
        if (input.options.tests === false) return { status: 'passed', exitCode: 0 };
        const { runSuite } = await import('./test.js');
        return (await runSuite({ ...wrt, ctx: rt.ctx })).outcome;
      });
    },
    { jsonSummary: true },
  );
}
