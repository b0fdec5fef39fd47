/**
 * `rsrun lint`: static Redshift checks on migrations and SQL tests; connects to nothing.
 * Exit 0 when there are no errors (warnings are printed), 2 (BadInput) when there are.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../config/load-config';
import { ExitCode } from '../../errors';
import { countBySeverity, formatJson, formatJunit, formatText, lintProjectFiles } from '../../lint/index';
import { lintOptions } from '../options';
import type { CommandInput } from '../command-input';

export async function run(input: CommandInput): Promise<number> {
  const { format, junitFile } = lintOptions(input);
  const config = await loadConfig(input.global);
  const { findings, files } = await lintProjectFiles(config);
  const out =
    format === 'json'
      ? formatJson(findings, files)
      : format === 'junit'
        ? formatJunit(findings, files)
        : formatText(findings, files.length);
  process.stdout.write(out);
  if (junitFile !== undefined) await writeFile(path.resolve(junitFile), formatJunit(findings, files));
  return countBySeverity(findings).errors > 0 ? ExitCode.BadInput : ExitCode.Ok;
}
