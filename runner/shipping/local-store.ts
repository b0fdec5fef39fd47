/**
 * The store used without `[s3]`: a directory with the same layout as the bucket, so the embedded
 * default run produces `<reports-dir>/store/<env>/index.html` and the run folders beside it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { ShippingError } from '../errors';
import { sha256Hex, type PutResult, type RunStore, type StoredObject } from './store';

export class LocalStore implements RunStore {
  constructor(readonly root: string) {}

  get location(): string {
    return this.root;
  }

  url(key: string): string {
    return this.file(key);
  }

  private file(key: string): string {
    const target = path.resolve(this.root, ...key.split('/'));
    if (!target.startsWith(path.resolve(this.root) + path.sep)) throw new ShippingError(`refusing to write outside the store: ${key}`);
    return target;
  }

  async put(key: string, body: Buffer, _contentType: string): Promise<PutResult> {
    const target = this.file(key);
    await mkdir(path.dirname(target), { recursive: true });
    // Write aside and rename: a reader never sees half a file, a crash never leaves one. The
    // aside name is unique per write, not per process: runs published from one process at once
    // (and derived pages written by each) would otherwise rename each other's file away.
    const tmp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, body);
    // Verified before the rename, by streaming the written file through the hash: after it, a
    // concurrent writer of the same key may already have replaced the file.
    const sha256 = sha256Hex(body);
    const stored = createHash('sha256');
    for await (const chunk of createReadStream(tmp)) stored.update(chunk as Buffer);
    if (stored.digest('hex') !== sha256) {
      await rm(tmp, { force: true });
      throw new ShippingError(`stored copy of ${key} does not match what was written`, { file: target });
    }
    await rename(tmp, target);
    return { key, size: body.length, sha256 };
  }

  async get(key: string): Promise<StoredObject | undefined> {
    try {
      const body = await readFile(this.file(key));
      return { body, etag: sha256Hex(body) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async putIfUnchanged(key: string, body: Buffer, contentType: string, etag: string | undefined): Promise<boolean> {
    const target = this.file(key);
    await mkdir(path.dirname(target), { recursive: true });
    // Locked by the file's own path: proper-lockfile keeps its locks in a map keyed by that path,
    // so locking the directory for two files of it (index.json and tests.json) mixed them up.
    const release = await lockfile.lock(target, {
      realpath: false,
      lockfilePath: `${target}.lock`,
      retries: { retries: 50, minTimeout: 20, maxTimeout: 200 },
      stale: 30_000,
    });
    try {
      const current = await this.get(key);
      if (current?.etag !== etag) return false;
      await this.put(key, body, contentType);
      return true;
    } finally {
      await release();
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    const dir = this.file(prefix);
    let files: number;
    try {
      files = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((d) => d.isFile()).length;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    await rm(dir, { recursive: true, force: true });
    return files;
  }

  close(): void {}
}
