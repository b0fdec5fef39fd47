/**
 * Redshift system views on both local engines (issue 13 (a)): Redshift's column names and types,
 * and the pages' examples, with the distribution and sort keys the DDL declared.
 */
import { expect } from 'chai';
import { EMULATED_SYSTEM_RELATIONS } from '../../runner/dialects/redshift/system-relations';
import { SYSTEM_VIEWS } from '../../runner/dialects/redshift/emulation/system-views';
import { describeEachEngine } from '../support/engines';
import { DG, emulatedSession, redshiftLike, type Emulated } from './support';

// Column name and type as each view's page lists them (PostgreSQL's spelling of the same types).
const COLUMNS: Record<string, [string, string][]> = {
  // r_STV_SESSIONS
  stv_sessions: [
    ['starttime', 'timestamp without time zone'],
    ['process', 'integer'],
    ['user_name', 'character(50)'],
    ['db_name', 'character(50)'],
    ['timeout_sec', 'integer'],
  ],
  // SYS_SESSION_HISTORY (status: "char"; its longest value, "timed out", is 9 characters)
  sys_session_history: [
    ['user_id', 'character(50)'],
    ['session_id', 'integer'],
    ['database_name', 'character(50)'],
    ['status', 'character(9)'],
    ['session_timeout', 'integer'],
    ['start_time', 'timestamp without time zone'],
    ['end_time', 'timestamp without time zone'],
  ],
  // r_PG_TABLE_DEF
  pg_table_def: [
    ['schemaname', 'name'],
    ['tablename', 'name'],
    ['column', 'name'],
    ['type', 'text'],
    ['encoding', 'character(32)'],
    ['distkey', 'boolean'],
    ['sortkey', 'integer'],
    ['notnull', 'boolean'],
  ],
  // r_SVV_TABLE_INFO
  svv_table_info: [
    ['database', 'text'],
    ['schema', 'text'],
    ['table_id', 'oid'],
    ['table', 'text'],
    ['encoded', 'text'],
    ['diststyle', 'text'],
    ['sortkey1', 'text'],
    ['max_varchar', 'integer'],
    ['sortkey1_enc', 'character(32)'],
    ['sortkey_num', 'integer'],
    ['size', 'bigint'],
    ['pct_used', 'numeric(10,4)'],
    ['empty', 'bigint'],
    ['unsorted', 'numeric(5,2)'],
    ['stats_off', 'numeric(5,2)'],
    ['tbl_rows', 'numeric(38,0)'],
    ['skew_sortkey1', 'numeric(19,2)'],
    ['skew_rows', 'numeric(19,2)'],
    ['estimated_visible_rows', 'numeric(38,0)'],
    ['risk_event', 'text'],
    ['vacuum_sort_benefit', 'numeric(12,2)'],
    ['create_time', 'timestamp without time zone'],
  ],
  // r_SVV_TABLES
  svv_tables: [
    ['table_catalog', 'text'],
    ['table_schema', 'text'],
    ['table_name', 'text'],
    ['table_type', 'text'],
    ['remarks', 'text'],
  ],
  // r_SVV_COLUMNS
  svv_columns: [
    ['table_catalog', 'text'],
    ['table_schema', 'text'],
    ['table_name', 'text'],
    ['column_name', 'text'],
    ['ordinal_position', 'integer'],
    ['column_default', 'text'],
    ['is_nullable', 'text'],
    ['data_type', 'text'],
    ['character_maximum_length', 'integer'],
    ['numeric_precision', 'integer'],
    ['numeric_precision_radix', 'integer'],
    ['numeric_scale', 'integer'],
    ['datetime_precision', 'integer'],
    ['interval_type', 'text'],
    ['interval_precision', 'text'],
    ['character_set_catalog', 'text'],
    ['character_set_schema', 'text'],
    ['character_set_name', 'text'],
    ['collation_catalog', 'text'],
    ['collation_schema', 'text'],
    ['collation_name', 'text'],
    ['domain_name', 'text'],
    ['remarks', 'text'],
  ],
};

const PAGE: Record<string, string> = {
  stv_sessions: 'r_STV_SESSIONS',
  sys_session_history: 'SYS_SESSION_HISTORY',
  pg_table_def: 'r_PG_TABLE_DEF',
  svv_table_info: 'r_SVV_TABLE_INFO',
  svv_tables: 'r_SVV_TABLES',
  svv_columns: 'r_SVV_COLUMNS',
};

const trimmed = (rows: Record<string, unknown>[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? v.trimEnd() : v])));

describeEachEngine('conformance: system views', (db) => {
  let s: Emulated;
  beforeEach(async () => {
    s = await emulatedSession(redshiftLike(db));
  });
  afterEach(async () => {
    await s.session.query('RESET search_path');
    await s.release();
  });

  it('every view built here is listed in system-relations.ts', () => {
    for (const v of SYSTEM_VIEWS) expect(EMULATED_SYSTEM_RELATIONS.has(v), v).to.equal(true);
  });

  for (const view of Object.keys(COLUMNS)) {
    it(`${PAGE[view]}: ${view.toUpperCase()} has Redshift's column names and types (${DG}${PAGE[view]}.html)`, async () => {
      const rows = await s.session.query<{ name: string; type: string }>(
        "SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = ('rsrun_compat.' || $1)::regclass AND attnum > 0 ORDER BY attnum",
        [view],
      );
      expect(rows.rows.map((r) => [r.name, r.type])).to.deep.equal(COLUMNS[view]);
    });
  }

  it('r_PG_TABLE_DEF: the LINEORDER_COMPOUND example (compound sort key, encodings, distkey)', async () => {
    await s.run('DROP TABLE IF EXISTS lineorder_compound');
    await s.run(`create table lineorder_compound (
  lo_orderkey integer not null encode delta32k,
  lo_custkey integer not null,
  lo_partkey integer not null distkey,
  lo_suppkey integer not null encode delta32k,
  lo_orderdate integer not null encode delta,
  lo_comment varchar(79) not null)
compound sortkey (lo_orderkey, lo_custkey, lo_partkey, lo_suppkey, lo_orderdate)`);
    const rows = await s.run(`select "column", type, encoding, distkey, sortkey, "notnull"
from pg_table_def
where tablename = 'lineorder_compound'
and sortkey <> 0`);
    expect(trimmed(rows)).to.deep.equal([
      { column: 'lo_orderkey', type: 'integer', encoding: 'delta32k', distkey: false, sortkey: 1, notnull: true },
      { column: 'lo_custkey', type: 'integer', encoding: 'none', distkey: false, sortkey: 2, notnull: true },
      { column: 'lo_partkey', type: 'integer', encoding: 'none', distkey: true, sortkey: 3, notnull: true },
      { column: 'lo_suppkey', type: 'integer', encoding: 'delta32k', distkey: false, sortkey: 4, notnull: true },
      { column: 'lo_orderdate', type: 'integer', encoding: 'delta', distkey: false, sortkey: 5, notnull: true },
    ]);
  });

  it('r_PG_TABLE_DEF: the LINEORDER_INTERLEAVED example (positions alternate in sign)', async () => {
    await s.run('DROP TABLE IF EXISTS lineorder_interleaved');
    await s.run(`create table lineorder_interleaved (lo_orderkey integer not null, lo_custkey integer not null,
  lo_partkey integer not null, lo_suppkey integer not null, lo_orderdate integer not null)
distkey (lo_partkey) interleaved sortkey (lo_orderkey, lo_custkey, lo_partkey, lo_suppkey, lo_orderdate)`);
    const rows = await s.run(
      `select "column", distkey, sortkey from pg_table_def where tablename = 'lineorder_interleaved' and sortkey <> 0`,
    );
    expect(rows.map((r) => [r.column, r.distkey, r.sortkey])).to.deep.equal([
      ['lo_orderkey', false, -1],
      ['lo_custkey', false, 2],
      ['lo_partkey', true, -3],
      ['lo_suppkey', false, 4],
      ['lo_orderdate', false, -5],
    ]);
  });

  it("r_PG_TABLE_DEF: only tables in schemas on the search path (the page's demo.demotable example)", async () => {
    await s.run('DROP SCHEMA IF EXISTS demo CASCADE');
    await s.run('create schema demo');
    await s.run('create table demo.demotable (one int)');
    expect(await s.run("select * from pg_table_def where tablename = 'demotable'")).to.deep.equal([]);
    await s.run("set search_path to '$user', 'public', 'demo'");
    expect(trimmed(await s.run("select * from pg_table_def where tablename = 'demotable'"))).to.deep.equal([
      {
        schemaname: 'demo',
        tablename: 'demotable',
        column: 'one',
        type: 'integer',
        encoding: 'none',
        distkey: false,
        sortkey: 0,
        notnull: false,
      },
    ]);
  });

  it('r_SVV_TABLE_INFO: encoded, diststyle, sortkey1 as the sample shows; empty tables are not listed', async () => {
    await s.run('DROP SCHEMA IF EXISTS tinfo CASCADE');
    await s.run('create schema tinfo');
    await s.run('create table tinfo.category (catid smallint, catname varchar(10)) diststyle even');
    await s.run('create table tinfo.date (dateid smallint not null, caldate date) diststyle all sortkey (dateid)');
    await s.run(
      'create table tinfo.event (eventid integer not null distkey, dateid smallint not null sortkey, eventname varchar(200) encode lzo)',
    );
    await s.run('create table tinfo.auto_t (a int)');
    await s.run('create table tinfo.empty_t (a int) diststyle even');
    await s.run('insert into tinfo.category (catid) values (1)');
    await s.run('insert into tinfo.date (dateid) values (1)');
    await s.run('insert into tinfo.event (eventid, dateid) values (1, 1)');
    await s.run('insert into tinfo.auto_t values (1)');
    const rows = await s.run(`select "table", encoded, diststyle, sortkey1, sortkey_num, max_varchar, tbl_rows
from svv_table_info where schema = 'tinfo' order by 1`);
    expect(trimmed(rows)).to.deep.equal([
      {
        table: 'auto_t',
        encoded: 'N',
        diststyle: 'AUTO(ALL)',
        sortkey1: 'AUTO(SORTKEY)',
        sortkey_num: 0,
        max_varchar: null,
        tbl_rows: '1',
      },
      { table: 'category', encoded: 'N', diststyle: 'EVEN', sortkey1: 'AUTO(SORTKEY)', sortkey_num: 0, max_varchar: 10, tbl_rows: '1' },
      { table: 'date', encoded: 'N', diststyle: 'ALL', sortkey1: 'dateid', sortkey_num: 1, max_varchar: null, tbl_rows: '1' },
      { table: 'event', encoded: 'Y', diststyle: 'KEY(eventid)', sortkey1: 'dateid', sortkey_num: 1, max_varchar: 200, tbl_rows: '1' },
    ]);
  });

  it('r_ALTER_TABLE: ALTER DISTSTYLE / DISTKEY / SORTKEY change what SVV_TABLE_INFO shows', async () => {
    await s.run('DROP TABLE IF EXISTS alter_t');
    await s.run('create table alter_t (a int, b int)');
    await s.run('insert into alter_t values (1, 2)');
    await s.run('alter table alter_t alter distkey b');
    await s.run('alter table alter_t alter compound sortkey (a, b)');
    const rows = await s.run(`select diststyle, sortkey1, sortkey_num from svv_table_info where "table" = 'alter_t'`);
    expect(rows).to.deep.equal([{ diststyle: 'KEY(b)', sortkey1: 'a', sortkey_num: 2 }]);
  });

  it('r_STV_SESSIONS / SYS_SESSION_HISTORY: the current session is listed, active, with its PG_BACKEND_PID', async () => {
    const stv = await s.run('select process, user_name, db_name from stv_sessions where process = pg_backend_pid()');
    expect(stv).to.have.length(1);
    expect(String(stv[0]?.user_name)).to.have.length(50);
    const sys = await s.run(
      'select session_id, trim(status) as status, end_time from sys_session_history where session_id = pg_backend_pid()',
    );
    expect(sys).to.deep.equal([{ session_id: s.session.backendPid, status: 'active', end_time: null }]);
    expect(Number((await s.run('select count(*) as n from stv_sessions'))[0]?.n)).to.be.at.least(1);
  });

  it('r_SVV_TABLES / r_SVV_COLUMNS: a table and its columns, with their types', async () => {
    await s.run('DROP TABLE IF EXISTS svv_t');
    await s.run('create table svv_t (id integer not null, name varchar(30), price decimal(12,2))');
    expect(await s.run("select table_schema, table_name, table_type from svv_tables where table_name = 'svv_t'")).to.deep.equal([
      { table_schema: 'public', table_name: 'svv_t', table_type: 'BASE TABLE' },
    ]);
    const cols = await s.run(
      "select column_name, ordinal_position, is_nullable, data_type, character_maximum_length, numeric_precision, numeric_scale from svv_columns where table_name = 'svv_t' order by ordinal_position",
    );
    expect(cols).to.deep.equal([
      {
        column_name: 'id',
        ordinal_position: 1,
        is_nullable: 'NO',
        data_type: 'integer',
        character_maximum_length: null,
        numeric_precision: 32,
        numeric_scale: 0,
      },
      {
        column_name: 'name',
        ordinal_position: 2,
        is_nullable: 'YES',
        data_type: 'character varying',
        character_maximum_length: 30,
        numeric_precision: null,
        numeric_scale: null,
      },
      {
        column_name: 'price',
        ordinal_position: 3,
        is_nullable: 'YES',
        data_type: 'numeric',
        character_maximum_length: null,
        numeric_precision: 12,
        numeric_scale: 2,
      },
    ]);
  });
});
