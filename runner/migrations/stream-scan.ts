/**
 * Discovery of a large SQL file without holding its text: the file is read in fixed chunks, and
 * each chunk is checked (UTF-8, no NUL byte), hashed (the same digest as `checksumOf` on the
 * whole text) and split into statements kept as byte ranges (FileStatements). Memory is a few
 * chunks plus three numbers per statement, whatever the file's size (issue 14 defect 13).
 *
 * Splitting runs the one lexer (runner/dialects/sql-lexer.ts) over a window: what follows the last
 * top-level `;` seen so far, plus the next chunk. The lexer is at top level right after a `;`,
 * and nothing it decides about the text after a `;` depends on the text before it, so re-lexing
 * that tail with more text appended is exact. Only what lies before the window's last `;` is
 * kept; a window with no `;` (one statement longer than a chunk, or an unterminated string that
 * the next chunk closes) is grown by reading as much again, so a long statement costs linear
 * time. The window is lexed as latin1, one character per byte: offsets are then byte offsets, and
 * every character the lexer looks at is ASCII, which UTF-8 never uses inside a multi-byte
 * character. Text that leaves the scan (comments, statements) is decoded as UTF-8.
 */
import { isUtf8 } from 'node:buffer';
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { lexSql } from '../dialects/sql-lexer';
import { InputError } from '../errors';
import { changedFileError, FileStatements, identityOf, sameIdentity } from './file-statements';
import { badUtf8Error, nulByteError } from './source-text';
import type { SqlComment } from './split-sql';

/** Bytes read per step. */
const CHUNK_BYTES = 1 << 20;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const CR = 13;
const LF = 10;

export interface StreamedSql {
  statements: FileStatements;
  comments: SqlComment[];
  checksum: string;
}

/**
 * Scans `file` as `indexSql(readSourceText(file))` and `checksumOf` do, holding O(chunk) bytes.
 * `chunkBytes` is for tests, which cut files at every position.
 */
export function scanSqlFile(file: string, chunkBytes = CHUNK_BYTES): StreamedSql {
  const fd = openSync(file, 'r');
  try {
    const identity = identityOf(fstatSync(fd, { bigint: true }));
    // Offsets are kept in 32 bits (FileStatements): 4 GiB is far beyond any migration's reason.
    if (identity.size >= 1n << 32n)
      throw new InputError('migration file is 4 GiB or larger', { file, hint: 'split it into several migrations' });
    const head = Buffer.alloc(9);
    const boms = countBoms(head.subarray(0, readSync(fd, head, 0, 9, 0)));
    // The reader drops one BOM, the splitter a second, the checksum a third (see discover.ts).
    const statements = new FileStatements(file, identity, chunkBytes);
    const splitter = new WindowSplitter(file, statements, 3 * Math.min(boms, 2));
    const hash = new NormalisedHash(3 * Math.min(boms, 3));
    const utf8 = new Utf8Check(file, fd);
    const buf = Buffer.allocUnsafe(chunkBytes);
    for (let pos = 0; ;) {
      const want = Math.max(chunkBytes, splitter.wants);
      const chunk = want > buf.length ? Buffer.allocUnsafe(want) : buf;
      const n = readSync(fd, chunk, 0, want, pos);
      const bytes = chunk.subarray(0, n);
      utf8.check(bytes, pos, n === 0);
      if (n === 0) break;
      hash.update(bytes, pos);
      splitter.add(bytes, pos);
      pos += n;
    }
    splitter.finish();
    if (!sameIdentity(identityOf(fstatSync(fd, { bigint: true })), identity)) throw changedFileError(file);
    return { statements, comments: splitter.comments, checksum: hash.digest() };
  } finally {
    closeSync(fd);
  }
}

function countBoms(head: Buffer): number {
  let n = 0;
  while (n < 3 && head.subarray(3 * n, 3 * n + 3).equals(BOM)) n++;
  return n;
}

/** Refuses bytes that are not UTF-8 or hold a NUL, naming the line; a character cut by a chunk edge waits for the next. */
class Utf8Check {
  private carry = Buffer.alloc(0);

  constructor(
    private readonly file: string,
    private readonly fd: number,
  ) {}

  /** File offset of the first NUL: reported once the whole file is known to be UTF-8, as for a small file. */
  private nul = -1;

  check(bytes: Buffer, pos: number, last: boolean): void {
    const nul = this.nul < 0 ? bytes.indexOf(0) : -1;
    if (nul !== -1) this.nul = pos + nul;
    const joined = this.carry.length > 0 ? Buffer.concat([this.carry, bytes]) : bytes;
    const cut = last ? joined.length : completeLength(joined);
    if (!isUtf8(joined.subarray(0, cut))) {
      const start = pos - this.carry.length;
      const good = new TextDecoder('utf-8').decode(joined).split('\ufffd')[0] ?? '';
      throw badUtf8Error(this.file, linesBefore(this.fd, start + Buffer.byteLength(good)));
    }
    this.carry = Buffer.from(joined.subarray(cut));
    if (last && this.nul >= 0) throw nulByteError(this.file, linesBefore(this.fd, this.nul));
  }
}

/** Length of `b` without a multi-byte character its end cuts short. */
function completeLength(b: Buffer): number {
  for (let k = b.length - 1; k >= Math.max(0, b.length - 3); k--) {
    const c = b[k] as number;
    if (c < 0x80) return b.length;
    if (c >= 0xc0) return k + (c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2) > b.length ? k : b.length;
  }
  return b.length;
}

/** 1-based line of the byte at `offset` (error paths only: reads the file again up to there). */
function linesBefore(fd: number, offset: number): number {
  const buf = Buffer.allocUnsafe(CHUNK_BYTES);
  let line = 1;
  for (let pos = 0; pos < offset;) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, offset - pos), pos);
    if (n === 0) break;
    for (let k = buf.indexOf(LF); k !== -1 && k < n; k = buf.indexOf(LF, k + 1)) line++;
    pos += n;
  }
  return line;
}

/** SHA-256 of the bytes from `skip` on, CRLF and lone CR hashed as LF (a CR at a chunk's end waits). */
class NormalisedHash {
  private readonly hash: Hash = createHash('sha256');
  private pendingCr = false;
  private out = Buffer.alloc(0);

  constructor(private readonly skip: number) {}

  update(chunk: Buffer, pos: number): void {
    let bytes = pos < this.skip ? chunk.subarray(this.skip - pos) : chunk;
    if (bytes.length === 0) return;
    if (this.pendingCr) {
      this.hash.update('\n');
      this.pendingCr = false;
      if (bytes[0] === LF) bytes = bytes.subarray(1);
    }
    if (bytes.indexOf(CR) === -1) {
      this.hash.update(bytes);
      return;
    }
    if (this.out.length < bytes.length) this.out = Buffer.allocUnsafe(bytes.length);
    let size = 0;
    let from = 0;
    for (let k = bytes.indexOf(CR); k !== -1; k = bytes.indexOf(CR, from)) {
      size += bytes.copy(this.out, size, from, k);
      if (k + 1 === bytes.length) {
        this.pendingCr = true;
        from = bytes.length;
        break;
      }
      this.out[size++] = LF;
      from = bytes[k + 1] === LF ? k + 2 : k + 1;
    }
    size += bytes.copy(this.out, size, from);
    this.hash.update(this.out.subarray(0, size));
  }

  digest(): string {
    if (this.pendingCr) this.hash.update('\n');
    return this.hash.digest('hex');
  }
}

/** Cuts statements out of the windows the chunks make (see the file comment). */
class WindowSplitter {
  readonly comments: SqlComment[] = [];
  /** Bytes after the last `;` kept so far, and the file offset and line they start at. */
  private tail = Buffer.alloc(0);
  private tailPos: number;
  private tailLine = 1;
  /** Bytes the next read should bring at least: as much as the tail, so a long statement costs linear time. */
  wants = 0;

  constructor(
    private readonly file: string,
    private readonly statements: FileStatements,
    private readonly skip: number,
  ) {
    this.tailPos = skip;
  }

  add(chunk: Buffer, pos: number): void {
    const bytes = pos < this.skip ? chunk.subarray(this.skip - pos) : chunk;
    if (bytes.length === 0) return;
    this.tail = this.tail.length > 0 ? Buffer.concat([this.tail, bytes]) : Buffer.from(bytes);
    this.scan(false);
  }

  finish(): void {
    this.scan(true);
  }

  private scan(last: boolean): void {
    const window = this.tail;
    const text = window.toString('latin1');
    const found: number[] = [];
    const comments: { c: SqlComment; at: number }[] = [];
    let stmtStart = -1;
    let stmtLine = 0;
    let lastSemi = -1;
    let lastSemiLine = 0;
    const endStatement = (end: number) => {
      if (stmtStart >= 0) {
        const last = trimmedEnd(window, stmtStart, end);
        if (last > stmtStart) found.push(stmtStart, last, stmtLine);
      }
      stmtStart = -1;
    };
    try {
      lexSql(text, this.file, (kind, start, end, line) => {
        if (kind === 'line-comment' || kind === 'block-comment') {
          const body = kind === 'line-comment' ? window.toString('utf8', start + 2, end) : window.toString('utf8', start + 2, end - 2);
          comments.push({
            c: { text: body.trim(), line: this.tailLine + line - 1, kind: kind === 'line-comment' ? 'line' : 'block' },
            at: start,
          });
        } else if (kind === 'semicolon') {
          endStatement(start);
          lastSemi = start;
          lastSemiLine = line;
        } else if (stmtStart < 0) {
          stmtStart = start;
          stmtLine = line;
        }
      });
      if (last) {
        endStatement(window.length);
        lastSemi = window.length;
      }
    } catch (err) {
      // Unterminated at the window's end: the next chunk may close it. At the file's end it is the user's.
      if (!(err instanceof InputError) || last) throw last && err instanceof InputError ? this.relocated(err) : err;
    }
    this.keep(found, comments, lastSemi);
    if (lastSemi < 0) {
      this.wants = window.length;
      return;
    }
    this.wants = 0;
    this.tail = last ? Buffer.alloc(0) : Buffer.from(window.subarray(lastSemi + 1));
    this.tailPos += lastSemi + 1;
    this.tailLine += lastSemiLine - 1;
  }

  private keep(found: number[], comments: { c: SqlComment; at: number }[], lastSemi: number): void {
    for (let k = 0; k < found.length; k += 3) {
      this.statements.push(
        this.tailPos + (found[k] as number),
        this.tailPos + (found[k + 1] as number),
        this.tailLine + (found[k + 2] as number) - 1,
      );
    }
    for (const { c, at } of comments) if (at < lastSemi) this.comments.push(c);
  }

  private relocated(err: InputError): InputError {
    return new InputError(err.message, {
      file: this.file,
      line: this.tailLine + (err.line ?? 1) - 1,
      ...(err.hint !== undefined ? { hint: err.hint } : {}),
    });
  }
}

const WHITESPACE = /\s/;

/** End of the statement at `[start, end)` of `bytes` without trailing whitespace, as `trimEnd` sees it in the decoded text. */
function trimmedEnd(bytes: Buffer, start: number, end: number): number {
  let last = end;
  for (;;) {
    const c = bytes[last - 1] as number;
    if (last > start && (c === 32 || (c >= 9 && c <= 13))) {
      last--;
      continue;
    }
    if (last <= start || c < 0x80) return last;
    // A multi-byte character: Unicode spaces (NBSP, U+2028, U+3000 ...) are trimmed too.
    let lead = last - 1;
    while (lead > start && ((bytes[lead] as number) & 0xc0) === 0x80) lead--;
    if (!WHITESPACE.test(bytes.toString('utf8', lead, last))) return last;
    last = lead;
  }
}
