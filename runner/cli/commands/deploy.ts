import { deployRecorded } from '../../operations/deploy';
import { deployOptions } from '../options';
import type { CommandInput } from '../command-input';
import { asRecordedRun } from '../runtime';

/** `rsrun deploy`: lint, migrate, then test; reports are written and shipped whatever happens. */
export async function run(input: CommandInput): Promise<number> {
  const options = deployOptions(input);
  return asRecordedRun(input, 'deploy', (rt) => deployRecorded(rt, options), { jsonSummary: true });
}
