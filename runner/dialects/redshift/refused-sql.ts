/**
 * RS001–RS027: PostgreSQL features Redshift rejects (RS027, client commands: refused-client-commands.ts), one rule set for the lint and the emulation.
 * Sources, quoted:
 * - c_unsupported-postgresql-datatypes: "These PostgreSQL data types are not supported in Amazon
 *   Redshift: Arrays; BIT, BIT VARYING; BYTEA; Composite Types; Enumerated Types; Geometric Types
 *   ...; HSTORE; JSON; Network Address Types; Numeric Types: SERIAL, BIGSERIAL, SMALLSERIAL, MONEY;
 *   Object Identifier Types; Pseudo-Types; Range Types; Special Character Types ("char", name);
 *   Text Search Types; TXID_SNAPSHOT; UUID; XML".
 * - c_unsupported-postgresql-features: "Table partitioning (range and list partitioning);
 *   Tablespaces; Constraints ... Check constraints, Exclusion constraints; Inheritance; PostgreSQL
 *   system columns ... oid, tableoid, xmin, cmin, xmax, cmax, and ctid [cannot be used as names of
 *   user-defined columns]; Indexes; Collations: Amazon Redshift doesn't support locale-specific or
 *   user-defined collation sequences; Value expressions: Subscripted expressions, Array
 *   constructors, Row constructors; Triggers; Table functions; VALUES list used as constant
 *   tables; Sequences".
 * Subscripts are not flagged: Redshift's SUPER navigation uses them (`c.orders[0]`), and the lint
 * cannot tell a SUPER column from an array without the catalog.
 */
import { isSymbol, isWord, matchWords, type SqlToken } from '../sql-tokens';
import { findClientCommands } from './refused-client-commands';
import { findPostgresOnly } from './refused-postgres-only';
import { parseCreateTable, readType, referencedRelations, type TypeRef } from '../sql-shape';
/** Receives each finding: rule id (docs/redshift-rules.md), the token it is at, the message. */
export type RefusalReport = (rule: string, at: SqlToken | undefined, message: string) => void;

const SERIAL = new Set(['SERIAL', 'BIGSERIAL', 'SMALLSERIAL', 'SERIAL2', 'SERIAL4', 'SERIAL8']);

/** Types that hold data: flagged wherever a type is written (columns and casts). */
const UNSUPPORTED_DATA_TYPES = new Set([
  'BYTEA',
  'JSON',
  'JSONB',
  'UUID',
  'MONEY',
  'XML',
  'HSTORE',
  'TXID_SNAPSHOT',
  'BIT',
  'BIT VARYING',
  'VARBIT',
  'INET',
  'CIDR',
  'MACADDR',
  'MACADDR8',
  'POINT',
  'LINE',
  'LSEG',
  'BOX',
  'PATH',
  'POLYGON',
  'CIRCLE',
  'TSVECTOR',
  'TSQUERY',
  'INT4RANGE',
  'INT8RANGE',
  'NUMRANGE',
  'TSRANGE',
  'TSTZRANGE',
  'DATERANGE',
  'INT4MULTIRANGE',
  'INT8MULTIRANGE',
  'NUMMULTIRANGE',
  'TSMULTIRANGE',
  'TSTZMULTIRANGE',
  'DATEMULTIRANGE',
]);
/**
 * Catalog types: unsupported as column types, but casts such as `'t'::regclass` run on the leader
 * node in catalog queries (c_sql-functions-leader-node), so only column definitions are flagged.
 */
const UNSUPPORTED_COLUMN_ONLY = new Set([
  'OID',
  'REGCLASS',
  'REGPROC',
  'REGPROCEDURE',
  'REGOPER',
  'REGOPERATOR',
  'REGTYPE',
  'REGCONFIG',
  'REGDICTIONARY',
  'XID',
  'CID',
  'TID',
  'NAME',
  '"char"',
  'RECORD',
  'VOID',
  'ANYELEMENT',
  'ANYARRAY',
  'ACLITEM',
]);
const SYSTEM_COLUMNS = new Set(['oid', 'tableoid', 'xmin', 'cmin', 'xmax', 'cmax', 'ctid']);
const CATALOG = /^(pg_|stv_|stl_|svv_|svl_|sys_|information_schema$)/;

/**
 * Reports what Redshift refuses in one statement (its code tokens). The lint reports the findings
 * (runner/lint/checks/unsupported.ts); the emulation stops the statement on the first one that is
 * an error (rewrite-statement.ts), so a local run refuses what the cluster refuses.
 */
export function findRefusedSql(ts: readonly SqlToken[], report: RefusalReport): void {
  const head = ts[0];
  const first = head?.upper ?? '';

  // Statement-level commands.
  const createKind = createObjectKind(ts);
  if (createKind === 'SEQUENCE' || matchWords(ts, 0, 'ALTER', 'SEQUENCE') || matchWords(ts, 0, 'DROP', 'SEQUENCE'))
    report('RS002', head, 'sequences do not exist on Redshift: use an IDENTITY(seed, step) column');
  if (createKind === 'INDEX') report('RS004', head, 'Redshift has no indexes: choose a SORTKEY (and DISTKEY) instead');
  if (createKind === 'TRIGGER') report('RS005', head, 'Redshift has no triggers: do the work in the load or a stored procedure');
  if (createKind === 'EXTENSION') report('RS008', head, 'CREATE EXTENSION is not supported on Redshift');
  if (createKind === 'TYPE' || createKind === 'DOMAIN')
    report(
      'RS010',
      head,
      `CREATE ${createKind} is not supported on Redshift (no enums, composite types or domains): use VARCHAR with informational checks in tests`,
    );
  if (createKind === 'TABLESPACE' || matchWords(ts, 0, 'DROP', 'TABLESPACE'))
    report('RS014', head, 'tablespaces are not supported on Redshift');
  if (createKind === 'COLLATION') report('RS015', head, 'user-defined collations are not supported on Redshift');
  if (first === 'DO')
    report(
      'RS011',
      head,
      'DO blocks are not supported on Redshift: create a procedure (CREATE PROCEDURE ... LANGUAGE plpgsql) and CALL it',
    );

  const table = parseCreateTable(ts);
  if (table) checkCreateTable(ts, table, report);
  if (matchWords(ts, 0, 'ALTER', 'TABLE')) checkAlterTable(ts, report);

  const dml = first === 'INSERT' || first === 'UPDATE' || first === 'DELETE' || first === 'WITH';
  let generateSeries: SqlToken | undefined;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i] as SqlToken;
    if (t.kind === 'word') {
      if ((t.upper === 'NEXTVAL' || t.upper === 'CURRVAL' || t.upper === 'SETVAL' || t.upper === 'LASTVAL') && isSymbol(ts[i + 1], '(')) {
        report('RS002', t, `${t.text}() needs a sequence, which Redshift does not have: use an IDENTITY column`);
      } else if (t.upper === 'ARRAY' && isSymbol(ts[i + 1], '[')) {
        report('RS003', t, 'ARRAY[...] constructors are not supported on Redshift (ARRAY(...) builds a SUPER value)');
      } else if (dml && t.upper === 'ON' && isWord(ts[i + 1], 'CONFLICT')) {
        report('RS006', t, 'INSERT ... ON CONFLICT is not supported on Redshift: use MERGE, or DELETE then INSERT in one transaction');
      } else if (dml && t.upper === 'RETURNING') {
        report('RS007', t, 'RETURNING is not supported on Redshift: select the rows in a separate statement');
      } else if (t.upper === 'CAST' && isSymbol(ts[i + 1], '(')) {
        const as = findCastAs(ts, i + 1);
        if (as !== undefined) checkType(readType(ts, as + 1), report, 'cast');
      } else if (
        t.upper === 'COLLATE' &&
        !isSymbol(ts[i + 1], '(') &&
        !isWord(ts[i + 1], 'CASE_SENSITIVE', 'CASE_INSENSITIVE', 'CS', 'CI')
      ) {
        report('RS015', t, 'only COLLATE CASE_SENSITIVE / CASE_INSENSITIVE exist on Redshift');
      } else if (t.upper === 'GENERATE_SERIES' && isSymbol(ts[i + 1], '(')) {
        generateSeries ??= t;
      } else if (t.upper === 'VALUES' && isSymbol(ts[i - 1], '(') && !isWord(ts[i - 2], 'INSERT')) {
        report('RS017', t, 'a VALUES list used as a table is not supported on Redshift: use SELECT ... UNION ALL SELECT ...');
      }
    } else if (isSymbol(t, '::')) {
      checkType(readType(ts, i + 1), report, 'cast');
    }
  }
  findPostgresOnly(ts, report);
  findClientCommands(ts, report);
  if (generateSeries) {
    const userTables = referencedRelations(ts).filter((n) => !n.parts.some((p) => CATALOG.test(p)));
    const writes =
      first === 'INSERT' || (table !== undefined && table.asSelect) || (matchWords(ts, 0, 'SELECT') && ts.some((x) => isWord(x, 'INTO')));
    if (userTables.length > 0 || writes) {
      report(
        'RS016',
        generateSeries,
        'generate_series runs only on the leader node: combined with a user table it fails on Redshift; use a numbers table',
      );
    }
  }
}

function checkCreateTable(ts: readonly SqlToken[], table: ReturnType<typeof parseCreateTable> & object, report: RefusalReport): void {
  for (const col of table.columns) {
    if (SYSTEM_COLUMNS.has(col.name.kind === 'quoted-ident' ? col.name.value : col.name.text.toLowerCase())) {
      report('RS018', col.name, `"${col.name.text}" is a PostgreSQL system column name and cannot name a column on Redshift`);
    }
    checkType(col.type, report, 'column');
    checkColumnAttrs(col.attrs, report);
  }
  for (const element of table.elements) checkConstraint(element, report);
  const opts = table.options;
  const partitionOf = ts.findIndex((t, i) => isWord(t, 'PARTITION') && isWord(ts[i + 1], 'OF'));
  if (partitionOf >= 0) report('RS013', ts[partitionOf], 'table partitions are not supported on Redshift');
  for (let i = 0; i < opts.length; i++) {
    const t = opts[i] as SqlToken;
    if (isWord(t, 'INHERITS')) report('RS013', t, 'table inheritance is not supported on Redshift');
    else if (isWord(t, 'PARTITION') && isWord(opts[i + 1], 'BY'))
      report('RS013', t, 'table partitioning is not supported on Redshift: choose DISTKEY and SORTKEY instead');
    else if (isWord(t, 'TABLESPACE')) report('RS014', t, 'tablespaces are not supported on Redshift');
    else if (isWord(t, 'AS')) break;
  }
}

function checkAlterTable(ts: readonly SqlToken[], report: RefusalReport): void {
  for (let i = 3; i < ts.length; i++) {
    const t = ts[i] as SqlToken;
    if (isWord(t, 'ADD')) {
      let k = i + 1;
      if (isWord(ts[k], 'CONSTRAINT', 'CHECK', 'EXCLUDE', 'PRIMARY', 'UNIQUE', 'FOREIGN')) {
        checkConstraint(ts.slice(k), report);
        continue;
      }
      if (isWord(ts[k], 'COLUMN')) k++;
      if (isWord(ts[k], 'IF') && isWord(ts[k + 2], 'EXISTS')) k += 3;
      const name = ts[k];
      if (!name) continue;
      if (SYSTEM_COLUMNS.has(name.kind === 'quoted-ident' ? name.value : name.text.toLowerCase())) {
        report('RS018', name, `"${name.text}" is a PostgreSQL system column name and cannot name a column on Redshift`);
      }
      const type = readType(ts, k + 1);
      checkType(type, report, 'column');
      if (type) checkColumnAttrs(ts.slice(type.end), report);
    } else if (isWord(t, 'TYPE') && ts.slice(0, i).some((x) => isWord(x, 'ALTER')) && i > 3) {
      checkType(readType(ts, i + 1), report, 'column');
    } else if (isWord(t, 'TABLESPACE')) {
      report('RS014', t, 'tablespaces are not supported on Redshift');
    } else if (isWord(t, 'INHERIT')) {
      report('RS013', t, 'table inheritance is not supported on Redshift');
    }
  }
}

function checkColumnAttrs(attrs: readonly SqlToken[], report: RefusalReport): void {
  for (const a of attrs) {
    if (isWord(a, 'CHECK')) report('RS012', a, 'CHECK constraints are not supported on Redshift: assert the rule in a SQL test');
  }
}

function checkConstraint(element: readonly SqlToken[], report: RefusalReport): void {
  const k = isWord(element[0], 'CONSTRAINT') ? 2 : 0;
  const kind = element[k];
  if (isWord(kind, 'CHECK')) report('RS012', kind, 'CHECK constraints are not supported on Redshift: assert the rule in a SQL test');
  if (isWord(kind, 'EXCLUDE')) report('RS012', kind, 'EXCLUDE constraints are not supported on Redshift');
}

function checkType(type: TypeRef | undefined, report: RefusalReport, where: 'column' | 'cast'): void {
  if (!type) return;
  if (SERIAL.has(type.name)) {
    report('RS001', type.at, `${type.at.text} does not exist on Redshift: use BIGINT IDENTITY(1, 1) (or GENERATED BY DEFAULT AS IDENTITY)`);
    return;
  }
  // '{}'::aclitem[] compares catalog ACLs on the leader node (AdminScripts user_to_be_dropped_privs): catalog types may be arrays there.
  const catalogCast = where === 'cast' && UNSUPPORTED_COLUMN_ONLY.has(type.name);
  if (type.array && !catalogCast)
    report('RS003', type.at, `array types (${type.at.text}[]) do not exist on Redshift: use SUPER or a child table`);
  if (UNSUPPORTED_DATA_TYPES.has(type.name) || (where === 'column' && UNSUPPORTED_COLUMN_ONLY.has(type.name))) {
    report(
      'RS009',
      type.at,
      `data type ${type.name.toLowerCase()} is not supported on Redshift${SUGGEST[type.name] ? `: ${SUGGEST[type.name]}` : ''}`,
    );
  }
}

const SUGGEST: Record<string, string> = {
  JSON: 'use SUPER (or VARCHAR with JSON functions)',
  JSONB: 'use SUPER',
  BYTEA: 'use VARBYTE',
  UUID: 'use CHAR(36)',
  MONEY: 'use DECIMAL(19, 4)',
  XML: 'use VARCHAR',
  INET: 'use VARCHAR(43)',
  CIDR: 'use VARCHAR(43)',
  BIT: 'use BOOLEAN or SMALLINT',
  HSTORE: 'use SUPER',
};

/** `CREATE [OR REPLACE] [UNIQUE] [TEMP] [CONSTRAINT] [EVENT] <KIND>`: the object kind word. */
function createObjectKind(ts: readonly SqlToken[]): string | undefined {
  if (!isWord(ts[0], 'CREATE')) return undefined;
  let k = 1;
  if (isWord(ts[k], 'OR') && isWord(ts[k + 1], 'REPLACE')) k += 2;
  while (isWord(ts[k], 'UNIQUE', 'TEMP', 'TEMPORARY', 'UNLOGGED', 'CONSTRAINT', 'EVENT', 'TRUSTED', 'PROCEDURAL', 'LOCAL', 'GLOBAL')) k++;
  return ts[k]?.kind === 'word' ? ts[k]?.upper : undefined;
}

/** Index of the `AS` of `CAST(expr AS type)` whose `(` is at `open`. */
function findCastAs(ts: readonly SqlToken[], open: number): number | undefined {
  let depth = 0;
  for (let i = open; i < ts.length; i++) {
    const t = ts[i] as SqlToken;
    if (isSymbol(t, '(')) depth++;
    else if (isSymbol(t, ')') && --depth === 0) return undefined;
    else if (depth === 1 && isWord(t, 'AS')) return i;
  }
  return undefined;
}
