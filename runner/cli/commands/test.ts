/**
 * `rsrun test`: run the project's SQL tests against an environment, write junit.xml, report.json
 * and report.html, and exit 1 when any test failed or errored.
 */
import { parseDuration, parseInteger } from '../../config/values';
import { parseShard } from '../../config/load-config';
import type { TestSettings } from '../../config/types';
import type { TestOutcome } from '../../events';
import { migratorFor } from '../migrator-for';
import { printJson } from '../output';
import type { CommandInput } from '../program';
import { asRecordedRun, withWarehouse, type RunOutcome, type RunRuntime, type WarehouseRuntime } from '../runtime';

export async function run(input: CommandInput): Promise<number> {
  return asRecordedRun(
    input,
    'test',
    (rt) =>
      withWarehouse(rt, async (wrt) => {
        const { outcome, tests } = await runSuite({ ...wrt, ctx: rt.ctx });
        if (input.options.json) printJson({ runId: rt.ctx.runId, runDir: rt.ctx.runDir, tests });
        return outcome;
      }),
    { tests: testSettingsFrom(input.options) },
  );
}

/** Runs the tests of a recorded run (also called by `rsrun deploy` after migrating). */
export async function runSuite(rt: WarehouseRuntime & Pick<RunRuntime, 'ctx'>): Promise<{ outcome: RunOutcome; tests: TestOutcome[] }> {
  const { runTests } = await import('../../testing/index.js');
  rt.ctx.target ||= rt.opened.warehouse.label;
  const tests = await runTests({
    config: rt.config,
    warehouse: rt.opened.warehouse,
    ctx: rt.ctx,
    logger: rt.logger,
    ...(rt.rewriter ? { rewriter: rt.rewriter } : {}),
    // `-- rsrun:isolation database`: the disposable database gets the project's migrations first.
    prepareDatabase: async (scratch) => {
      await migratorFor({ ...rt, opened: { warehouse: scratch, dispose: () => scratch.close() } }, rt.ctx.runId).migrate();
    },
  });
  const bad = tests.filter((t) => t.status === 'failed' || t.status === 'error');
  return { outcome: bad.length ? { status: 'failed', exitCode: 1 } : { status: 'passed', exitCode: 0 }, tests };
}

/** `--grep`, `--tag`, `--shard`, `--concurrency`, `--timeout`, `--durations-from` as test settings. */
export function testSettingsFrom(options: Record<string, unknown>): Partial<TestSettings> {
  const out: Partial<TestSettings> = {};
  const str = (k: string) => (typeof options[k] === 'string' ? (options[k] as string) : undefined);
  if (str('grep')) out.grep = str('grep');
  const tags = options.tag;
  if (Array.isArray(tags) && tags.length)
    out.tags = tags
      .flatMap((t: string) => t.split(','))
      .map((t) => t.trim())
      .filter(Boolean);
  if (str('shard')) out.shard = parseShard(str('shard') as string);
  if (str('concurrency'))
    out.concurrency = parseInteger(str('concurrency') as string, { key: 'concurrency', source: '--concurrency' }, 1, 64);
  if (str('timeout')) out.timeoutMs = parseDuration(str('timeout') as string, { key: 'timeout', source: '--timeout' });
  if (str('durationsFrom')) out.durationsFrom = str('durationsFrom');
  return out;
}
