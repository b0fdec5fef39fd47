/**
 * Where emulated `COPY ... FROM 's3://...'` reads and `UNLOAD ... TO 's3://...'` writes.
 * Implementations: `LocalDirectoryStore` (`<dir>/<bucket>/<key>`, the default for the embedded
 * engine) and `S3ObjectStore` (an S3-compatible endpoint, s3-object-store.ts).
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../../errors';

export interface ObjectStore {
  /** Human label for messages, e.g. `/work/proj/.rsrun/s3` or `http://127.0.0.1:4569`. */
  readonly label: string;
  /** The object's bytes; throws InputError when it does not exist. */
  get(bucket: string, key: string): Promise<Buffer>;
  /** Keys starting with `prefix`, sorted. */
  list(bucket: string, prefix: string): Promise<string[]>;
  put(bucket: string, key: string, body: Buffer): Promise<void>;
}

/** `s3://bucket/key/prefix` → parts; InputError for anything else. */
export function parseS3Url(url: string, where: { file?: string; line?: number } = {}): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (!m)
    throw new InputError(`"${url}" is not an s3://bucket/key URL`, { ...where, hint: "write the object location as 's3://bucket/prefix'" });
  return { bucket: m[1] as string, key: m[2] as string };
}

/** Objects as files: `<root>/<bucket>/<key>`. Keys with `..` segments are refused. */
export class LocalDirectoryStore implements ObjectStore {
  readonly label: string;

  constructor(private readonly root: string) {
    this.label = root;
  }

  async get(bucket: string, key: string): Promise<Buffer> {
    const file = this.fileOf(bucket, key);
    try {
      return await readFile(file);
    } catch (err) {
      throw new InputError(`s3://${bucket}/${key} does not exist in the local object store (${file})`, {
        cause: err,
        hint: `put the file at ${file}, or configure [s3] endpoint to read from an S3 server`,
      });
    }
  }

  async list(bucket: string, prefix: string): Promise<string[]> {
    const base = this.fileOf(bucket, '');
    const keys: string[] = [];
    // Walk only the directory that can hold the prefix; S3 prefixes need not end at a '/'.
    const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
    const walk = async (rel: string): Promise<void> => {
      let entries: import('node:fs').Dirent[];
      try {
        entries = await readdir(path.join(base, rel), { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const key = rel + e.name;
        if (e.isDirectory()) {
          if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) await walk(`${key}/`);
        } else if (key.startsWith(prefix)) keys.push(key);
      }
    };
    await walk(dirPart);
    return keys.sort();
  }

  async put(bucket: string, key: string, body: Buffer): Promise<void> {
    const file = this.fileOf(bucket, key);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, body);
  }

  /** For tests and messages: does the object exist? */
  async exists(bucket: string, key: string): Promise<boolean> {
    return stat(this.fileOf(bucket, key)).then(
      (s) => s.isFile(),
      () => false,
    );
  }

  private fileOf(bucket: string, key: string): string {
    const parts = [bucket, ...key.split('/')];
    if (parts.some((p) => p === '..' || p === '.') || bucket === '' || bucket.includes('\\')) {
      throw new InputError(`refusing object location s3://${bucket}/${key}: it would leave the local store`, {
        hint: 'use keys without . or .. segments',
      });
    }
    return path.join(this.root, ...parts);
  }
}
