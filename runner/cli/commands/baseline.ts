import { migratorFor } from '../../operations/migrator-for';
import { withWarehouse } from '../../operations/runtime';
import { newRunId } from '../../run/run-context';
import { baselineOptions } from '../options';
import { printJson, printLine } from '../output';
import type { CommandInput } from '../command-input';
import { withConfig } from '../runtime';

/** `rsrun baseline --version V`: adopt an existing warehouse at version V. */
export async function run(input: CommandInput): Promise<number> {
  const { version, description, json } = baselineOptions(input);
  return withConfig(input, (rt) =>
    withWarehouse(rt, async (wrt) => {
      const row = await migratorFor(wrt, newRunId()).baseline(version, description);
      if (json) printJson(row);
      else printLine(`baselined ${rt.config.env.name} at version ${row.version}: migrations up to it will not run`);
      return 0;
    }),
  );
}
