import { migratorFor } from '../migrator-for';
import { printJson } from '../output';
import type { CommandInput } from '../program';
import { asRecordedRun, withWarehouse } from '../runtime';

/** `rsrun undo --to V`: run U scripts newest first down to version V. */
export async function run(input: CommandInput): Promise<number> {
  return asRecordedRun(input, 'undo', (rt) =>
    withWarehouse(rt, async (wrt) => {
      rt.ctx.target = wrt.opened.warehouse.label;
      const result = await migratorFor(wrt, rt.ctx.runId, rt.ctx.events).undo(String(input.options.to));
      if (input.options.json) printJson({ runId: rt.ctx.runId, undone: result.outcomes });
      return { status: 'passed', exitCode: 0 };
    }),
  );
}
