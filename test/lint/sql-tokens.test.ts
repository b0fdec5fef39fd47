import { expect } from 'chai';
import { InputError } from '../../runner/errors';
import { closingBracket, codeTokens, identName, isWord, loadSqlTokenizer, matchWords, tokenizeSql } from '../../runner/dialects/sql-tokens';

describe('sql-tokens (PostgreSQL scanner)', () => {
  before(async () => {
    await loadSqlTokenizer();
  });

  it('classifies words, quoted identifiers, strings, comments, numbers and symbols', () => {
    const sql = `CREATE TABLE "My ""T""" (id int) -- SERIAL here\n/* CREATE INDEX */ SELECT 'a''b', $f$ nextval('s') $f$, E'x\\'y', 1.5, $1::text;`;
    const ts = tokenizeSql(sql);
    expect(ts.map((t) => t.kind)).to.deep.equal([
      'word',
      'word',
      'quoted-ident',
      'punct',
      'word',
      'word',
      'punct',
      'comment',
      'comment',
      'word',
      'string',
      'punct',
      'string',
      'punct',
      'string',
      'punct',
      'number',
      'punct',
      'param',
      'operator',
      'word',
      'punct',
    ]);
    expect(ts[2]?.value).to.equal('My "T"');
    expect(identName(ts[2]!)).to.equal('My "T"');
    expect(identName(ts[4]!)).to.equal('id');
    expect(ts[0]?.upper).to.equal('CREATE');
    expect(ts.find((t) => t.kind === 'comment')?.text).to.equal('-- SERIAL here');
    expect(codeTokens(ts).some((t) => isWord(t, 'SERIAL', 'INDEX'))).to.equal(false);
  });

  it('reports JavaScript offsets and 1-based lines, also after multi-byte characters', () => {
    const sql = 'SELECT \'é😀\' AS "ü",\n  x\nFROM t';
    const ts = tokenizeSql(sql);
    for (const t of ts) expect(sql.slice(t.start, t.end)).to.equal(t.text);
    expect(ts.find((t) => t.text === 'x')?.line).to.equal(2);
    expect(ts.find((t) => t.upper === 'FROM')?.line).to.equal(3);
  });

  it('matches word sequences and brackets', () => {
    const ts = codeTokens(tokenizeSql('create table t (a int, b numeric(10, 2)) diststyle even'));
    expect(matchWords(ts, 0, 'CREATE', 'TABLE')).to.equal(true);
    expect(matchWords(ts, 0, 'CREATE', 'VIEW')).to.equal(false);
    const open = ts.findIndex((t) => t.text === '(');
    expect(ts[closingBracket(ts, open) + 1]?.upper).to.equal('DISTSTYLE');
  });

  it('throws an InputError on an unterminated string', () => {
    expect(() => tokenizeSql("SELECT 'abc", 'V1__x.sql')).to.throw(InputError, /unterminated/);
  });
});
