/** Bytes under a directory (the embedded warehouse's data of one branch environment); null when it is gone. */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

export async function directorySize(dir: string): Promise<number | null> {
  try {
    return await sizeOf(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function sizeOf(entry: string): Promise<number> {
  const st = await lstat(entry);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const name of await readdir(entry)) total += await sizeOf(path.join(entry, name));
  return total;
}
