import { undoRecorded } from '../../operations/migrate';
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
      const result = await undoRecorded({ ...wrt, ctx: rt.ctx }, to);
      if (json) printJson({ runId: rt.ctx.runId, undone: result.outcomes });
      return { status: 'passed', exitCode: 0 };
    }),
  );
}
