/**
 * `npm run build` step: writes the pre-initialised PGlite cluster into dist/pgdata/ unless the one
 * for this PGlite version is already there (initdb takes 5-30 s; a rebuild should not pay it again).
 */
import { existsSync } from 'node:fs';
import { builtTemplatePath, createTemplate } from '../runner/local/pgdata-template';

async function main(): Promise<void> {
  const file = builtTemplatePath();
  if (file === undefined) throw new Error('cannot find the rsrun package root');
  if (existsSync(file)) return;
  const started = Date.now();
  await createTemplate(file);
  process.stderr.write(`build: wrote ${file} (initdb, ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`build: could not write the PGlite template: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
