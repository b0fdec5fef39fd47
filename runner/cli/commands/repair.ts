import { newRunId } from '../../run/run-context';
import { migratorFor } from '../../operations/migrator-for';
import { withWarehouse } from '../../operations/runtime';
import { printJson, printLine } from '../output';
import { jsonOutput } from '../options';
import type { CommandInput } from '../command-input';
import { withConfig } from '../runtime';

/** `rsrun repair`: drop failed history rows, realign checksums, release a stale deployment lock. */
export async function run(input: CommandInput): Promise<number> {
  return withConfig(input, (rt) =>
    withWarehouse(rt, async (wrt) => {
      const result = await migratorFor(wrt, newRunId()).repair();
      if (jsonOutput(input).json) {
        printJson(result);
        return 0;
      }
      printLine(`removed ${result.removedFailed} failed history row(s)`);
      printLine(result.realigned.length ? `realigned checksums of: ${result.realigned.join(', ')}` : 'no checksum needed realigning');
      printLine(result.releasedLock ? `released the deployment lock held by ${result.releasedLock}` : 'the deployment lock was free');
      return 0;
    }),
  );
}
