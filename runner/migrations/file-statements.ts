/**
 * The statements of a large migration file, kept as byte ranges into the file and read back from
 * it when asked for: the process then holds three numbers per statement and one window of the
 * file (WINDOW_BYTES), never the file's whole text, so a 200 MB migration fits in the same memory
 * as a small one (issue 14 defect 13). Statements are asked for in order (planning, preparing,
 * sending), so each window read serves many statements.
 *
 * The file must not change between discovery (which checksummed it) and the last read: every
 * window read compares the file's size, modification time and inode with what discovery saw, and
 * refuses to hand out text from an edited file, so rsrun never applies other text than the text
 * whose checksum goes into the history.
 */
import { closeSync, fstatSync, openSync, readSync, type BigIntStats } from 'node:fs';
import { InputError } from '../errors';
import type { SqlStatement, StatementList } from './split-sql';

/** Bytes read from the file at once when statements are asked for. */
const WINDOW_BYTES = 1 << 20;
/** Statements per block of offsets: blocks are added as the scan goes, never copied to grow. */
const BLOCK = 1 << 16;

/** What identifies the version of a file that was read. */
export interface FileIdentity {
  size: bigint;
  mtimeNs: bigint;
  ino: bigint;
}

export function identityOf(stats: BigIntStats): FileIdentity {
  return { size: stats.size, mtimeNs: stats.mtimeNs, ino: stats.ino };
}

export function sameIdentity(a: FileIdentity, b: FileIdentity): boolean {
  return a.size === b.size && a.mtimeNs === b.mtimeNs && a.ino === b.ino;
}

export function changedFileError(file: string): InputError {
  return new InputError('the file changed after rsrun read and checksummed it; nothing more of it is sent', {
    file,
    hint: 'do not edit migrations while rsrun runs; run again: it reads and checksums the file anew (a transactional migration that was cut short was rolled back)',
  });
}

interface Window {
  /** First statement in the window, and one past the last. */
  from: number;
  to: number;
  /** File offset of `bytes[0]`. */
  base: number;
  bytes: Buffer;
}

export class FileStatements implements StatementList {
  /** Blocks of [start, end, line] triples: byte offsets of the statement in the file, first line. */
  private readonly blocks: Uint32Array[] = [];
  private count = 0;
  private window: Window | undefined;

  constructor(
    readonly file: string,
    private readonly identity: FileIdentity,
    private readonly windowBytes = WINDOW_BYTES,
  ) {}

  get length(): number {
    return this.count;
  }

  /** Appends the statement at bytes `[start, end)` of the file (already trimmed), first token on `line`. */
  push(start: number, end: number, line: number): void {
    const k = this.count % BLOCK;
    if (k === 0) this.blocks.push(new Uint32Array(3 * BLOCK));
    const block = this.blocks[this.blocks.length - 1] as Uint32Array;
    block[3 * k] = start;
    block[3 * k + 1] = end;
    block[3 * k + 2] = line;
    this.count++;
  }

  private field(index: number, f: 0 | 1 | 2): number {
    return (this.blocks[Math.floor(index / BLOCK)] as Uint32Array)[3 * (index % BLOCK) + f] as number;
  }

  lineAt(index: number): number {
    this.check(index);
    return this.field(index, 2);
  }

  sqlAt(index: number): string {
    this.check(index);
    const w = this.window && index >= this.window.from && index < this.window.to ? this.window : this.read(index);
    return w.bytes.toString('utf8', this.field(index, 0) - w.base, this.field(index, 1) - w.base);
  }

  at(index: number): SqlStatement | undefined {
    if (!this.has(index)) return undefined;
    return { sql: this.sqlAt(index), index, line: this.field(index, 2), offset: this.field(index, 0) };
  }

  *[Symbol.iterator](): Iterator<SqlStatement> {
    for (let i = 0; i < this.count; i++) yield this.at(i) as SqlStatement;
  }

  private has(index: number): boolean {
    return Number.isInteger(index) && index >= 0 && index < this.count;
  }

  private check(index: number): void {
    if (!this.has(index)) throw new RangeError(`internal: no statement ${index + 1} of ${this.count}`);
  }

  /** Reads the statements from `index` on that fit in one window (at least `index` itself). */
  private read(index: number): Window {
    // Dropped before the next is allocated: one window in memory, not two.
    this.window = undefined;
    const base = this.field(index, 0);
    let to = index + 1;
    while (to < this.count && this.field(to, 1) - base <= this.windowBytes) to++;
    const bytes = Buffer.allocUnsafe(this.field(to - 1, 1) - base);
    const fd = openSync(this.file, 'r');
    try {
      if (!sameIdentity(identityOf(fstatSync(fd, { bigint: true })), this.identity)) throw changedFileError(this.file);
      let got = 0;
      while (got < bytes.length) {
        const n = readSync(fd, bytes, got, bytes.length - got, base + got);
        if (n === 0) throw changedFileError(this.file);
        got += n;
      }
    } finally {
      closeSync(fd);
    }
    this.window = { from: index, to, base, bytes };
    return this.window;
  }
}
