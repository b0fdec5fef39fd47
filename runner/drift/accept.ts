/**
 * `rsrun drift --accept`: a migration that makes what the migrations build equal to what the
 * environment holds, for the drifted objects only. It is applied to every environment, the drifted
 * one included, so each statement leaves an object that already has its actual state as it is:
 * CREATE ... IF NOT EXISTS, CREATE OR REPLACE, DROP ... IF EXISTS, GRANT/REVOKE, ALTER of the
 * distribution, sort key and encoding (r_ALTER_TABLE), and, for a change Redshift cannot ALTER
 * (a column added, dropped or made NOT NULL, a default, an identity, a type other than a longer
 * VARCHAR), a rebuild: the table as it is now, filled from the old one, renamed into place.
 * The warehouse itself is never touched: the file is written, and deployed like any other.
 */
import { quoteIdent } from '../dialects/dialect';
import { sortKeyText, type DriftItem } from './compare';
import type { ColumnSnapshot, RoutineSnapshot, Snapshot, TableSnapshot } from './snapshot';

const q = (qualified: string): string => {
  const dot = qualified.indexOf('.');
  return dot < 0 ? quoteIdent(qualified) : `${quoteIdent(qualified.slice(0, dot))}.${quoteIdent(qualified.slice(dot + 1))}`;
};

/** The statements of the accept migration, in an order that works: schemas, tables, views, routines, grants. */
export function acceptStatements(items: readonly DriftItem[], actual: Snapshot, expected: Snapshot): string[] {
  const out: string[] = [];
  const objects = (type: DriftItem['objectType'][]) => [...new Set(items.filter((i) => type.includes(i.objectType)).map((i) => i.object))];
  for (const s of objects(['schema'])) {
    out.push(actual.schemas.includes(s) ? `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(s)}` : `DROP SCHEMA IF EXISTS ${quoteIdent(s)}`);
  }
  for (const t of objects(['table'])) out.push(...tableStatements(t, items, actual.tables.get(t), expected.tables.get(t)));
  for (const v of objects(['view', 'materialized view'])) {
    const view = actual.views.get(v);
    const kind = (view ?? expected.views.get(v))?.kind === 'materialized view' ? 'MATERIALIZED VIEW' : 'VIEW';
    if (!view) out.push(`DROP ${kind} IF EXISTS ${q(v)}`);
    else if (kind === 'VIEW') out.push(`CREATE OR REPLACE VIEW ${q(v)} AS ${view.definition}`);
    else out.push(`DROP MATERIALIZED VIEW IF EXISTS ${q(v)}`, `CREATE MATERIALIZED VIEW ${q(v)} AS ${view.definition}`);
  }
  for (const r of objects(['function', 'procedure'])) out.push(routineStatement(r, actual.routines.get(r), expected.routines.get(r)));
  for (const g of items.filter((i) => i.objectType === 'grant')) out.push(grantStatement(g, actual));
  return out;
}

function tableStatements(
  name: string,
  items: readonly DriftItem[],
  actual: TableSnapshot | undefined,
  expected: TableSnapshot | undefined,
): string[] {
  if (!actual) return [`DROP TABLE IF EXISTS ${q(name)}`];
  if (!expected) return [createTable(q(name), actual, true)];
  const changes = items.filter((i) => i.objectType === 'table' && i.object === name);
  if (!changes.every((c) => alterable(c, actual, expected))) return rebuild(name, actual, expected);
  const out: string[] = [];
  for (const c of changes) {
    const column = /^column (.+): (type|encoding)$/.exec(c.attribute);
    const col = column?.[1] === undefined ? undefined : actual.columns.find((x) => x.name === column[1]);
    if (col && column?.[2] === 'type') out.push(`ALTER TABLE ${q(name)} ALTER COLUMN ${quoteIdent(col.name)} TYPE ${col.type}`);
    if (col && column?.[2] === 'encoding') out.push(`ALTER TABLE ${q(name)} ALTER COLUMN ${quoteIdent(col.name)} ENCODE ${col.encoding}`);
  }
  if (changes.some((c) => c.attribute === 'diststyle' || c.attribute === 'distkey')) {
    out.push(
      actual.diststyle === 'KEY' && actual.distkey !== undefined
        ? `ALTER TABLE ${q(name)} ALTER DISTKEY ${quoteIdent(actual.distkey)}`
        : `ALTER TABLE ${q(name)} ALTER DISTSTYLE ${actual.diststyle}`,
    );
  }
  if (changes.some((c) => c.attribute === 'sort key')) {
    const keys = actual.sortkeys.map(quoteIdent).join(', ');
    out.push(`ALTER TABLE ${q(name)} ALTER ${keys === '' ? 'SORTKEY NONE' : `COMPOUND SORTKEY (${keys})`}`);
  }
  return out;
}

/** What ALTER TABLE can change in place (r_ALTER_TABLE); anything else rebuilds the table. */
function alterable(c: DriftItem, actual: TableSnapshot, expected: TableSnapshot): boolean {
  if (c.attribute === 'diststyle' || c.attribute === 'distkey') return actual.diststyle !== 'AUTO' || actual.distkey === undefined;
  if (c.attribute === 'sort key') return actual.sortStyle !== 'INTERLEAVED' && expected.sortStyle !== 'INTERLEAVED';
  if (/^column .+: encoding$/.test(c.attribute)) return true;
  return /^column .+: type$/.test(c.attribute) && /^character varying/.test(c.expected ?? '') && /^character varying/.test(c.actual ?? '');
}

function columnSql(c: ColumnSnapshot): string {
  const parts = [quoteIdent(c.name), c.type];
  if (c.identity !== undefined) parts.push(c.identity.toUpperCase());
  if (c.default !== undefined) parts.push(`DEFAULT ${c.default}`);
  if (!c.nullable) parts.push('NOT NULL');
  if (c.encoding !== 'none') parts.push(`ENCODE ${c.encoding}`);
  return parts.join(' ');
}

function createTable(target: string, t: TableSnapshot, ifNotExists: boolean): string {
  const attrs: string[] = [];
  if (t.diststyle === 'KEY' && t.distkey !== undefined) attrs.push(`DISTKEY (${quoteIdent(t.distkey)})`);
  else attrs.push(`DISTSTYLE ${t.diststyle}`);
  if (t.sortkeys.length > 0) attrs.push(`${t.sortStyle} SORTKEY (${t.sortkeys.map(quoteIdent).join(', ')})`);
  const columns = t.columns.map((c) => `  ${columnSql(c)}`).join(',\n');
  return `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${target} (\n${columns}\n) ${attrs.join(' ')}`;
}

/** The table as it is now, filled with the columns both shapes have (identity columns regenerate). */
function rebuild(name: string, actual: TableSnapshot, expected: TableSnapshot): string[] {
  const dot = name.indexOf('.');
  const bare = name.slice(dot + 1);
  const scratch = `${quoteIdent(name.slice(0, dot))}.${quoteIdent(`${bare}__rsrun_accept`)}`;
  const common = actual.columns
    .filter((c) => c.identity === undefined && expected.columns.some((e) => e.name === c.name))
    .map((c) => quoteIdent(c.name))
    .join(', ');
  const lost = actual.columns.filter((c) => !expected.columns.some((e) => e.name === c.name)).map((c) => c.name);
  return [
    `-- ${name} (sort key ${sortKeyText(actual)}) is rebuilt: ALTER TABLE cannot make this change (r_ALTER_TABLE).`,
    ...(lost.length === 0
      ? []
      : [
          `-- WARNING: rows keep the columns the migrations knew; the values of ${lost.join(', ')} are not carried over: copy them first if they matter.`,
        ]),
    `DROP TABLE IF EXISTS ${scratch}`,
    createTable(scratch, actual, false),
    ...(common === '' ? [] : [`INSERT INTO ${scratch} (${common}) SELECT ${common} FROM ${q(name)}`]),
    `DROP TABLE ${q(name)}`,
    `ALTER TABLE ${scratch} RENAME TO ${quoteIdent(bare)}`,
  ];
}

function routineStatement(key: string, actual: RoutineSnapshot | undefined, expected: RoutineSnapshot | undefined): string {
  const paren = key.indexOf('(');
  const name = q(key.slice(0, paren));
  const kind = (actual ?? expected)?.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION';
  if (!actual) return `DROP ${kind} IF EXISTS ${name}${key.slice(paren)}`;
  const body = dollarQuote(actual.body);
  if (actual.kind === 'procedure') return `CREATE OR REPLACE PROCEDURE ${name}(${actual.signature}) AS ${body} LANGUAGE ${actual.language}`;
  return `CREATE OR REPLACE FUNCTION ${name}(${actual.signature}) RETURNS ${actual.returns} ${actual.volatility} AS ${body} LANGUAGE ${actual.language}`;
}

/** `$$body$$`, or `$rsrun$...$rsrun$` (with more of a tag as needed) when the body holds `$$`. */
function dollarQuote(body: string): string {
  let tag = '$$';
  for (let n = 0; body.includes(tag); n++) tag = `$rsrun${n === 0 ? '' : String(n)}$`;
  return `${tag}${body}${tag}`;
}

function grantStatement(g: DriftItem, actual: Snapshot): string {
  const [privilege = '', grantee = ''] = g.attribute.split(' to ');
  const paren = g.object.indexOf('(');
  const routine = paren > 0 ? actual.routines.get(g.object) : undefined;
  const on =
    paren > 0
      ? `${routine?.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${q(g.object.slice(0, paren))}${g.object.slice(paren)}`
      : q(g.object);
  const who =
    grantee === 'PUBLIC' ? 'PUBLIC' : grantee.replace(/^(GROUP|ROLE) (.+)$/, (_m, k: string, n: string) => `${k} ${quoteIdent(n)}`);
  const target = /^(GROUP|ROLE) /.test(who) || who === 'PUBLIC' ? who : quoteIdent(who);
  return g.actual !== undefined ? `GRANT ${privilege} ON ${on} TO ${target}` : `REVOKE ${privilege} ON ${on} FROM ${target}`;
}

/** The file: a header saying what it is, then the statements, one per paragraph. */
export function acceptMigrationText(environment: string, statements: readonly string[], when: Date): string {
  const head = [
    `-- Accepted drift of environment ${environment}, read ${when.toISOString()} by rsrun drift --accept.`,
    '-- Captures the state the environment has now; on that environment every statement leaves it as it is.',
  ];
  return `${[...head, '', ...statements.map((s) => (s.startsWith('--') ? s : `${s};\n`))].join('\n')}\n`;
}
