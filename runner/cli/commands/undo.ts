import { migratorFor } from '../../operations/migrator-for';
import { withWarehouse } from '../../operations/runtime';
import { undoOptions } from '../options';
import { printJson } from '../output';
import type { CommandInput } from '../command-input';
import { asRecordedRun } from '../runtime';

/** `rsrun undo --to V`: run U scripts newest first down to version V. */
export async function run(input: CommandInput): Promise<number> {
  const { to, json } = undoOptions(input);
  return asRecordedRun(input, 'undo', (rt) =>
    withWarehouse(rt, async (wrt) => {
      rt.ctx.target = wrt.opened.warehouse.label;
      const result = await migratorFor(wrt, rt.ctx.runId, rt.ctx.events).undo(to);
      if (json) printJson({ runId: rt.ctx.runId, undone: result.outcomes });
      return { status: 'passed', exitCode: 0 };
    }),
  );
}
