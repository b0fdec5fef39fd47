/** Running the project's SQL tests as part of a recorded run (`rsrun test`, and `rsrun deploy` after migrating). */
import type { TestOutcome } from '../events';
import { migratorFor } from './migrator-for';
import type { RunOutcome, RunRuntime, WarehouseRuntime } from './runtime';

export async function testRecorded(rt: WarehouseRuntime & Pick<RunRuntime, 'ctx'>): Promise<{ outcome: RunOutcome; tests: TestOutcome[] }> {
  const { runTests } = await import('../testing/index.js');
  rt.ctx.target ||= rt.opened.warehouse.label;
  const tests = await runTests({
    config: rt.config,
    warehouse: rt.opened.warehouse,
    ctx: rt.ctx,
    logger: rt.logger,
    ...(rt.rewriter ? { rewriter: rt.rewriter } : {}),
    // `-- rsrun:isolation database`: the disposable database gets the project's migrations first.
    prepareDatabase: async (scratch) => {
      await migratorFor({ ...rt, opened: { warehouse: scratch, dispose: () => scratch.close() } }, rt.ctx.runId).migrate();
    },
  });
  const bad = tests.filter((t) => t.status === 'failed' || t.status === 'error');
  return { outcome: bad.length ? { status: 'failed', exitCode: 1 } : { status: 'passed', exitCode: 0 }, tests };
}
