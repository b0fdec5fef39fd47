/**
 * `rsrun lint`: static Redshift checks on migrations and SQL tests; connects to nothing.
 * Exit 0 when there are no errors (warnings are printed), 2 (BadInput) when there are.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../../config/load-config';
import { ExitCode, InputError } from '../../errors';
import { countBySeverity, formatJson, formatJunit, formatText, lintProjectFiles } from '../../lint/index';
import type { CommandInput } from '../program';

const FORMATS = ['text', 'json', 'junit'] as const;

export async function run(input: CommandInput): Promise<number> {
  const format = String(input.options.format ?? (input.options.json ? 'json' : 'text'));
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new InputError(`unknown --format "${format}"`, { hint: `use one of ${FORMATS.join(', ')}` });
  }
  const config = await loadConfig(input.global);
  const { findings, files } = await lintProjectFiles(config);
  const out =
    format === 'json'
      ? formatJson(findings, files)
      : format === 'junit'
        ? formatJunit(findings, files)
        : formatText(findings, files.length);
  process.stdout.write(out);
  if (typeof input.options.junit === 'string') {
    const target = path.resolve(input.options.junit);
    await writeFile(target, formatJunit(findings, files));
  }
  return countBySeverity(findings).errors > 0 ? ExitCode.BadInput : ExitCode.Ok;
}
