import { expect } from 'chai';
import { InputError } from '../../runner/errors';
import { positionToLine, scanSql, splitSql } from '../../runner/migrations/split-sql';
import { SPLITTER_CORPUS } from './splitter-corpus';

const sqls = (text: string) => splitSql(text, 'x.sql').map((s) => s.sql);

describe('splitSql: tricky warehouse SQL', () => {
  for (const c of SPLITTER_CORPUS) {
    it(c.name, () => {
      expect(sqls(c.text)).to.deep.equal(c.expected);
    });
  }

  it('reports the line of each statement first token', () => {
    const stmts = splitSql('-- header\n\nselect 1;\n/* c */ select\n2;\r\n\r\nselect 3', 'x.sql');
    expect(stmts.map((s) => [s.index, s.line])).to.deep.equal([
      [0, 3],
      [1, 4],
      [2, 7],
    ]);
  });

  it('collects comments with their lines, not comment-like text inside strings or bodies', () => {
    const scanned = scanSql(
      "-- rsrun:no-transaction\nselect '-- rsrun:fake';\ncreate function f() as $$ -- rsrun:inside\n$$ language sql;\n/* block */",
      'x.sql',
    );
    expect(scanned.comments.map((c) => [c.text, c.line, c.kind])).to.deep.equal([
      ['rsrun:no-transaction', 1, 'line'],
      ['block', 5, 'block'],
    ]);
  });

  for (const [what, text, line] of [
    ['string', "select 1;\nselect 'abc;\n", 2],
    ['identifier', 'select "abc', 1],
    ['dollar body', 'select 1;\n\ncreate function f() as $$ begin', 3],
    ['block comment', 'select 1; /* a /* b */', 1],
  ] as const) {
    it(`rejects an unterminated ${what} naming file and line`, () => {
      let caught: unknown;
      try {
        splitSql(text, 'bad.sql');
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(InputError);
      const e = caught as InputError;
      expect(e.file).to.equal('bad.sql');
      expect(e.line).to.equal(line);
      expect(e.exitCode).to.equal(2);
      expect(e.describe()).to.match(/bad\.sql:\d+: unterminated/);
    });
  }

  it('maps a server error position to line and column', () => {
    expect(positionToLine('select\n  1/0,\n  x', 17, 10)).to.deep.equal({ line: 12, column: 3 });
    expect(positionToLine('select 1', 8, 1)).to.deep.equal({ line: 1, column: 8 });
  });
});
