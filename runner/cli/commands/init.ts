/**
 * `rsrun init [DIR]`: writes a project `rsrun deploy` runs with no edit (or adopts a Flyway or
 * seed-sample layout in place) and says what it wrote and what to do next. Never overwrites.
 */
import path from 'node:path';
import { initProject } from '../../init/index';
import { initOptions } from '../options';
import type { CommandInput } from '../command-input';
import { printLine } from '../output';

export async function run(input: CommandInput): Promise<number> {
  const { dir, name, fromFlyway, fromSeed } = initOptions(input);
  const result = await initProject({
    dir,
    ...(name ? { name } : {}),
    ...(fromFlyway ? { fromFlyway } : {}),
    ...(fromSeed ? { fromSeed } : {}),
  });
  const shown = path.relative(process.cwd(), dir) || '.';
  printLine(`rsrun project in ${shown}:`);
  const width = Math.max(...result.created.map((c) => c.path.length), '.gitignore'.length);
  for (const c of result.created) printLine(`  ${c.path.padEnd(width)}  ${c.what}`);
  if (result.ignored.length > 0) printLine(`  ${'.gitignore'.padEnd(width)}  ignores ${result.ignored.join(' and ')}`);
  for (const note of result.notes) printLine(`  - ${note}`);
  const cd = shown === '.' ? '' : `cd ${shown} && `;
  const next: [string, string][] = [
    [`${cd}rsrun deploy`, 'lint, migrate and test on the embedded warehouse (nothing to install)'],
    ['rsrun plan', 'what a deploy would run, with its SQL'],
    ['rsrun deploy --env test', 'on Redshift, once [env.test] in rsrun.ini is filled in'],
  ];
  const w = Math.max(...next.map(([c]) => c.length));
  printLine('');
  printLine('Next:');
  for (const [command, what] of next) printLine(`  ${command.padEnd(w)}   ${what}`);
  return 0;
}
