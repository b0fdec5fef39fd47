/**
 * Redshift functions through the rewriter and the compat schema, compared with the values AWS
 * documents on each function's page (docs.aws.amazon.com/redshift/latest/dg/<page>.html).
 */
import { expect } from 'chai';
import { createRedshiftEmulation, LocalDirectoryStore } from '../../runner/dialects/redshift/emulation';
import { loadSqlTokenizer } from '../../runner/dialects/sql-tokens';
import { InputError } from '../../runner/errors';
import { describeEachEngine } from '../support/engines';

describeEachEngine('Redshift functions on the emulation', (db) => {
  const rewriter = createRedshiftEmulation({ s3Store: new LocalDirectoryStore('/nonexistent') });

  async function value(sql: string): Promise<unknown> {
    const session = await db.warehouse({ emulateRedshift: true }).acquire();
    try {
      await rewriter.prepare(session);
      const [step] = rewriter.rewrite(sql, { file: 'test.sql', line: 1 });
      if (step?.kind !== 'sql') throw new Error('expected SQL');
      const r = await session.query<{ v: unknown }>(step.sql);
      return r.rows[0]?.v;
    } finally {
      await session.release();
    }
  }

  const documented: Array<[page: string, sql: string, expected: unknown]> = [
    ['r_DATEDIFF_function', "select datediff(week,'2009-01-01','2009-12-31') as v", '52'],
    ['r_DATEADD_function', "select dateadd(month,1,'2008-02-28')::text as v", '2008-03-28 00:00:00'],
    ['r_STRTOL', "select strtol('0xf',16) as v", '15'],
    ['r_STRTOL', "select strtol('abcd1234',16) as v", '2882343476'],
    ['r_STRTOL', "select strtol('110101',2) as v", '53'],
    ['r_CHARINDEX', "select charindex('dog', 'fish') as v", 0],
    ['r_CHARINDEX', "select charindex('fish', 'dogfish') as v", 4],
    ['r_json_extract_path_text', `select json_extract_path_text('{"f2":{"f3":1},"f4":{"f5":99,"f6":"star"}}','f4', 'f6') as v`, 'star'],
    ['r_CONVERT_TIMEZONE', "select convert_timezone('EST', 'PST', '20080305 12:25:29')::text as v", '2008-03-05 09:25:29'],
    ['r_ADD_MONTHS', "select add_months('2008-03-31',1)::text as v", '2008-04-30 00:00:00'],
    ['r_MONTHS_BETWEEN_function', "select months_between('1969-01-18', '1969-03-18') as v", -2],
    ['r_TRUNC_date', "select trunc(timestamp '2011-07-21 10:32:38')::text as v", '2011-07-21'],
    ['r_DECODE_expression (NULL matches NULL)', "select decode(null::int, 1, 'one', null, 'none', 'other') as v", 'none'],
    ['r_NVL_function', 'select nvl(null, null, 3) as v', 3],
    ['r_NVL2', "select nvl2(null::int, 'not null', 'null') as v", 'null'],
    // Literal first arguments: PostgreSQL could not resolve anyelement from them ("could not determine polymorphic type").
    ['r_NVL2', 'select nvl2(null, 1, 2) as v', 2],
    ['r_NVL2', "select nvl2('x', 1, 2) as v", 1],
    ['r_LEN', "select len('français') as v", 8],
    ['r_LISTAGG', "select listagg(x, ',') within group (order by x desc) as v from (select 'a' as x union all select 'b') t", 'b,a'],
    ['r_MEDIAN', 'select median(x) as v from (select 1 as x union all select 2 union all select 10) t', '2.0'],
    [
      'r_COUNT (APPROXIMATE)',
      'select approximate count(distinct x) as v from (select 1 as x union all select 1 union all select 2) t',
      '2',
    ],
    ['r_SYSDATE / r_GETDATE', "select (sysdate <= getdate() + interval '1 second') as v", true],
    ['r_DATE_PART_function (abbreviation)', "select date_part(dw, timestamp '2008-01-06 00:00:00') as v", 0],
    ['r_DATE_TRUNC', "select date_trunc('qtr', timestamp '2008-05-17 10:00:00')::text as v", '2008-04-01 00:00:00'],
  ];
  for (const [page, sql, expected] of documented) {
    it(`${page}: ${sql}`, async () => {
      expect(await value(sql)).to.deep.equal(expected);
    });
  }

  it('installs the compat schema once: a second prepare is a single version check', async () => {
    const session = await db.warehouse({ emulateRedshift: true }).acquire();
    try {
      await rewriter.prepare(session);
      const before = await session.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'rsrun_compat'",
      );
      await rewriter.prepare(session);
      const after = await session.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'rsrun_compat'",
      );
      expect(after.rows[0]?.n).to.equal(before.rows[0]?.n);
      expect(Number(before.rows[0]?.n)).to.be.greaterThan(40);
    } finally {
      await session.release();
    }
  });
});

describe('Redshift emulation errors', () => {
  const rewriter = createRedshiftEmulation({ s3Store: new LocalDirectoryStore('/nonexistent') });
  before(() => loadSqlTokenizer());

  const cases: Array<[string, RegExp]> = [
    ['create table g (id int,\n  shape geometry)', /GEOMETRY data type cannot be emulated/],
    ['create table c (a varchar(10) collate case_insensitive)', /COLLATE CASE_INSENSITIVE cannot be emulated/],
    ["copy t from 's3://b/k' iam_role default format as orc", /ORC parameter cannot be emulated/],
    ['create table e (a int encode bogus)', /unknown compression encoding "bogus"/],
    ['create table d (a int) distkey (b)', /DISTKEY column "b" is not a column of the table/],
  ];
  for (const [sql, message] of cases) {
    it(`rejects ${sql.split('\n').join(' ')} with file and line`, () => {
      let error: unknown;
      try {
        rewriter.rewrite(sql, { file: 'V1__x.sql', line: 10 });
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(InputError);
      expect((error as InputError).message).to.match(message);
      expect((error as InputError).file).to.equal('V1__x.sql');
      expect((error as InputError).line).to.equal(sql.startsWith('create table g') ? 11 : 10);
    });
  }

  it('keeps everything it does not rewrite byte-for-byte, comments included', () => {
    const sql = "select /* keep */ a , 'sysdate' -- tail\n from t where x = nvl(y,1)";
    const [step] = rewriter.rewrite(sql, { file: 'f.sql', line: 1 });
    expect(step).to.deep.equal({ kind: 'sql', sql: "select /* keep */ a , 'sysdate' -- tail\n from t where x = coalesce(y,1)" });
  });
});
