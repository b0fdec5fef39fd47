/**
 * Every lint rule: id, severity, what it checks and the AWS page it rests on
 * (https://docs.aws.amazon.com/redshift/latest/dg/<page>.html). docs/redshift-rules.md documents
 * the same list; a test keeps the two in step.
 */
import type { LintSeverity } from './types';

export interface RuleInfo {
  id: string;
  severity: LintSeverity;
  title: string;
  /** AWS documentation page the rule rests on. */
  source: string;
  /** Applies to SQL test files too (not only migrations). */
  tests: boolean;
}

const DG = 'https://docs.aws.amazon.com/redshift/latest/dg/';
const FEATURES = `${DG}c_unsupported-postgresql-features.html`;
const TYPES = `${DG}c_unsupported-postgresql-datatypes.html`;

export const RULES: readonly RuleInfo[] = [
  {
    id: 'RS000',
    severity: 'error',
    title: 'the file cannot be read as SQL (an unterminated string, identifier, comment or $$ body)',
    source: `${DG}pattern-matching-conditions-posix.html`,
    tests: true,
  },
  { id: 'RS001', severity: 'error', title: 'SERIAL, BIGSERIAL and SMALLSERIAL do not exist on Redshift', source: TYPES, tests: true },
  {
    id: 'RS002',
    severity: 'error',
    title: 'sequences (CREATE SEQUENCE, nextval, currval, setval) do not exist on Redshift',
    source: FEATURES,
    tests: true,
  },
  { id: 'RS003', severity: 'error', title: 'array types and ARRAY[...] constructors do not exist on Redshift', source: TYPES, tests: true },
  { id: 'RS004', severity: 'error', title: 'CREATE INDEX: Redshift has no indexes', source: FEATURES, tests: true },
  { id: 'RS005', severity: 'error', title: 'triggers do not exist on Redshift', source: FEATURES, tests: true },
  { id: 'RS006', severity: 'error', title: 'INSERT ... ON CONFLICT is not supported', source: `${DG}r_INSERT_30.html`, tests: true },
  { id: 'RS007', severity: 'error', title: 'RETURNING is not supported', source: `${DG}r_INSERT_30.html`, tests: true },
  { id: 'RS008', severity: 'error', title: 'CREATE EXTENSION is not supported', source: `${DG}c_SQL_commands.html`, tests: true },
  { id: 'RS009', severity: 'error', title: 'PostgreSQL data type Redshift does not support', source: TYPES, tests: true },
  {
    id: 'RS010',
    severity: 'error',
    title: 'CREATE TYPE / CREATE DOMAIN (enums, composite types) are not supported',
    source: TYPES,
    tests: true,
  },
  {
    id: 'RS011',
    severity: 'error',
    title: 'DO anonymous code blocks are not supported: use CREATE PROCEDURE and CALL',
    source: `${DG}c_SQL_commands.html`,
    tests: true,
  },
  { id: 'RS012', severity: 'error', title: 'CHECK and EXCLUDE constraints are not supported', source: FEATURES, tests: true },
  { id: 'RS013', severity: 'error', title: 'table partitioning and inheritance are not supported', source: FEATURES, tests: true },
  { id: 'RS014', severity: 'error', title: 'tablespaces are not supported', source: FEATURES, tests: true },
  {
    id: 'RS015',
    severity: 'error',
    title: 'collations other than CASE_SENSITIVE / CASE_INSENSITIVE are not supported',
    source: FEATURES,
    tests: true,
  },
  {
    id: 'RS016',
    severity: 'warning',
    title: 'generate_series runs only on the leader node: it fails when combined with user tables',
    source: `${DG}c_sql-functions-leader-node.html`,
    tests: true,
  },
  { id: 'RS017', severity: 'error', title: 'a VALUES list used as a constant table is not supported', source: FEATURES, tests: true },
  {
    id: 'RS018',
    severity: 'error',
    title: 'PostgreSQL system column names (oid, tableoid, xmin, cmin, xmax, cmax, ctid) cannot name a column',
    source: FEATURES,
    tests: true,
  },
  {
    id: 'RS019',
    severity: 'error',
    title: 'PostgreSQL function Redshift does not support (STRING_AGG, ARRAY_AGG, FORMAT, advisory locks, ...)',
    source: `${DG}c_unsupported-postgresql-functions.html`,
    tests: true,
  },
  {
    id: 'RS020',
    severity: 'error',
    title: 'IS [NOT] DISTINCT FROM is not supported',
    source: `${DG}c_unsupported-postgresql-functions.html`,
    tests: true,
  },
  { id: 'RS021', severity: 'error', title: 'SELECT DISTINCT ON is not supported', source: `${DG}r_SELECT_list.html`, tests: true },
  {
    id: 'RS022',
    severity: 'error',
    title: 'aggregate FILTER (WHERE ...) is not supported',
    source: `${DG}c_Aggregate_Functions.html`,
    tests: true,
  },
  {
    id: 'RS023',
    severity: 'error',
    title: 'CREATE TABLE options Redshift lacks: UNLOGGED, WITH (storage parameters), GENERATED ALWAYS',
    source: `${DG}r_CREATE_TABLE_NEW.html`,
    tests: true,
  },
  {
    id: 'RS024',
    severity: 'error',
    title: 'COPY from STDIN or a server file: Redshift loads from S3, EMR, SSH or DynamoDB',
    source: `${DG}r_COPY.html`,
    tests: true,
  },
  { id: 'RS025', severity: 'error', title: 'table functions and LATERAL are not supported', source: FEATURES, tests: true },
  {
    id: 'RS026',
    severity: 'error',
    title: 'LISTAGG functions of one statement must share one WITHIN GROUP (ORDER BY ...)',
    source: `${DG}r_LISTAGG.html`,
    tests: true,
  },
  {
    id: 'RS027',
    severity: 'error',
    title: 'a psql/RSQL client command or variable (\\set, \\i, \\echo, :VAR) in a SQL file',
    source: 'https://docs.aws.amazon.com/redshift/latest/mgmt/rsql-query-tool-variables.html',
    tests: true,
  },
  {
    id: 'RS030',
    severity: 'error',
    title: 'a leader-node-only function (NOW(), CURRENT_SCHEMA(), catalog functions, ...) in a statement that reads a user or system table',
    source: `${DG}c_SQL_functions_leader_node_only.html`,
    tests: true,
  },
  {
    id: 'RS101',
    severity: 'warning',
    title: 'statement refuses a transaction block: declare the migration -- rsrun:no-transaction',
    source: `${DG}r_VACUUM_command.html`,
    tests: false,
  },
  {
    id: 'RS102',
    severity: 'error',
    title: 'migration mixes a statement that refuses a transaction block with other statements: it cannot be atomic',
    source: `${DG}r_VACUUM_command.html`,
    tests: false,
  },
  {
    id: 'RS103',
    severity: 'warning',
    title: 'TRUNCATE commits the transaction it runs in: the migration is not atomic',
    source: `${DG}r_TRUNCATE.html`,
    tests: false,
  },
  {
    id: 'RS201',
    // A policy, not a Redshift limit: real setup scripts drop tables on purpose. A project raises it
    // to an error with [lint] errors = RS201.
    severity: 'warning',
    title: 'DROP TABLE / DROP COLUMN / DROP SCHEMA loses data: add -- rsrun:allow-drop',
    source: `${DG}r_DROP_TABLE.html`,
    tests: false,
  },
  {
    id: 'RS202',
    severity: 'error',
    title: 'ALTER COLUMN ... TYPE only increases the size of a VARCHAR column on Redshift',
    source: `${DG}r_ALTER_TABLE.html`,
    tests: false,
  },
  {
    id: 'RS203',
    severity: 'error',
    title: 'CREATE TABLE without DISTSTYLE, DISTKEY or SORTKEY ([lint] require_dist_sort)',
    source: `${DG}r_CREATE_TABLE_NEW.html`,
    tests: false,
  },
  {
    id: 'RS204',
    severity: 'warning',
    title: 'view over a table another migration drops or recreates should be late-binding (WITH NO SCHEMA BINDING)',
    source: `${DG}r_CREATE_VIEW.html`,
    tests: false,
  },
  {
    id: 'RS205',
    severity: 'error',
    title: 'a late-binding view (WITH NO SCHEMA BINDING) must schema-qualify every table it reads',
    source: `${DG}r_CREATE_VIEW.html`,
    tests: false,
  },
  { id: 'RS900', severity: 'warning', title: 'lint directive names an unknown rule', source: 'docs/redshift-rules.md', tests: true },
];

export const RULE_BY_ID: ReadonlyMap<string, RuleInfo> = new Map(RULES.map((r) => [r.id, r]));
