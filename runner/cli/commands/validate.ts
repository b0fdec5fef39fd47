import { newRunId } from '../../run/run-context';
import { migratorFor } from '../../operations/migrator-for';
import { READ_ONLY, withWarehouse } from '../../operations/runtime';
import { printJson, printLine } from '../output';
import { jsonOutput } from '../options';
import type { CommandInput } from '../command-input';
import { withConfig } from '../runtime';

/** `rsrun validate`: applied migrations still match their files. Exit 2 with the list when not. */
export async function run(input: CommandInput): Promise<number> {
  return withConfig(input, (rt) =>
    withWarehouse(
      rt,
      async (wrt) => {
        const migrator = migratorFor(wrt, newRunId());
        await migrator.validate();
        const state = await migrator.state();
        if (jsonOutput(input).json) printJson({ valid: true, applied: state.applied.length, pending: state.pending.length });
        else printLine(`valid: ${state.applied.length} applied migration(s) match their files; ${state.pending.length} pending`);
        return 0;
      },
      READ_ONLY,
    ),
  );
}
