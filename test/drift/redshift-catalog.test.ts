/**
 * The Redshift catalog reader against result rows shaped as the AWS pages' own examples show them
 * (docs.aws.amazon.com/redshift/latest/dg/<page>.html): r_PG_TABLE_DEF (LINEORDER_COMPOUND and
 * LINEORDER_INTERLEAVED), r_PG_CLASS_INFO (reldiststyle codes), r_SVV_RELATION_PRIVILEGES and
 * r_SVV_FUNCTION_PRIVILEGES (reguser, role1), r_SVV_ALL_COLUMNS (tickit_sales_redshift). No
 * cluster answers here: the queries themselves are listed in docs/drift.md with their pages.
 */
import { expect } from 'chai';
import { REDSHIFT_QUERIES, snapshotFromRedshiftRows, type RedshiftRows } from '../../runner/drift/redshift-catalog';
import type { TableDefRow } from '../../runner/drift/table-design';

const scope = { include: [], exclude: [] };

function rows(partial: Partial<RedshiftRows>): RedshiftRows {
  const empty = Object.fromEntries(Object.keys(REDSHIFT_QUERIES).map((k) => [k, []])) as unknown as RedshiftRows;
  return { ...empty, schemas: [{ schema: 'public' }], ...partial };
}

// r_PG_TABLE_DEF: "select "column", type, encoding, distkey, sortkey, "notnull" from pg_table_def where tablename = 'lineorder_compound' ..."
const COMPOUND: Array<[string, string, boolean, number]> = [
  ['lo_orderkey', 'delta32k', false, 1],
  ['lo_custkey', 'none', false, 2],
  ['lo_partkey', 'none', true, 3],
  ['lo_suppkey', 'delta32k', false, 4],
  ['lo_orderdate', 'delta', false, 5],
];
// The interleaved example: "alternately positive or negative", the absolute value the position.
const INTERLEAVED: Array<[string, string, boolean, number]> = [
  ['lo_orderkey', 'delta32k', false, -1],
  ['lo_custkey', 'none', false, 2],
  ['lo_partkey', 'none', true, -3],
  ['lo_suppkey', 'delta32k', false, 4],
  ['lo_orderdate', 'delta', false, -5],
];

function tableDef(table: string, cols: Array<[string, string, boolean, number]>): TableDefRow[] {
  // encoding is character(32) on the cluster: blank-padded.
  return cols.map(([column, encoding, distkey, sortkey]) => ({
    schemaname: 'public',
    tablename: table,
    column,
    encoding: encoding.padEnd(32),
    distkey,
    sortkey,
  }));
}

function columnTypes(table: string, cols: Array<[string, string, boolean, number]>) {
  return cols.map(([column]) => ({ schemaname: 'public', tablename: table, column, type: 'integer', notnull: true }));
}

describe('Redshift catalog rows -> snapshot', () => {
  const snap = snapshotFromRedshiftRows(
    rows({
      tables: [
        { schema: 'public', name: 'lineorder_compound' },
        { schema: 'public', name: 'lineorder_interleaved' },
      ],
      columnTypes: [...columnTypes('lineorder_compound', COMPOUND), ...columnTypes('lineorder_interleaved', INTERLEAVED)],
      // r_PG_CLASS_INFO: reldiststyle 0 EVEN, 1 KEY, 8 ALL; AUTO tables report their effective style elsewhere.
      diststyles: [
        { schema: 'public', name: 'lineorder_compound', reldiststyle: 1 },
        { schema: 'public', name: 'lineorder_interleaved', reldiststyle: 10 },
      ],
      relationGrants: [
        { schema: 'public', name: 'orders', privilege_type: 'SELECT', identity_name: 'reguser', identity_type: 'user' },
        { schema: 'public', name: 'orders', privilege_type: 'SELECT', identity_name: 'role1', identity_type: 'role' },
      ],
      functionGrants: [
        {
          schema: 'public',
          name: 'test_func1',
          argument_types: 'integer',
          privilege_type: 'EXECUTE',
          identity_name: 'role1',
          identity_type: 'role',
        },
        {
          schema: 'public',
          name: 'test_func2',
          argument_types: 'integer, character varying',
          privilege_type: 'EXECUTE',
          identity_name: 'reguser',
          identity_type: 'user',
        },
      ],
    }),
    [...tableDef('lineorder_compound', COMPOUND), ...tableDef('lineorder_interleaved', INTERLEAVED)],
    scope,
  );

  it('reads a compound sort key in order, the distribution key and trimmed encodings (r_PG_TABLE_DEF)', () => {
    const t = snap.tables.get('public.lineorder_compound');
    expect(t).to.include({ sortStyle: 'COMPOUND', distkey: 'lo_partkey', diststyle: 'KEY' });
    expect(t?.sortkeys).to.deep.equal(['lo_orderkey', 'lo_custkey', 'lo_partkey', 'lo_suppkey', 'lo_orderdate']);
    expect(t?.columns.map((c) => c.encoding)).to.deep.equal(['delta32k', 'none', 'none', 'delta32k', 'delta']);
    expect(t?.columns.every((c) => !c.nullable)).to.equal(true);
  });

  it('reads an interleaved sort key from alternating signs, and AUTO distribution (r_PG_CLASS_INFO)', () => {
    const t = snap.tables.get('public.lineorder_interleaved');
    expect(t).to.include({ sortStyle: 'INTERLEAVED', diststyle: 'AUTO' });
    expect(t?.sortkeys).to.deep.equal(['lo_orderkey', 'lo_custkey', 'lo_partkey', 'lo_suppkey', 'lo_orderdate']);
  });

  it('reads explicit grants to users, roles and on functions by argument types (r_SVV_RELATION_PRIVILEGES, r_SVV_FUNCTION_PRIVILEGES)', () => {
    expect(snap.grants).to.deep.equal([
      { object: 'public.orders', grantee: 'reguser', privilege: 'SELECT' },
      { object: 'public.orders', grantee: 'ROLE role1', privilege: 'SELECT' },
      { object: 'public.test_func1(integer)', grantee: 'ROLE role1', privilege: 'EXECUTE' },
      { object: 'public.test_func2(integer, character varying)', grantee: 'reguser', privilege: 'EXECUTE' },
    ]);
  });

  it('turns an IDENTITY default into identity(seed, step) and keeps other defaults (r_SVV_COLUMNS)', () => {
    const s = snapshotFromRedshiftRows(
      rows({
        tables: [{ schema: 'public', name: 'tickit_sales_redshift' }],
        columnTypes: [
          { schemaname: 'public', tablename: 'tickit_sales_redshift', column: 'salesid', type: 'integer', notnull: true },
          { schemaname: 'public', tablename: 'tickit_sales_redshift', column: 'buyerid', type: 'integer', notnull: true },
          { schemaname: 'public', tablename: 'tickit_sales_redshift', column: 'qtysold', type: 'smallint', notnull: false },
        ],
        defaults: [
          { schema: 'public', name: 'tickit_sales_redshift', column: 'salesid', column_default: `"identity"(106474, 0, '1,1'::text)` },
          { schema: 'public', name: 'tickit_sales_redshift', column: 'qtysold', column_default: '1' },
        ],
      }),
      [],
      scope,
    );
    const cols = s.tables.get('public.tickit_sales_redshift')?.columns ?? [];
    expect(cols.map((c) => [c.name, c.identity, c.default, c.nullable])).to.deep.equal([
      ['salesid', 'identity(1, 1)', undefined, false],
      ['buyerid', undefined, undefined, false],
      ['qtysold', undefined, '1', true],
    ]);
  });

  it('leaves out schemas outside the scope, and marks SVV_MV_INFO entries as materialized views', () => {
    const s = snapshotFromRedshiftRows(
      rows({
        schemas: [{ schema: 'public' }, { schema: 'rsrun' }],
        views: [
          { schema: 'public', name: 'v', definition: ' SELECT 1;' },
          { schema: 'public', name: 'mv', definition: 'SELECT 2' },
          { schema: 'rsrun', name: 'hidden', definition: 'SELECT 3' },
        ],
        materializedViews: [{ schema: 'public', name: 'mv' }],
      }),
      [],
      { include: [], exclude: ['rsrun'] },
    );
    expect(s.schemas).to.deep.equal(['public']);
    expect([...s.views]).to.deep.equal([
      ['public.v', { kind: 'view', definition: 'SELECT 1' }],
      ['public.mv', { kind: 'materialized view', definition: 'SELECT 2' }],
    ]);
  });

  it('names each documented view it reads', () => {
    const sql = Object.values(REDSHIFT_QUERIES).join('\n').toLowerCase();
    for (const view of ['svv_tables', 'pg_table_def', 'svv_columns', 'pg_class_info', 'pg_views', 'svv_mv_info', 'pg_proc_info']) {
      expect(sql).to.include(view);
    }
    expect(sql).to.include('svv_relation_privileges');
    expect(sql).to.include('svv_function_privileges');
  });
});
