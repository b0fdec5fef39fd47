import { expect } from 'chai';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InputError } from '../../runner/errors';
import { checksumOf, readSourceText } from '../../runner/migrations/source-text';
import { indexSql } from '../../runner/migrations/split-sql';
import { scanSqlFile } from '../../runner/migrations/stream-scan';
import { SPLITTER_CORPUS } from './splitter-corpus';

/** What the whole-file path (readSourceText + indexSql + checksumOf) makes of `file`. */
function wholeFile(file: string) {
  const indexed = indexSql(readSourceText(file), file);
  return {
    statements: [...indexed.statements].map((s) => ({ sql: s.sql, line: s.line, index: s.index })),
    comments: indexed.comments,
    checksum: checksumOf(indexed.text),
  };
}

function streamed(file: string, chunk: number) {
  const scanned = scanSqlFile(file, chunk);
  return {
    statements: [...scanned.statements].map((s) => ({ sql: s.sql, line: s.line, index: s.index })),
    comments: scanned.comments,
    checksum: scanned.checksum,
  };
}

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('streamed scan of a large migration (stream-scan.ts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rsrun-stream-scan-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (text: string | Buffer) => {
    const file = path.join(dir, 'V1__x.sql');
    writeFileSync(file, text);
    return file;
  };

  it('splits the splitter corpus as the whole-file path does, at every chunk size', () => {
    for (const c of SPLITTER_CORPUS) {
      const file = write(c.text);
      const expected = wholeFile(file);
      expect(
        expected.statements.map((s) => s.sql),
        c.name,
      ).to.deep.equal(c.expected);
      for (let chunk = 1; chunk <= c.text.length + 1; chunk++) {
        expect(streamed(file, chunk), `${c.name}, chunk ${chunk}`).to.deep.equal(expected);
      }
    }
  });

  it('gives the same statements, lines, comments and checksum whatever a chunk edge cuts', () => {
    // CRLF and lone CR (the checksum normalises them), a BOM, characters of 2, 3 and 4 bytes,
    // Unicode spaces before a `;` (trimmed), comments, directives, strings and bodies with `;`.
    const text = [
      '\ufeff-- rsrun:no-transaction\r\n',
      'CREATE TABLE t (a VARCHAR(20)); -- é;\r\n',
      "INSERT INTO t VALUES ('ü;€;😀'),('x''y');\r",
      '/* block; /* nested; */ */ SELECT 1\u00a0\u3000;\n',
      'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\r\n',
      "SELECT E'a\\';b' -- trailing\n;",
      'SELECT "id;x" FROM t\r\n\r\n',
    ].join('');
    const file = write(text);
    const expected = wholeFile(file);
    expect(expected.statements).to.have.length(6);
    const bytes = Buffer.byteLength(text);
    for (let chunk = 1; chunk <= bytes + 1; chunk++) expect(streamed(file, chunk), `chunk ${chunk}`).to.deep.equal(expected);
  });

  it('hashes files with up to three BOMs, or ending in a CR, as the whole-file path does', () => {
    for (let boms = 0; boms <= 4; boms++) {
      for (const end of ['', '\r', '\r\n']) {
        const file = write(`${'\ufeff'.repeat(boms)}select 1;\r\nselect 2;${end}`);
        for (const chunk of [1, 2, 4, 7, 64]) expect(streamed(file, chunk), `${boms} BOMs, chunk ${chunk}`).to.deep.equal(wholeFile(file));
      }
    }
  });

  it('reads a statement longer than many chunks (the window grows)', () => {
    const long = `INSERT INTO t VALUES ('${'x;'.repeat(5000)}')`;
    const file = write(`select 1;\n${long};\nselect 2;`);
    const scanned = streamed(file, 16);
    expect(scanned.statements.map((s) => s.sql)).to.deep.equal(['select 1', long, 'select 2']);
    expect(scanned).to.deep.equal(wholeFile(file));
  });

  it('names the line of an unterminated string, a NUL byte and bad UTF-8 as the whole-file path does', () => {
    const cases: Buffer[] = [
      Buffer.from("select 1;\nselect 2;\nselect 'open\n;\n"),
      Buffer.from('select 1;\nselect 2;\nselect \u0000 3;\n'),
      Buffer.concat([Buffer.from('select 1;\nselect 2;\nselect '), Buffer.from([0xc3, 0x28]), Buffer.from(';\n')]),
      Buffer.concat([Buffer.from('select 1;\nselect 2;\nselect '), Buffer.from([0xe2, 0x82])]),
    ];
    for (const bytes of cases) {
      const file = write(bytes);
      const expected = errorOf(() => wholeFile(file));
      for (const chunk of [1, 3, 8, 1024]) {
        const got = errorOf(() => scanSqlFile(file, chunk));
        expect([got.message, got.line], `${bytes.toString('latin1')} chunk ${chunk}`).to.deep.equal([expected.message, expected.line]);
      }
    }
  });

  it('refuses to read statements from a file edited after discovery', () => {
    const file = write('select 1;\nselect 2;\n');
    const scanned = scanSqlFile(file, 4);
    appendFileSync(file, 'drop table t;\n');
    const err = errorOf(() => scanned.statements.at(0));
    expect(err.message).to.match(/changed after rsrun read and checksummed it/);
    expect(err.file).to.equal(file);
  });

  it('holds one window of the file: statements are read back in bounded pieces', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `insert into t values (${i}, '${'é'.repeat(i % 7)}');\n`);
    const file = write(lines.join(''));
    const scanned = scanSqlFile(file, 1000);
    expect(scanned.statements.length).to.equal(5000);
    expect(scanned.statements.at(4321)?.sql).to.equal(lines[4321]?.trim().replace(/;$/, ''));
    expect(scanned.statements.at(4321)?.line).to.equal(4322);
    expect(streamed(file, 1000)).to.deep.equal(wholeFile(file));
  });
});
