/**
 * `rsrun test`: run the project's SQL tests against an environment, write junit.xml, report.json
 * and report.html, and exit 1 when any test failed or errored.
 */
import { withWarehouse } from '../../operations/runtime';
import { testRecorded } from '../../operations/test-suite';
import { testOptions } from '../options';
import { printJson } from '../output';
import type { CommandInput } from '../command-input';
import { asRecordedRun } from '../runtime';

export async function run(input: CommandInput): Promise<number> {
  const { json, settings } = testOptions(input);
  return asRecordedRun(
    input,
    'test',
    (rt) =>
      withWarehouse(rt, async (wrt) => {
        const { outcome, tests } = await testRecorded({ ...wrt, ctx: rt.ctx });
        if (json) printJson({ runId: rt.ctx.runId, runDir: rt.ctx.runDir, tests });
        return outcome;
      }),
    { tests: settings },
  );
}
