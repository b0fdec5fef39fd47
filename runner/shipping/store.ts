/**
 * Where shipped runs go. Two implementations with the same layout:
 *   S3:    s3://<bucket>/<prefix>/<env>/<run-id>/<file>      plus <prefix>/<env>/index.json, index.html
 *   local: <reports-dir>/store/<env>/<run-id>/<file>          plus <env>/index.json, index.html
 * Keys given to a store are relative to its root (`<env>/<run-id>/report.html`).
 */
import { createHash } from 'node:crypto';

export interface PutResult {
  key: string;
  size: number;
  /** Hex SHA-256 of the bytes stored, confirmed by the store. */
  sha256: string;
}

export interface StoredObject {
  body: Buffer;
  /** Opaque version tag for `putIfUnchanged`. */
  etag: string | undefined;
}

export interface RunStore {
  /** `s3://bucket/prefix` or a directory, for messages. */
  readonly location: string;
  /** Full address of a key, for messages and the README (`s3://bucket/prefix/key`). */
  url(key: string): string;
  /** Stores and verifies (checksum) one object; throws when the store did not confirm the bytes. */
  put(key: string, body: Buffer, contentType: string): Promise<PutResult>;
  get(key: string): Promise<StoredObject | undefined>;
  /**
   * Writes only if the object is still at `etag` (or still absent when `etag` is undefined), so two
   * runners updating the index cannot drop each other's entry. False on a conflict: re-read and retry.
   */
  putIfUnchanged(key: string, body: Buffer, contentType: string, etag: string | undefined): Promise<boolean>;
  /** Deletes every object under `prefix/` (a run folder); returns how many. Only `rsrun report prune --delete-runs` calls it. */
  deletePrefix(prefix: string): Promise<number>;
  close(): void;
}

export function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

export function md5(body: Buffer): Buffer {
  return createHash('md5').update(body).digest();
}

/** Chunks small enough to stay in the CPU cache while both hashes read them. */
const DIGEST_CHUNK = 64 * 1024;

/** SHA-256 (hex) and MD5 of a body in one pass over it: each chunk is read once for both. */
export function sha256AndMd5(body: Buffer): { sha256: string; md5: Buffer } {
  const sha = createHash('sha256');
  const md = createHash('md5');
  for (let at = 0; at < body.length; at += DIGEST_CHUNK) {
    const chunk = body.subarray(at, at + DIGEST_CHUNK);
    sha.update(chunk);
    md.update(chunk);
  }
  return { sha256: sha.digest('hex'), md5: md.digest() };
}

/** Joins key parts with `/`, dropping empty parts and stray slashes (a prefix may be '' or 'a/b/'). */
export function joinKey(...parts: string[]): string {
  return parts
    .flatMap((p) => p.split('/'))
    .filter((p) => p.length > 0)
    .join('/');
}
