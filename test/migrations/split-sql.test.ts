import { expect } from 'chai';
import { InputError } from '../../runner/errors';
import { positionToLine, scanSql, splitSql } from '../../runner/migrations/split-sql';

const sqls = (text: string) => splitSql(text, 'x.sql').map((s) => s.sql);

describe('splitSql: tricky warehouse SQL', () => {
  const corpus: { name: string; text: string; expected: string[] }[] = [
    { name: 'plain statements, last without ;', text: 'select 1;\nselect 2', expected: ['select 1', 'select 2'] },
    {
      name: 'semicolon in a string',
      text: "insert into t values ('a;b');select 1;",
      expected: ["insert into t values ('a;b')", 'select 1'],
    },
    { name: 'doubled quotes in a string', text: "select 'it''s; fine';select 2;", expected: ["select 'it''s; fine'", 'select 2'] },
    {
      name: 'doubled quotes in an identifier',
      text: 'create table "a"";b" (x int);select 1;',
      expected: ['create table "a"";b" (x int)', 'select 1'],
    },
    { name: 'E string with escaped quote', text: "select E'a\\';b';select 2;", expected: ["select E'a\\';b'", 'select 2'] },
    { name: 'E string with escaped backslash before quote', text: "select e'a\\\\';select 2;", expected: ["select e'a\\\\'", 'select 2'] },
    { name: 'backslash is literal in a standard string', text: "select 'a\\';select 2;", expected: ["select 'a\\'", 'select 2'] },
    { name: 'line comment with ;', text: 'select 1 -- no; split\n;select 2;', expected: ['select 1 -- no; split', 'select 2'] },
    {
      name: 'nested block comments with ;',
      text: 'select /* a; /* b; */ c; */ 1;select 2;',
      expected: ['select /* a; /* b; */ c; */ 1', 'select 2'],
    },
    {
      name: '$$ procedure body',
      text: 'create procedure p() as $$\nbegin\n  insert into t values (1);\n  commit;\nend;\n$$ language plpgsql;\ncall p();',
      expected: ['create procedure p() as $$\nbegin\n  insert into t values (1);\n  commit;\nend;\n$$ language plpgsql', 'call p()'],
    },
    {
      name: '$tag$ body containing $$ and ;',
      text: "create function f() returns text as $body$ select '$$;' $body$ language sql;select 1;",
      expected: ["create function f() returns text as $body$ select '$$;' $body$ language sql", 'select 1'],
    },
    {
      name: '$1 parameters are not dollar quotes',
      text: 'prepare q as select $1; select 2;',
      expected: ['prepare q as select $1', 'select 2'],
    },
    { name: 'dollar inside an identifier', text: 'select a$b$c from t; select 2;', expected: ['select a$b$c from t', 'select 2'] },
    { name: 'CRLF line endings', text: 'select 1;\r\nselect 2;\r\n', expected: ['select 1', 'select 2'] },
    { name: 'UTF-8 BOM', text: '\ufeffselect 1;', expected: ['select 1'] },
    { name: 'empty statements and comment-only tail', text: ';;select 1;;\n-- the end\n/* really */', expected: ['select 1'] },
    {
      name: 'Redshift single-quoted procedure body',
      text: "create procedure p() as '\nbegin\n  raise info ''hi;'';\nend;\n' language plpgsql;select 1;",
      expected: ["create procedure p() as '\nbegin\n  raise info ''hi;'';\nend;\n' language plpgsql", 'select 1'],
    },
    {
      name: 'non-ASCII text',
      text: "insert into t values ('Zürich; 東京');select 1",
      expected: ["insert into t values ('Zürich; 東京')", 'select 1'],
    },
  ];
  for (const c of corpus) {
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
