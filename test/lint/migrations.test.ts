import { expect } from 'chai';
import { lintFiles, sourceFromText } from '../../runner/lint/lint';
import type { LintSettings, LintSourceKind } from '../../runner/lint/types';

const rulesOf = async (files: [string, LintSourceKind, string][], settings?: LintSettings) =>
  (
    await lintFiles(
      files.map(([f, k, sql]) => sourceFromText(f, k, sql)),
      settings,
    )
  ).map((f) => `${f.file}:${f.line} ${f.rule}`);
const one = (sql: string, kind: LintSourceKind = 'versioned', settings?: LintSettings) => rulesOf([['V1__x.sql', kind, sql]], settings);

describe('lint: transaction blocks (RS101-RS103)', () => {
  it('warns on a lone statement that refuses a transaction block', async () => {
    expect(await one('VACUUM DELETE ONLY s.t;')).to.deep.equal(['V1__x.sql:1 RS101']);
  });
  it('errors when such a statement is mixed with others', async () => {
    expect(await one("INSERT INTO s.t VALUES (1);\nCREATE LIBRARY lib LANGUAGE plpythonu FROM 's3://b/l.zip';")).to.deep.equal([
      'V1__x.sql:2 RS102',
    ]);
  });
  it('is silent when the migration is declared -- rsrun:no-transaction', async () => {
    expect(await one('-- rsrun:no-transaction\nINSERT INTO s.t VALUES (1);\nVACUUM s.t;\nTRUNCATE s.u;')).to.deep.equal([]);
  });
  it('warns on TRUNCATE in a transactional migration, not in SQL tests', async () => {
    expect(await one('TRUNCATE s.t;')).to.deep.equal(['V1__x.sql:1 RS103']);
    expect(await one('TRUNCATE s.t;', 'test')).to.deep.equal([]);
  });
  it('does not mistake ALTER TABLE ... ALTER COLUMN ... TYPE in a string for the statement', async () => {
    expect(await one("INSERT INTO s.log VALUES ('VACUUM s.t');")).to.deep.equal([]);
  });
});

describe('lint: risky changes (RS201-RS205)', () => {
  it('RS201 flags DROP TABLE / DROP COLUMN / DROP SCHEMA', async () => {
    expect(await one('DROP TABLE s.a, s.b;\nALTER TABLE s.c DROP COLUMN x;\nDROP SCHEMA old CASCADE;')).to.deep.equal([
      'V1__x.sql:1 RS201',
      'V1__x.sql:1 RS201',
      'V1__x.sql:2 RS201',
      'V1__x.sql:3 RS201',
    ]);
  });
  it('RS201 allows -- rsrun:allow-drop, undo scripts, temp tables and tables the same file created', async () => {
    expect(await one('-- rsrun:allow-drop\nDROP TABLE s.a;')).to.deep.equal([]);
    expect(await one('DROP TABLE s.a;', 'undo')).to.deep.equal([]);
    expect(await one('CREATE TEMP TABLE stage (a INT);\nDROP TABLE stage;\nDROP TABLE #t;')).to.deep.equal([]);
    expect(await one('CREATE TABLE s.work (a INT);\nDROP TABLE s.work;')).to.deep.equal([]);
    expect(await one('ALTER TABLE s.c DROP CONSTRAINT c_pk;')).to.deep.equal([]);
  });
  it('RS202 allows only growing a VARCHAR (ALTER COLUMN TYPE alone is also RS101: it refuses a transaction block)', async () => {
    const rulesOf202 = async (files: [string, LintSourceKind, string][]) => (await rulesOf(files)).filter((r) => !r.endsWith('RS101'));
    expect(await rulesOf([['V2__b.sql', 'versioned', 'ALTER TABLE s.t ALTER COLUMN name TYPE VARCHAR(100);']])).to.deep.equal([
      'V2__b.sql:1 RS101',
    ]);
    const create = ['V1__a.sql', 'versioned', "CREATE TABLE s.t (name VARCHAR(50), n INT, code VARCHAR(5) DEFAULT 'x');"] as [
      string,
      LintSourceKind,
      string,
    ];
    expect(await rulesOf202([create, ['V2__b.sql', 'versioned', 'ALTER TABLE s.t ALTER COLUMN name TYPE VARCHAR(100);']])).to.deep.equal(
      [],
    );
    expect(await rulesOf202([create, ['V2__b.sql', 'versioned', 'ALTER TABLE s.t ALTER COLUMN name TYPE VARCHAR(10);']])).to.deep.equal([
      'V2__b.sql:1 RS202',
    ]);
    expect(await rulesOf202([create, ['V2__b.sql', 'versioned', 'ALTER TABLE s.t ALTER COLUMN n TYPE BIGINT;']])).to.deep.equal([
      'V2__b.sql:1 RS202',
    ]);
    expect(await rulesOf202([create, ['V2__b.sql', 'versioned', 'ALTER TABLE s.t ALTER COLUMN n TYPE VARCHAR(20);']])).to.deep.equal([
      'V2__b.sql:1 RS202',
    ]);
    expect(await rulesOf202([create, ['V2__b.sql', 'versioned', 'ALTER TABLE s.t ALTER COLUMN code TYPE VARCHAR(10);']])).to.deep.equal([
      'V2__b.sql:1 RS202',
    ]);
  });
  it('RS203 asks for a distribution/sort choice only when [lint] require_dist_sort is set', async () => {
    const on: LintSettings = { requireDistSort: true, disabled: new Set(), errors: new Set() };
    expect(await one('CREATE TABLE s.t (a INT);')).to.deep.equal([]);
    expect(await one('CREATE TABLE s.t (a INT);', 'versioned', on)).to.deep.equal(['V1__x.sql:1 RS203']);
    expect(
      await one(
        'CREATE TABLE s.t (a INT DISTKEY);\nCREATE TABLE s.u (a INT) SORTKEY AUTO;\nCREATE TEMP TABLE w (a INT);\nCREATE TABLE s.v (LIKE s.t);',
        'versioned',
        on,
      ),
    ).to.deep.equal([]);
  });
  it('RS204 flags a schema-bound view over a table another migration drops', async () => {
    const files: [string, LintSourceKind, string][] = [
      ['V1__view.sql', 'versioned', 'CREATE VIEW s.v AS SELECT a FROM s.t JOIN s.u USING (a);'],
      ['V2__rebuild.sql', 'versioned', '-- rsrun:allow-drop\nDROP TABLE s.t;\nCREATE TABLE s.t (a INT);'],
    ];
    expect(await rulesOf(files)).to.deep.equal(['V1__view.sql:1 RS204']);
    files[0] = ['V1__view.sql', 'versioned', 'CREATE VIEW s.v AS SELECT a FROM s.t JOIN s.u USING (a) WITH NO SCHEMA BINDING;'];
    expect(await rulesOf(files)).to.deep.equal([]);
  });
  it('RS205 requires schema-qualified tables in a late-binding view', async () => {
    expect(await one('CREATE VIEW v AS SELECT * FROM t WITH NO SCHEMA BINDING;')).to.deep.equal(['V1__x.sql:1 RS205']);
    expect(await one('CREATE VIEW v AS WITH c AS (SELECT 1 AS x FROM s.t) SELECT x FROM c WITH NO SCHEMA BINDING;')).to.deep.equal([]);
  });
});

describe('lint: silencing', () => {
  it('lint-disable silences a rule for the file', async () => {
    expect(await one('-- rsrun:lint-disable RS009, RS001\nCREATE TABLE s.t (id SERIAL, d JSON);')).to.deep.equal([]);
  });
  it('lint-disable-next-statement silences only the next statement', async () => {
    expect(await one('-- rsrun:lint-disable-next-statement RS009\nCREATE TABLE s.t (d JSON);\nCREATE TABLE s.u (d JSON);')).to.deep.equal([
      'V1__x.sql:3 RS009',
    ]);
  });
  it('a directive for another rule does not silence', async () => {
    expect(await one('-- rsrun:lint-disable RS004\nCREATE TABLE s.t (d JSON);')).to.deep.equal(['V1__x.sql:2 RS009']);
  });
  it('[lint] disable silences a rule project-wide', async () => {
    expect(
      await one('CREATE TABLE s.t (d JSON);', 'versioned', { requireDistSort: false, disabled: new Set(['RS009']), errors: new Set() }),
    ).to.deep.equal([]);
  });
  it('an unknown rule id in a directive is reported (RS900)', async () => {
    expect(await one('-- rsrun:lint-disable RS999\nSELECT 1;')).to.deep.equal(['V1__x.sql:1 RS900']);
  });
});

describe('lint: false-positive traps', () => {
  it('keywords inside strings, comments, $$ bodies and quoted identifiers are not findings', async () => {
    const sql = [
      "INSERT INTO s.notes (body) VALUES ('CREATE INDEX i ON t; DROP TABLE x; nextval(''s'') ON CONFLICT');",
      '-- CREATE TABLE t (id SERIAL); DROP TABLE t; VACUUM;',
      '/* json jsonb uuid RETURNING ARRAY[1] /* nested */ TRUNCATE */',
      'CREATE TABLE s."serial" ("json" VARCHAR(10), "oid_x" INT, "array" INT);',
      'CREATE OR REPLACE PROCEDURE s.p() AS $body$ BEGIN TRUNCATE s.t; CREATE INDEX i ON t (a); DROP TABLE s.x; END $body$ LANGUAGE plpgsql;',
      'SELECT "CREATE SEQUENCE", "nextval"(1) AS "on conflict" FROM s.t;',
    ].join('\n');
    expect(await one(sql, 'test')).to.deep.equal([]);
  });
});

describe('lint: Redshift transaction facts', () => {
  it('DROP LIBRARY refuses a transaction block (r_DROP_LIBRARY)', async () => {
    expect(await one('DROP LIBRARY f_urlparse;')).to.deep.equal(['V1__x.sql:1 RS101']);
  });
  it('REFRESH MATERIALIZED VIEW runs in a migration transaction', async () => {
    expect(await one('REFRESH MATERIALIZED VIEW s.mv;')).to.deep.equal([]);
  });
});
