/**
 * `rsrun reports prune --keep N`: deletes local run directories but the newest N (runs not yet
 * shipped are kept). Without --keep, `[project] keep_runs` says how many.
 */
import { loadConfig } from '../../config/load-config';
import { ConfigError } from '../../errors';
import { pruneRuns } from '../../shipping/prune-runs';
import { reportsOptions } from '../options';
import { printJson, printLine } from '../output';
import type { CommandInput } from '../command-input';

export async function run(input: CommandInput): Promise<number> {
  const options = reportsOptions(input);
  const config = await loadConfig(input.global);
  const keep = options.keep ?? config.project.keepRuns;
  if (keep === undefined) {
    throw new ConfigError('how many runs to keep?', { hint: 'pass --keep N (0 or more), or set [project] keep_runs in rsrun.ini' });
  }
  const result = await pruneRuns(config.project.reportsDir, keep);
  if (options.json) printJson(result);
  else {
    printLine(`${result.deleted.length} run directories deleted, ${result.kept.length} kept in ${config.project.reportsDir}`);
    if (result.pending.length > 0) printLine(`${result.pending.length} older runs not shipped yet were kept: rsrun ship uploads them`);
  }
  return 0;
}
