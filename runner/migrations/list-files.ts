/**
 * The files under the migrations directory, sub-folders included, in a stable order. Symbolic
 * links are followed (to files and to folders), so a project that links shared migrations in
 * gets them; a link that points nowhere, or back to a folder it sits in, is an error naming it:
 * nothing a user put there is skipped without a word. Hidden entries (`.git`, `.DS_Store`) are
 * not migrations and are left out.
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, InputError } from '../errors';

/** Names rsrun reads; anything else with one of these extensions is reported. */
const MIGRATION_LIKE = /\.(sql|ini)$/i;

/** Every file under `root` (or `root` itself when it is a file), sorted. */
export async function listMigrationFiles(root: string): Promise<string[]> {
  let rootReal: string;
  try {
    rootReal = await realpath(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError(`migrations directory ${root} does not exist`, {
        hint: 'create it, or set [project] migrations in rsrun.ini, or pass --project-dir',
      });
    }
    throw err;
  }
  // `[project] migrations` may name a single changeset file.
  if ((await stat(rootReal)).isFile()) return [root];
  const out: string[] = [];
  await walk(root, [rootReal], out);
  return out.sort();
}

/** `ancestors`: real paths of the folders from the root down to `dir`, to recognise a loop. */
async function walk(dir: string, ancestors: string[], out: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    const kind = entry.isSymbolicLink() ? await linkTarget(full) : direntKind(entry);
    if (kind === 'file') out.push(full);
    else if (kind === 'dir') {
      const real = await realpath(full);
      if (ancestors.includes(real)) {
        throw new InputError(`symbolic link ${full} points back to ${real}, a folder it is inside: following it would never end`, {
          file: full,
          hint: 'remove the link, or point it at a folder outside the migrations tree',
        });
      }
      await walk(full, [...ancestors, real], out);
    } else if (MIGRATION_LIKE.test(entry.name)) {
      // A FIFO or socket named like a migration would block the read forever.
      throw new InputError(`${entry.name} is not a regular file`, {
        file: full,
        hint: 'migrations must be regular files (or links to them)',
      });
    }
  }
}

type Kind = 'file' | 'dir' | 'other';

function direntKind(entry: Dirent): Kind {
  return entry.isFile() ? 'file' : entry.isDirectory() ? 'dir' : 'other';
}

async function linkTarget(link: string): Promise<Kind> {
  try {
    const s = await stat(link);
    return s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP') {
      throw new InputError(code === 'ELOOP' ? 'symbolic link loop' : 'symbolic link points to nothing', {
        file: link,
        cause: err,
        hint: 'fix or remove the link; rsrun follows links to migration files and folders',
      });
    }
    throw err;
  }
}
