/**
 * A pre-initialised PGlite data directory. PGlite runs initdb when it finds no cluster: 5-30 s and
 * ~900 MB of peak RSS on a 2-core machine (a second WebAssembly instance, the whole cluster built in
 * memory, then dumped and copied). A fresh cluster is the same bytes every time for one PGlite
 * version, so rsrun makes it once (`npm run build` puts it in dist/, or the first run on a machine
 * without one puts it in the user's cache) and unpacks it wherever an empty warehouse is needed.
 */
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

/** The template belongs to one PGlite build: its catalog version must match the engine's. */
export function templateFileName(): string {
  const entry = require.resolve('@electric-sql/pglite');
  const pkg = JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return `pgdata-pglite-${pkg.version}.tar.gz`;
}

/** The directory of rsrun's package.json: runner/local/ from source, dist/ once bundled. */
function packageRoot(): string | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        if ((JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'rsrun') return dir;
      } catch {
        // an unreadable package.json is not ours; keep walking up
      }
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Where `npm run build` writes the template (shipped with the package). */
export function builtTemplatePath(): string | undefined {
  const root = packageRoot();
  return root === undefined ? undefined : path.join(root, 'dist', 'pgdata', templateFileName());
}

/** The user's copy, made by the first run without a built one, or by a build (scripts/make-pgdata-template.ts). */
export function cachedTemplatePath(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'rsrun', templateFileName());
}

/** The template if one exists: the package's own first, then the user's cache. */
export function findTemplate(): string | undefined {
  for (const file of [builtTemplatePath(), cachedTemplatePath()]) if (file !== undefined && existsSync(file)) return file;
  return undefined;
}

/** Runs initdb once (in memory) and writes the cluster as a gzip tar; the write is atomic. */
export async function createTemplate(file: string): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = new PGlite();
  try {
    await db.waitReady;
    const dump = await db.dumpDataDir('gzip');
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, Buffer.from(await dump.arrayBuffer()));
    await rename(tmp, file);
  } finally {
    await db.close();
  }
}

/**
 * The template, made into the user's cache if no build shipped one. Undefined when it can be
 * neither found nor written (a read-only home): PGlite then runs initdb itself, as it always could.
 */
export async function ensureTemplate(): Promise<string | undefined> {
  const found = findTemplate();
  if (found !== undefined) return found;
  const file = cachedTemplatePath();
  try {
    await createTemplate(file);
    return file;
  } catch {
    return undefined;
  }
}

/** The template's bytes, for an in-memory engine (`loadDataDir`). */
export async function templateBlob(file: string): Promise<Blob> {
  return new Blob([await readFile(file)], { type: 'application/x-gzip' });
}

/** Whether `dataDir` holds a cluster (PostgreSQL writes PG_VERSION first and never removes it). */
export function hasCluster(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'PG_VERSION'));
}

/**
 * Unpacks the template as `dataDir`. It is unpacked beside it and renamed into place, so a run
 * killed half-way leaves no half cluster that a later run would take for a real one.
 */
export async function unpackTemplate(file: string, dataDir: string): Promise<void> {
  const tmp = `${dataDir}.${process.pid}.unpacking`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  try {
    await extractTar(await promisify(gunzip)(await readFile(file)), tmp);
    // An empty directory (made by hand, or left by an interrupted older run) is replaced.
    if (existsSync(dataDir) && (await readdir(dataDir)).length === 0) await rmdir(dataDir);
    await rename(tmp, dataDir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function extractTar(tar: Buffer, into: string): Promise<void> {
  const { extract } = await import('tar-stream');
  const entries = extract();
  const done = new Promise<void>((resolve, reject) => {
    entries.on('entry', (header, body, next) => {
      // Names are absolute in PGlite's dumps; joining onto '/' first keeps them inside `into`.
      const target = path.join(into, path.join('/', header.name));
      const chunks: Buffer[] = [];
      body.on('data', (c: unknown) => void chunks.push(c as Buffer));
      body.on('end', () => {
        try {
          if (header.type === 'directory') mkdirSync(target, { recursive: true, mode: 0o700 });
          else if (header.type === 'file') writeSparse(target, Buffer.concat(chunks));
          next();
        } catch (err) {
          next(err as Error);
        }
      });
    });
    entries.on('finish', resolve);
    entries.on('error', reject);
  });
  entries.end(tar);
  await done;
}

const PAGE = 8192;
const ZEROS = Buffer.alloc(PAGE);

/**
 * Writes a file leaving its all-zero pages as holes: the 16 MB WAL segment of a fresh cluster is
 * almost all zeros, and PostgreSQL reads holes as the zeros they stand for. A fresh project's
 * warehouse then takes ~24 MB of disk writes instead of 40 MB.
 */
function writeSparse(target: string, data: Buffer): void {
  mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  const fd = openSync(target, 'w', 0o600);
  try {
    ftruncateSync(fd, data.length);
    for (let at = 0; at < data.length; at += PAGE) {
      const page = data.subarray(at, Math.min(at + PAGE, data.length));
      if (!page.equals(ZEROS.subarray(0, page.length))) writeSync(fd, page, 0, page.length, at);
    }
  } finally {
    closeSync(fd);
  }
}
