/**
 * Reading a project's SQL and INI files as text, with the checks every reader needs before the
 * text can reach a server: valid UTF-8 (the only encoding rsrun sends) and no NUL byte (PostgreSQL's
 * and Redshift's wire protocol end a query string at NUL, so a NUL either truncates a statement or
 * is refused with a message naming another file). Also the content checksum, computed without a
 * second copy of a large file.
 */
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../errors';

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** 1-based line of the byte at `offset`. */
function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let k = bytes.indexOf(0x0a); k !== -1 && k < offset; k = bytes.indexOf(0x0a, k + 1)) line++;
  return line;
}

/** Refuses what no server can take as SQL text, naming the file and line. */
export function checkSourceBytes(bytes: Buffer, file: string): void {
  if (!isUtf8(bytes)) {
    // Error path only: decode leniently to find the line of the first bad byte.
    const good = new TextDecoder('utf-8').decode(bytes).split('\ufffd')[0] ?? '';
    throw badUtf8Error(file, good.split('\n').length);
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw nulByteError(file, lineAt(bytes, nul));
}

export function badUtf8Error(file: string, line: number): InputError {
  return new InputError('file is not valid UTF-8', { file, line, hint: 'save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)' });
}

export function nulByteError(file: string, line: number): InputError {
  return new InputError('file contains a NUL byte (\\0), which no SQL server accepts in a statement', {
    file,
    line,
    hint: 'remove it (a binary file saved as .sql, or a UTF-16 file: save it as UTF-8)',
  });
}

/** The file's text without a UTF-8 byte order mark, after `checkSourceBytes`. */
export function readSourceText(file: string): string {
  // Synchronous on purpose: for the many small files of a project it is several times faster than
  // a thread-pool round trip per open/stat/read/close, and nothing else runs meanwhile.
  const bytes = readFileSync(file);
  checkSourceBytes(bytes, file);
  const bom = UTF8_BOM.every((b, i) => bytes[i] === b);
  // The Buffer is dropped on return: a large file is held twice only for the time of this decode.
  return bytes.toString('utf8', bom ? UTF8_BOM.length : 0);
}

/** Characters hashed per step: bounds the UTF-8 copy `hash.update` makes of a large script. */
const CHECKSUM_SLICE = 1 << 20;

/**
 * SHA-256 of the text with a leading BOM removed and line endings normalised (CRLF and lone CR
 * become LF), so a checkout with CRLF is not an edit. Hashed in slices: a 50 MB migration costs
 * about 3 MB of transient memory here, not another 50-100 MB copy. The digest is that of the whole
 * normalised text (slices never split a surrogate pair or a CRLF).
 */
export function checksumOf(text: string): string {
  const hash = createHash('sha256');
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    let end = Math.min(text.length, i + CHECKSUM_SLICE);
    // Keep a high surrogate with its low half, and a CR with the LF that may follow it.
    for (let last = text.charCodeAt(end - 1); end < text.length && ((last >= 0xd800 && last <= 0xdbff) || last === 13);) {
      last = text.charCodeAt(end++);
    }
    const slice = text.slice(i, end);
    hash.update(slice.includes('\r') ? slice.replace(/\r\n?/g, '\n') : slice, 'utf8');
    i = end;
  }
  return hash.digest('hex');
}
