/**
 * `npm run build` step: writes the pre-initialised PGlite cluster into dist/pgdata/ unless the one
 * for this PGlite version is already there (initdb takes 5-30 s; a rebuild should not pay it again),
 * copied from the user's cache when a build or run on this machine made it before.
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { builtTemplatePath, cachedTemplatePath, createTemplate } from '../runner/local/pgdata-template';

/** Copies atomically: a concurrent reader sees the whole file or none. */
function copyInto(from: string, to: string): void {
  mkdirSync(path.dirname(to), { recursive: true });
  const partial = `${to}.${process.pid}.partial`;
  try {
    copyFileSync(from, partial);
    renameSync(partial, to);
  } finally {
    rmSync(partial, { force: true });
  }
}

async function main(): Promise<void> {
  const file = builtTemplatePath();
  if (file === undefined) throw new Error('cannot find the rsrun package root');
  if (existsSync(file)) return;
  // The user's copy for this PGlite version (the one runs fall back to) saves the initdb in every
  // fresh clone on the machine: .ci/run, the Jenkinsfile end to end's workspaces, git-URL installs.
  const cached = cachedTemplatePath();
  if (existsSync(cached)) {
    copyInto(cached, file);
    process.stderr.write(`build: copied ${cached} to ${file}\n`);
    return;
  }
  const started = Date.now();
  await createTemplate(file);
  process.stderr.write(`build: wrote ${file} (initdb, ${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  try {
    copyInto(file, cached);
  } catch {
    // no writable cache directory: the next fresh clone runs initdb again
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`build: could not write the PGlite template: ${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
