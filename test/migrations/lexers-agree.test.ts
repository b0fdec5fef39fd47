/**
 * rsrun reads SQL with two lexers: its own (runner/dialects/sql-lexer.ts: statement splitting)
 * and PostgreSQL's scanner through libpg-query (runner/dialects/sql-tokens.ts: lint and
 * emulation). They must agree on where every string, quoted identifier, dollar-quoted body and
 * comment begins and ends, or a `;` or keyword would be seen in one and not the other.
 *
 * Redshift's backslash escapes in ordinary literals are checked against PostgreSQL's own
 * handling of them: each ordinary literal is given an E prefix (which makes the scanner process
 * backslashes as Redshift does) and the scanner alone decides where it ends.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { lexSql } from '../../runner/dialects/sql-lexer';
import { loadSqlTokenizer, tokenizeSql } from '../../runner/dialects/sql-tokens';
import { CORPUS } from '../emulation/support';
import { requireCorpus } from '../emulation/shared-corpus';
import { SPLITTER_CORPUS } from './splitter-corpus';

type Span = [kind: string, start: number, end: number];

function ownSpans(sql: string): Span[] {
  const out: Span[] = [];
  lexSql(sql, 'x.sql', (kind, start, end) => {
    if (kind === 'string' || kind === 'dollar') out.push(['string', start, end]);
    else if (kind === 'line-comment' || kind === 'block-comment') out.push(['comment', start, end]);
    else if (kind === 'quoted-ident') out.push(['quoted-ident', start, end]);
  });
  return out;
}

function scannerSpans(sql: string): Span[] {
  return tokenizeSql(sql, 'x.sql')
    .filter((t) => t.kind === 'string' || t.kind === 'comment' || t.kind === 'quoted-ident')
    .map((t): Span => [t.kind, t.start, t.end]);
}

/** Scanner spans of `sql` with an E before every ordinary literal that has a backslash, mapped back. */
function scannerSpansWithEscapeStrings(input: string): Span[] {
  // PostgreSQL refuses E'\0' (a NUL byte) where Redshift reads an empty string: same length, same ends.
  const sql = input.replace(/\\0/g, '\\1');
  const inserts = ownSpans(sql)
    .filter(([kind, start, end]) => kind === 'string' && sql[start] === "'" && sql.slice(start, end).includes('\\'))
    .map(([, start]) => start);
  let text = '';
  let from = 0;
  for (const at of inserts) {
    text += `${sql.slice(from, at)}E`;
    from = at;
  }
  text += sql.slice(from);
  // A position in `text` maps back by the number of Es inserted before it.
  const back = (p: number) => p - inserts.filter((at, k) => at + k < p).length;
  return scannerSpans(text).map(([kind, start, end]): Span => [kind, back(start), back(end)]);
}

const BACKSLASH_CASES = [
  "select 'it\\'s; fine', 'a\\\\' from t; select 2",
  "select replace(replace(x, '\\\\', '\\\\\\\\'), '\\'', '\\\\\\'') -- c'\n from t",
  "select strtol('\\0', 2), '\\t' || E'\\'' || 'x\\\\\\'y' as \"a\\b\"",
  "create view v as select '\"' || n || '\\\\\"' as q /* it's */ from t",
];

describe('the two SQL lexers agree on strings, identifiers, bodies and comments', () => {
  before(() => loadSqlTokenizer());

  const texts: Array<[string, string]> = [
    ...SPLITTER_CORPUS.map((c): [string, string] => [`splitter corpus: ${c.name}`, c.text]),
    ...BACKSLASH_CASES.map((t, k): [string, string] => [`backslash escapes ${k + 1}`, t]),
    ...readdirSync(CORPUS)
      .filter((f) => f.endsWith('.sql'))
      .map((f): [string, string] => [`fixture ${f}`, readFileSync(path.join(CORPUS, f), 'utf8')]),
  ];
  for (const [name, text] of texts) {
    it(name, () => {
      expect(scannerSpans(text)).to.deep.equal(ownSpans(text));
      expect(scannerSpansWithEscapeStrings(text)).to.deep.equal(ownSpans(text));
    });
  }

  it('on every file of the shared Redshift corpus that lexes', async function () {
    // Skips with its reason printed outside CI when the corpus is absent; fails in CI.
    const { root } = await requireCorpus(this);
    const files = listSql(root);
    let withBackslashes = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8').replace(/^\ufeff/, '');
      let own: Span[];
      try {
        own = ownSpans(text);
      } catch {
        continue; // a broken source file: both lexers refuse it (checked by the corpus suite)
      }
      if (/'[^'\n]*\\/.test(text)) withBackslashes++;
      expect(scannerSpans(text), file).to.deep.equal(own);
      expect(scannerSpansWithEscapeStrings(text), file).to.deep.equal(own);
    }
    expect(files.length).to.be.greaterThan(200);
    expect(withBackslashes).to.be.greaterThan(0);
  });
});

function listSql(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return listSql(p);
    return e.name.endsWith('.sql') ? [p] : [];
  });
}
