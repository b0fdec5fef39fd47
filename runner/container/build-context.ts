/**
 * The build context as Docker's own CLI would send it: a tar stream of the directory, minus what
 * `.dockerignore` excludes. Matching uses @balena/dockerignore (Docker's exact semantics,
 * including `!` re-includes and `**`), not a hand-written glob.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ignore from '@balena/dockerignore';
import tar from 'tar-fs';
import { ContainerError } from '../errors';

export async function readDockerignore(contextDir: string): Promise<string[]> {
  try {
    const text = await readFile(path.join(contextDir, '.dockerignore'), 'utf8');
    return text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ContainerError(`cannot read ${path.join(contextDir, '.dockerignore')}`, { cause: err });
  }
}

/**
 * Returns a predicate over context-relative POSIX paths: true when the file is sent.
 * The Dockerfile and .dockerignore are always sent (Docker does the same).
 */
export async function contextFilter(contextDir: string, dockerfile: string): Promise<(relPath: string) => boolean> {
  const ig = ignore().add(await readDockerignore(contextDir));
  const always = new Set([dockerfile.split(path.sep).join('/'), '.dockerignore']);
  return (rel) => rel === '' || always.has(rel) || !ig.ignores(rel);
}

/** A tar stream of `contextDir` honouring `.dockerignore`, with the files' modes and uid 0. */
export async function packContext(contextDir: string, dockerfile: string): Promise<NodeJS.ReadableStream> {
  const send = await contextFilter(contextDir, dockerfile);
  const pack = tar.pack(contextDir, {
    ignore: (name: string) => !send(path.relative(contextDir, name).split(path.sep).join('/')),
    // Ownership of the developer's files must not leak into the image or bust the layer cache.
    map: (header) => ({ ...header, uid: 0, gid: 0, uname: '', gname: '' }),
  });
  // tar-fs returns a streamx Readable; it pipes like a Node stream, which is all the engine API needs.
  return pack as unknown as NodeJS.ReadableStream;
}
