/**
 * `<project>/.rsrun/` holds local state (embedded warehouse data, lint cache, local S3 objects).
 * It is created with a `.gitignore` of its own, so a project never commits it by accident.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

export async function ensureStateDir(stateDir: string): Promise<string> {
  await mkdir(stateDir, { recursive: true });
  const ignore = path.join(stateDir, '.gitignore');
  if (!existsSync(ignore)) await writeFile(ignore, '# local state of rsrun: never committed\n*\n');
  return stateDir;
}
