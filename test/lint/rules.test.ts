import { expect } from 'chai';
import { lintFiles, sourceFromText } from '../../runner/lint/lint';
import type { LintSettings, LintSourceKind } from '../../runner/lint/types';

async function lint(sql: string, kind: LintSourceKind = 'versioned', settings?: LintSettings) {
  return lintFiles([sourceFromText('V1__t.sql', kind, sql)], settings);
}
async function rules(sql: string, kind: LintSourceKind = 'versioned', settings?: LintSettings) {
  return (await lint(sql, kind, settings)).map((f) => `${f.rule}@${f.line}`);
}

/** Each rule: SQL that trips it, and close SQL that Redshift accepts. */
const CASES: { rule: string; bad: string; good: string }[] = [
  { rule: 'RS001', bad: 'CREATE TABLE t (id SERIAL, b BIGSERIAL)', good: 'CREATE TABLE t (id BIGINT IDENTITY(1, 1), serial VARCHAR(10))' },
  { rule: 'RS002', bad: 'CREATE SEQUENCE s', good: 'CREATE TABLE s (nextval INT)' },
  { rule: 'RS002', bad: "INSERT INTO t SELECT nextval('s')", good: "INSERT INTO t SELECT 'nextval(s)'" },
  { rule: 'RS003', bad: 'CREATE TABLE t (tags VARCHAR(10)[])', good: 'CREATE TABLE t (tags SUPER)' },
  { rule: 'RS003', bad: 'SELECT ARRAY[1, 2]', good: 'SELECT ARRAY(1, 2), c.orders[0] FROM s.c' },
  { rule: 'RS004', bad: 'CREATE UNIQUE INDEX i ON t (a)', good: 'CREATE TABLE "index" (a INT) SORTKEY (a)' },
  { rule: 'RS005', bad: 'CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()', good: 'CREATE TABLE trigger_log (a INT)' },
  { rule: 'RS006', bad: 'INSERT INTO t (a) VALUES (1) ON CONFLICT DO NOTHING', good: 'INSERT INTO t (a) VALUES (1)' },
  {
    rule: 'RS007',
    bad: 'DELETE FROM t WHERE a = 1 RETURNING a',
    good: "CREATE FUNCTION f(INT) RETURNS INT STABLE AS 'SELECT $1' LANGUAGE sql",
  },
  { rule: 'RS008', bad: 'CREATE EXTENSION pgcrypto', good: 'CREATE SCHEMA extension' },
  { rule: 'RS009', bad: 'CREATE TABLE t (id UUID, doc JSONB, ip INET)', good: 'CREATE TABLE t (uuid CHAR(36), json SUPER, line GEOMETRY)' },
  { rule: 'RS009', bad: "SELECT '{}'::json, CAST(x AS bytea) FROM s.t", good: "SELECT 'json'::varchar, CAST(x AS varbyte) FROM s.t" },
  { rule: 'RS010', bad: "CREATE TYPE mood AS ENUM ('sad', 'ok')", good: 'CREATE TABLE mood (v VARCHAR(3))' },
  { rule: 'RS011', bad: 'DO $$ BEGIN PERFORM 1; END $$', good: 'CREATE PROCEDURE p() AS $$ BEGIN DO_NOTHING(); END $$ LANGUAGE plpgsql' },
  { rule: 'RS012', bad: 'CREATE TABLE t (a INT CHECK (a > 0))', good: 'CREATE TABLE t (a INT NOT NULL, PRIMARY KEY (a))' },
  { rule: 'RS012', bad: 'ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0)', good: 'ALTER TABLE t ADD CONSTRAINT c PRIMARY KEY (a)' },
  {
    rule: 'RS013',
    bad: 'CREATE TABLE t (a INT) PARTITION BY RANGE (a)',
    good: 'SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY b) FROM s.t',
  },
  { rule: 'RS013', bad: 'CREATE TABLE t2 () INHERITS (t)', good: 'CREATE TABLE t2 (LIKE t)' },
  { rule: 'RS014', bad: 'CREATE TABLE t (a INT) TABLESPACE fast', good: 'CREATE TABLE t (tablespace VARCHAR(10))' },
  { rule: 'RS015', bad: 'CREATE TABLE t (a VARCHAR(10) COLLATE "de_DE")', good: 'CREATE TABLE t (a VARCHAR(10) COLLATE CASE_INSENSITIVE)' },
  { rule: 'RS016', bad: 'INSERT INTO s.days SELECT generate_series(1, 10)', good: 'SELECT generate_series(1, 10)' },
  { rule: 'RS016', bad: 'SELECT o.id, g FROM s.orders o, generate_series(1, 3) g', good: 'SELECT EXTRACT(year FROM now())' },
  { rule: 'RS017', bad: 'SELECT * FROM (VALUES (1), (2)) v(a)', good: 'INSERT INTO t (a) VALUES (1), (2)' },
  { rule: 'RS018', bad: 'CREATE TABLE t (oid INT)', good: 'CREATE TABLE t (order_id INT)' },
];

describe('lint rules', () => {
  for (const c of CASES) {
    it(`${c.rule}: flags ${c.bad}`, async () => {
      expect(await rules(c.bad)).to.include(`${c.rule}@1`);
    });
    it(`${c.rule}: accepts ${c.good}`, async () => {
      expect(await rules(c.good)).to.deep.equal([]);
    });
  }

  it('reports the line of the offending token, not of the statement', async () => {
    const found = await lint('SELECT 1;\nCREATE TABLE t (\n  id INT,\n  tags TEXT[]\n);\n');
    expect(found).to.deep.equal([{ rule: 'RS003', severity: 'error', file: 'V1__t.sql', line: 4, message: found[0]?.message }]);
    expect(found[0]?.message).to.match(/array types/);
  });
});
