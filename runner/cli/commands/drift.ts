import { discoverMigrations } from '../../migrations/discover';
import { ExitCode } from '../../errors';
import { READ_ONLY, withWarehouse } from '../../operations/runtime';
import { printJson, printLine } from '../output';
import { driftOptions } from '../options';
import type { CommandInput } from '../command-input';
import { withConfig } from '../runtime';

/** `rsrun drift`: the environment against what its applied migrations build; exit 9 when they differ. */
export async function run(input: CommandInput): Promise<number> {
  const options = driftOptions(input);
  return withConfig(input, async (rt) => {
    const migrations = await discoverMigrations(rt.config.project.migrationsDir);
    return withWarehouse(
      rt,
      async (wrt) => {
        const { checkDrift } = await import('../../operations/drift.js');
        const result = await checkDrift(wrt, migrations);
        if (options.accept) {
          const { writeAcceptMigration } = await import('../../operations/drift-accept.js');
          const file = await writeAcceptMigration(rt.config.project.migrationsDir, migrations, result);
          printLine(file === undefined ? 'no drift: nothing to accept' : `wrote ${file}: review it, then deploy it like any migration`);
          return 0;
        }
        const format = await import('../../drift/format.js');
        if (options.format === 'json') printJson(format.driftJson(result));
        else if (options.format === 'junit') process.stdout.write(format.formatDriftJunit(result));
        else if (options.format === 'html') process.stdout.write(format.formatDriftHtml(result));
        else printLine(format.formatDriftText(result));
        return result.objects.length > 0 ? ExitCode.Drift : ExitCode.Ok;
      },
      READ_ONLY,
    );
  });
}
