import { writeFile } from 'node:fs/promises';
import { discoverMigrations } from '../../migrations/discover';
import { sqlAt } from '../../migrations/split-sql';
import { newRunId } from '../../run/run-context';
import { migratorFor } from '../../operations/migrator-for';
import { READ_ONLY, withWarehouse } from '../../operations/runtime';
import { formatTable, printJson, printLine } from '../output';
import { planOptions } from '../options';
import type { CommandInput } from '../command-input';
import { withConfig } from '../runtime';

const PLAN_PIECE_CHARS = 1 << 20;

/** `rsrun plan`: pending migrations and their SQL, in apply order; changes nothing. */
export async function run(input: CommandInput): Promise<number> {
  return withConfig(input, async (rt) => {
    // Discovered once: the lint and the plan read the same files.
    const migrations = await discoverMigrations(rt.config.project.migrationsDir);
    const { lintGate } = await import('../../lint/gate.js');
    await lintGate(rt.config, undefined, undefined, migrations);
    return withWarehouse(
      rt,
      async (wrt) => {
        const { driftGate } = await import('../../operations/drift.js');
        const drift = await driftGate(wrt, migrations);
        const report = planOptions(input).driftReport;
        if (drift && report !== undefined) await writeFile(report, (await import('../../drift/format.js')).formatDriftHtml(drift));
        const { items, state } = await migratorFor(wrt, newRunId(), undefined, migrations).plan();
        if (planOptions(input).json) {
          printJson({
            environment: rt.config.env.name,
            current: state.current,
            problems: state.problems,
            ...(drift ? { drift: { objects: drift.objects.length, items: drift.items } } : {}),
            pending: items.map((i) => ({
              version: i.migration.version,
              description: i.migration.description,
              type: i.migration.kind,
              script: i.migration.script,
              checksum: i.migration.checksum,
              reason: i.reason,
              transactional: i.transactional,
              ...(i.nonTransactionalBecause ? { nonTransactionalBecause: i.nonTransactionalBecause } : {}),
              statements: Array.from(i.migration.statements, (s) => ({ line: s.line, sql: s.sql })),
            })),
          });
          return 0;
        }
        printLine(`environment ${rt.config.env.name} (${wrt.opened.warehouse.label}), current version: ${state.current ?? 'none'}`);
        for (const p of state.problems) printLine(`problem: ${p}`);
        if (drift)
          printLine(
            drift.objects.length === 0 ? 'drift: none' : `drift: ${drift.objects.length} object(s) differ (rsrun drift shows them)`,
          );
        if (items.length === 0) {
          printLine('nothing to apply: the warehouse is up to date');
          return 0;
        }
        printLine(`${items.length} migration(s) to apply:\n`);
        printLine(
          formatTable(
            ['version', 'description', 'type', 'statements', 'transaction'],
            items.map((i) => [
              i.migration.version ?? '',
              i.migration.description,
              i.reason === 'new' ? i.migration.kind : `${i.migration.kind} (${i.reason})`,
              i.migration.statements.length,
              i.transactional ? 'yes' : 'no',
            ]),
          ),
        );
        // Written in pieces of about a megabyte: a plan of thousands of statements should not cost
        // thousands of syscalls, nor a 200 MB migration (read from its file) a 200 MB string.
        const sql: string[] = [];
        let size = 0;
        const add = (line: string) => {
          sql.push(line);
          size += line.length;
          if (size < PLAN_PIECE_CHARS) return;
          printLine(sql.join('\n'));
          sql.length = 0;
          size = 0;
        };
        for (const i of items) {
          add(`\n-- ${i.migration.script}${i.transactional ? '' : `  [outside a transaction: ${i.nonTransactionalBecause}]`}`);
          for (let k = i.resumeFrom; k < i.migration.statements.length; k++) add(`${sqlAt(i.migration.statements, k)};`);
        }
        if (sql.length > 0) printLine(sql.join('\n'));
        return 0;
      },
      READ_ONLY,
    );
  });
}
