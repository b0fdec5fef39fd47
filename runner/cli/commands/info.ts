import { newRunId } from '../../run/run-context';
import { migratorFor } from '../../operations/migrator-for';
import { READ_ONLY, withWarehouse } from '../../operations/runtime';
import { formatTable, printJson, printLine } from '../output';
import { jsonOutput } from '../options';
import type { CommandInput } from '../command-input';
import { withConfig } from '../runtime';

/** `rsrun info`: applied history and pending migrations. */
export async function run(input: CommandInput): Promise<number> {
  return withConfig(input, (rt) =>
    withWarehouse(
      rt,
      async (wrt) => {
        const state = await migratorFor(wrt, newRunId()).state();
        const applied = state.history.map((r) => ({
          rank: r.installedRank,
          version: r.version,
          description: r.description,
          type: r.type,
          script: r.script,
          checksum: r.checksum,
          installedBy: r.installedBy,
          installedOn: r.installedOn,
          executionMs: r.executionMs,
          success: r.success,
        }));
        const pending = state.pending.map((p) => ({
          version: p.migration.version,
          description: p.migration.description,
          type: p.migration.kind,
          script: p.migration.script,
          checksum: p.migration.checksum,
          success: null,
          reason: p.reason,
        }));
        if (jsonOutput(input).json) {
          printJson({ environment: rt.config.env.name, current: state.current, applied, pending, problems: state.problems });
          return 0;
        }
        printLine(`environment ${rt.config.env.name} (${wrt.opened.warehouse.label}), current version: ${state.current ?? 'none'}\n`);
        printLine(
          formatTable(
            ['rank', 'version', 'description', 'type', 'installed on', 'ms', 'state'],
            [
              ...applied.map((a) => [
                a.rank,
                a.version,
                a.description,
                a.type,
                a.installedOn.replace('T', ' ').slice(0, 19),
                a.executionMs,
                a.success ? 'success' : 'FAILED',
              ]),
              ...pending.map((p) => [
                '',
                p.version,
                p.description,
                p.type,
                '',
                '',
                p.reason === 'new' ? 'pending' : `pending (${p.reason})`,
              ]),
            ],
          ),
        );
        for (const p of state.problems) printLine(`\nproblem: ${p}`);
        return 0;
      },
      READ_ONLY,
    ),
  );
}
