import { newRunId } from '../../run/run-context';
import { migratorFor } from '../migrator-for';
import { printJson, printLine } from '../output';
import type { CommandInput } from '../program';
import { withConfig, withWarehouse } from '../runtime';

/** `rsrun baseline --version V`: adopt an existing warehouse at version V. */
export async function run(input: CommandInput): Promise<number> {
  return withConfig(input, (rt) =>
    withWarehouse(rt, async (wrt) => {
      const row = await migratorFor(wrt, newRunId()).baseline(
        String(input.options.version),
        String(input.options.description ?? '<< baseline >>'),
      );
      if (input.options.json) printJson(row);
      else printLine(`baselined ${rt.config.env.name} at version ${row.version}: migrations up to it will not run`);
      return 0;
    }),
  );
}
