/**
 * rsrun reads the seed sample's INI files as its Python does: `configparser.ConfigParser(interpolation=None)`.
 * python3 itself is the oracle: each file below is parsed by both, and the sections, keys, values
 * (and, for malformed files, the kind of error and its line) must be the same.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../runner/errors';
import { parseIni } from '../../runner/config/ini-file';

const SEED = '/work/shared/seed-sample';

type Parsed =
  { ok: true; sections: [string, [string, string][]][]; defaults: [string, string][] } | { ok: false; error: string; line: number };

const ORACLE = `
import configparser, json, sys
out = []
for path in sys.argv[1:]:
    cp = configparser.ConfigParser(interpolation=None)
    try:
        with open(path, encoding='utf-8') as f:
            cp.read_file(f)
        out.append({'ok': True,
                    'sections': [[s, [list(kv) for kv in cp.items(s)]] for s in cp.sections()],
                    'defaults': [list(kv) for kv in cp.defaults().items()]})
    except configparser.MissingSectionHeaderError as e:
        out.append({'ok': False, 'error': type(e).__name__, 'line': e.lineno})
    except configparser.ParsingError as e:
        out.append({'ok': False, 'error': type(e).__name__, 'line': e.errors[0][0]})
    except configparser.Error as e:
        out.append({'ok': False, 'error': type(e).__name__, 'line': e.lineno})
print(json.dumps(out))
`;

function python(files: string[]): Parsed[] {
  return JSON.parse(execFileSync('python3', ['-c', ORACLE, ...files], { encoding: 'utf8' })) as Parsed[];
}

function errorKind(e: ConfigError): string {
  if (/^section \[.*\] appears twice/s.test(e.message)) return 'DuplicateSectionError';
  if (/appears twice in/.test(e.message)) return 'DuplicateOptionError';
  if (/before the first \[section\]/.test(e.message)) return 'MissingSectionHeaderError';
  if (/^expected "key/.test(e.message)) return 'ParsingError';
  return `unexpected: ${e.message}`;
}

function rsrun(file: string): Parsed {
  try {
    const doc = parseIni(readFileSync(file, 'utf8'), file, 'configparser');
    return {
      ok: true,
      sections: doc.sections.map((s) => [s.name, s.entries.map((e) => [e.key, e.value])]),
      defaults: (doc.defaults?.entries ?? []).map((e) => [e.key, e.value]),
    };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { ok: false, error: errorKind(err), line: err.line ?? 0 };
  }
}

/** Tricky INI text, each named by what it checks. */
const CORPUS: [string, string][] = [
  [
    'a value continued on indented lines',
    '[DDL_v01]\nquery0 = create table t (\n    a int,\n    b int)\n    distkey (a);\nquery1 = select 1;\n',
  ],
  ['a semicolon inside a value stays', "[DML]\nquery2 = insert into t values ('a; b');\n"],
  ['a hash inside a value stays', "[DML]\nquery0 = select '#1' as x; # not a comment\n"],
  ['colon as the delimiter', '[s]\nquery0: select 1\n'],
  ['the first delimiter splits (= before :)', '[s]\na = b: c\n'],
  ['the first delimiter splits (: before =)', '[s]\na: b = c\n'],
  ['a value holding = signs', '[s]\nq = select 1 where a = b\n'],
  ['keys are lower-cased, section names kept', '[Mixed_Case]\nQuery0 = x\nDWH_DB = dev\n'],
  ['[DEFAULT] keys are inherited and overridden', '[DEFAULT]\nport = 5439\nhost = h\n[DEV]\nport = 5440\n[PROD]\nuser = u\n'],
  ['[DEFAULT] twice merges', '[DEFAULT]\na = 1\n[s]\nb = 2\n[DEFAULT]\nc = 3\n'],
  ['a key repeated across two [DEFAULT] blocks', '[DEFAULT]\na = 1\n[DEFAULT]\na = 2\n'],
  ['a duplicate section is an error at its line', '[s]\na = 1\n\n[s]\nb = 2\n'],
  ['a duplicate key is an error at its line', '[s]\nquery0 = a\nquery1 = b\nquery0 = c\n'],
  ['duplicate keys differ only in case', '[s]\nQuery0 = a\nquery0 = b\n'],
  ['a key before any section', 'query0 = x\n[s]\n'],
  ['a line without a delimiter', '[s]\na = 1\njust words\nb = 2\n'],
  ['a line with an empty key', '[s]\n= value\n'],
  ['a line starting with the colon', '[s]\n: value\n'],
  ['a duplicate after a malformed line wins', '[s]\na = 1\nbogus\n  a = 2\na = 3\n'],
  ['blank lines inside a value are kept, trailing ones dropped', '[s]\nq = line1\n\n   line3\n\n\nr = x\n'],
  ['whitespace-only lines inside a value', '[s]\nq = a\n   \n  b\n'],
  ['comment lines inside a value are dropped', '[s]\nq = select a,\n# a comment\n  b\n  ; another\n  from t\n'],
  ['an indented comment line', '[s]\n   # indented comment\na = 1\n'],
  ['tabs as indentation continue a value', '[s]\nq = select\n\ta\n\tfrom t\n'],
  ['an empty value', '[s]\na =\nb = \nc:\n'],
  ['spaces around keys and values', '[s]\n   spaced key   =    spaced value   \n'],
  ['CRLF line endings', '[s]\r\nq = select 1\r\n  from t\r\nr = 2\r\n'],
  ['lone CR line endings', '[s]\rq = 1\r  more\rr = 2\r'],
  ['no newline at the end', '[s]\na = 1'],
  ['an indented key right after a header is a key', '[s]\n  a = 1\n  b = 2\n'],
  ['deeper indentation after an indented key continues it', '[s]\n  a = 1\n     more\n  b = 2\n'],
  ['a less indented line after an indented key is a key', '[s]\n    a = 1\n  b = 2\n'],
  ['a section header with trailing text', '[s] ; trailing\na = 1\n'],
  ['a greedy header takes the last bracket', '[a] b] c\nk = v\n'],
  ['blanks inside brackets are part of the name', '[ spaced ]\nk = v\n'],
  ['empty brackets are not a header', '[s]\n[]\n'],
  ['empty brackets before any section', '[]\n'],
  ['an indented header-looking line continues a value', '[s]\nq = a\n  [not a section]\n'],
  ['a header at column 0 ends the value', '[s]\nq = a\n[t]\n  k = v\n'],
  ['a percent sign is literal (interpolation=None)', '[s]\nq = select 100% , %(x)s\n'],
  ['keys with inner spaces', '[s]\nmy key = v\n'],
  ['non-ASCII keys are lower-cased', '[s]\nКЛЮЧ = значение\nÉTÉ = x\n'],
  ['no-break space as indentation', '[s]\nq = a\n\u00a0\u00a0b\n'],
  ['an empty file', ''],
  ['only comments and blank lines', '; one\n# two\n\n'],
  ['a value that is only a semicolon', '[s]\nq = ;\n'],
  ['a section with no keys', '[empty]\n[s]\na = 1\n'],
  ['the seed test layout', '[TESTSUITE_v01]\ntest0 = select count(*) from orders;\n[RESULTS]\ntest0=76000000\n'],
];

describe('INI files read exactly as Python configparser reads them', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rsrun-ini-oracle-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`the corpus has at least 30 snippets (${CORPUS.length})`, () => {
    expect(CORPUS.length).to.be.at.least(30);
  });

  it('the seed sample files: dw_config.ini, query_redshift_api.ini, test_cases.ini', () => {
    const files = ['dw_config.ini', 'query_redshift_api.ini', 'test_cases.ini'].map((f) => path.join(SEED, f));
    const expected = python(files);
    files.forEach((file, i) => expect(rsrun(file), file).to.deep.equal(expected[i]));
    // The seed's multi-line query is one value, as its Python sees it.
    const ok = expected[1] as Extract<Parsed, { ok: true }>;
    expect(ok.sections[0]?.[1][0]?.[1]).to.match(/^create table orders \(\nO_ORDERKEY bigint NOT NULL,\n[\s\S]*sortkey \(O_ORDERDATE\);$/);
  });

  describe('the corpus', () => {
    let expected: Parsed[] = [];
    const files = CORPUS.map((_, i) => path.join(dir, `case-${i}.ini`));
    before(() => {
      CORPUS.forEach(([, text], i) => writeFileSync(files[i] as string, text));
      expected = python(files);
    });
    CORPUS.forEach(([name], i) => {
      it(name, () => {
        expect(rsrun(files[i] as string)).to.deep.equal(expected[i]);
      });
    });
  });

  it('keeps the line of each key, the last line of its value, and of each section', () => {
    const doc = parseIni('[DDL_v01]\nquery0 = create table t (\n    a int)\n\nquery1 = select 1\n', 'x.ini', 'configparser');
    const [section] = doc.sections;
    expect(section?.line).to.equal(1);
    expect(section?.entries.map((e) => [e.key, e.line, e.lastLine])).to.deep.equal([
      ['query0', 2, 3],
      ['query1', 5, 5],
    ]);
  });

  it('accepts a UTF-8 byte order mark (the one documented difference: Python would need utf-8-sig)', () => {
    const doc = parseIni('\ufeff[s]\na = 1\n', 'bom.ini', 'configparser');
    expect(doc.sections.map((s) => s.name)).to.deep.equal(['s']);
  });

  it('names file and line once in an error', () => {
    try {
      parseIni('[s]\na = 1\na = 2\n', '/p/changes.ini', 'configparser');
      expect.fail('expected an error');
    } catch (err) {
      expect(err).to.be.instanceOf(ConfigError);
      const text = (err as ConfigError).describe();
      expect(text).to.match(/^\/p\/changes\.ini:3: key "a" appears twice in \[s\]/);
      expect(text.match(/changes\.ini/g)).to.have.length(1);
    }
  });
});
