/**
 * The physical design Redshift DDL declares (DISTSTYLE, DISTKEY, SORTKEY, ENCODE), kept as metadata
 * when the emulation removes it from the statement (table-ddl.ts), so SVV_TABLE_INFO and
 * PG_TABLE_DEF show what a cluster would (system-views.ts). Read from the statement's tokens before
 * the rewrite; recorded by a statement that runs right after the DDL, in the same transaction, so a
 * rolled-back CREATE TABLE leaves no metadata. Grammar: r_CREATE_TABLE_NEW, r_CREATE_TABLE_AS,
 * r_ALTER_TABLE (docs.aws.amazon.com/redshift/latest/dg/<page>.html).
 *
 * `tableDesignStep(ctx)` is the one entry point (emulation/index.ts): a CREATE TABLE or ALTER TABLE
 * that changes the design gives the SQL to record it.
 */
import { identName } from '../../sql-tokens';
import { COMPAT_SCHEMA } from './compat-schema-name';
import type { RewriteContext } from './rewrite-context';
import { sqlString } from './sql-literals';

export interface TableDesign {
  /** The table's name as written (schema-qualified or not, quotes kept): resolved when recorded. */
  table: string;
  diststyle: 'AUTO' | 'EVEN' | 'KEY' | 'ALL' | undefined;
  distkey: string | undefined;
  sortStyle: 'COMPOUND' | 'INTERLEAVED' | 'AUTO' | undefined;
  sortkeys: string[];
  /** Column → codec as written (lower-case), for columns with ENCODE. */
  encodings: Record<string, string>;
  /** `CREATE TABLE t (LIKE parent)`: "Distribution style, sort keys ... are inherited" (r_CREATE_TABLE_NEW). */
  likeParent: string | undefined;
}

/** SQL recording the design of the table a CREATE/ALTER TABLE statement defines, if it is one. */
export function tableDesignStep(ctx: RewriteContext): string | undefined {
  const design = readCreateTable(ctx);
  if (design) return recordSql(design);
  const change = readAlterTable(ctx);
  return change ? alterSql(change) : undefined;
}

function readCreateTable(ctx: RewriteContext): TableDesign | undefined {
  if (!ctx.isWord(0, 'CREATE')) return undefined;
  let i = 1;
  if (ctx.isWord(i, 'OR') && ctx.isWord(i + 1, 'REPLACE')) i += 2;
  if (ctx.isWord(i, 'LOCAL')) i++;
  if (ctx.isWord(i, 'TEMPORARY', 'TEMP')) i++;
  if (!ctx.isWord(i, 'TABLE')) return undefined;
  i++;
  if (ctx.isWord(i, 'IF') && ctx.isWord(i + 1, 'NOT') && ctx.isWord(i + 2, 'EXISTS')) i += 3;
  const nameEnd = ctx.skipName(i);
  if (nameEnd === i) return undefined;
  const design: TableDesign = {
    table: ctx.text(i, nameEnd - 1),
    diststyle: undefined,
    distkey: undefined,
    sortStyle: undefined,
    sortkeys: [],
    encodings: {},
    likeParent: undefined,
  };
  i = nameEnd;
  if (ctx.isSymbol(i, '(')) {
    for (const [from, to] of ctx.args(i)) readElement(ctx, from, to, design);
    i = ctx.close(i) + 1;
  }
  // Column-level SORTKEY columns make a compound sort key (r_CREATE_TABLE_NEW).
  if (design.sortkeys.length > 0) design.sortStyle = 'COMPOUND';
  readTableAttributes(ctx, i, design);
  return design;
}

/** A column definition (`name type ... ENCODE x DISTKEY SORTKEY`) or `LIKE parent`. */
function readElement(ctx: RewriteContext, from: number, to: number, design: TableDesign): void {
  const first = ctx.tok(from);
  if (!first || ctx.isWord(from, 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK')) return;
  if (ctx.isWord(from, 'LIKE')) {
    design.likeParent = ctx.text(from + 1, ctx.skipName(from + 1) - 1);
    return;
  }
  if (first.kind !== 'word' && first.kind !== 'quoted-ident') return;
  const column = identName(first);
  for (let k = from + 1; k <= to; k++) {
    if (ctx.isSymbol(k, '(')) k = ctx.close(k);
    else if (ctx.isWord(k, 'ENCODE') && ctx.tok(k + 1)) design.encodings[column] = (ctx.tok(k + 1)?.text ?? '').toLowerCase();
    else if (ctx.isWord(k, 'DISTKEY')) design.distkey = column;
    else if (ctx.isWord(k, 'SORTKEY')) design.sortkeys.push(column);
  }
}

/** DISTSTYLE, DISTKEY (col), [COMPOUND | INTERLEAVED] SORTKEY (cols) | SORTKEY AUTO after the column list. */
function readTableAttributes(ctx: RewriteContext, at: number, design: TableDesign): void {
  for (let i = at; i < ctx.tokens.length && !ctx.isWord(i, 'AS'); i++) {
    if (ctx.isWord(i, 'DISTSTYLE') && ctx.isWord(i + 1, 'AUTO', 'EVEN', 'KEY', 'ALL')) {
      design.diststyle = ctx.tok(i + 1)?.upper as TableDesign['diststyle'];
    } else if (ctx.isWord(i, 'DISTKEY') && ctx.isSymbol(i + 1, '(')) {
      design.distkey = names(ctx, i + 1)[0];
    } else if (ctx.isWord(i, 'SORTKEY')) {
      const style = ctx.isWord(i - 1, 'INTERLEAVED') ? 'INTERLEAVED' : 'COMPOUND';
      if (ctx.isWord(i + 1, 'AUTO')) design.sortStyle = 'AUTO';
      else if (ctx.isSymbol(i + 1, '(')) {
        design.sortStyle = style;
        design.sortkeys = names(ctx, i + 1);
      }
    }
  }
}

function names(ctx: RewriteContext, open: number): string[] {
  return ctx.args(open).flatMap(([a]) => {
    const t = ctx.tok(a);
    return t ? [identName(t)] : [];
  });
}

interface DesignChange {
  table: string;
  diststyle?: TableDesign['diststyle'];
  distkey?: string | null;
  sortStyle?: TableDesign['sortStyle'] | 'NONE';
  sortkeys?: string[];
  encoding?: { column: string; codec: string };
}

/** ALTER DISTSTYLE / DISTKEY / [COMPOUND|INTERLEAVED] SORTKEY / ALTER COLUMN c ENCODE x (r_ALTER_TABLE). */
function readAlterTable(ctx: RewriteContext): DesignChange | undefined {
  if (!ctx.isWord(0, 'ALTER') || !ctx.isWord(1, 'TABLE')) return undefined;
  let i = 2;
  if (ctx.isWord(i, 'IF') && ctx.isWord(i + 1, 'EXISTS')) i += 2;
  const nameEnd = ctx.skipName(i);
  const table = ctx.text(i, nameEnd - 1);
  i = nameEnd;
  if (!ctx.isWord(i, 'ALTER')) return undefined;
  i++;
  if (ctx.isWord(i, 'DISTSTYLE') && ctx.isWord(i + 1, 'AUTO', 'EVEN', 'ALL')) {
    return { table, diststyle: ctx.tok(i + 1)?.upper as TableDesign['diststyle'], distkey: null };
  }
  const keyColumn = ctx.isWord(i, 'DISTSTYLE') && ctx.isWord(i + 1, 'KEY') && ctx.isWord(i + 2, 'DISTKEY') ? ctx.tok(i + 3) : undefined;
  const distkey = keyColumn ?? (ctx.isWord(i, 'DISTKEY') ? ctx.tok(i + 1) : undefined);
  if (distkey) return { table, diststyle: 'KEY', distkey: identName(distkey) };
  const kw = ctx.isWord(i, 'COMPOUND', 'INTERLEAVED') ? i + 1 : i;
  if (ctx.isWord(kw, 'SORTKEY')) {
    if (ctx.isWord(kw + 1, 'AUTO')) return { table, sortStyle: 'AUTO', sortkeys: [] };
    if (ctx.isWord(kw + 1, 'NONE')) return { table, sortStyle: 'NONE', sortkeys: [] };
    if (ctx.isSymbol(kw + 1, '(')) {
      return { table, sortStyle: ctx.isWord(i, 'INTERLEAVED') ? 'INTERLEAVED' : 'COMPOUND', sortkeys: names(ctx, kw + 1) };
    }
  }
  if (ctx.isWord(i, 'COLUMN')) {
    const column = ctx.tok(i + 1);
    if (column && ctx.isWord(i + 2, 'ENCODE') && ctx.tok(i + 3)) {
      return { table, encoding: { column: identName(column), codec: (ctx.tok(i + 3)?.text ?? '').toLowerCase() } };
    }
  }
  return undefined;
}

const text = (v: string | undefined | null) => (v === undefined || v === null ? 'NULL' : sqlString(v));
const textArray = (vs: string[]) => `ARRAY[${vs.map(sqlString).join(', ')}]::text[]`;

function recordSql(d: TableDesign): string {
  return `SELECT ${COMPAT_SCHEMA}.record_table_design(${text(d.table)}, ${text(d.diststyle)}, ${text(d.distkey)}, ${text(
    d.sortStyle,
  )}, ${textArray(d.sortkeys)}, ${sqlString(JSON.stringify(d.encodings))}::jsonb, ${text(d.likeParent)})`;
}

function alterSql(c: DesignChange): string {
  const args = [
    text(c.table),
    c.diststyle === undefined ? 'NULL' : text(c.diststyle),
    c.distkey === undefined ? 'NULL' : text(c.distkey ?? ''),
    c.sortStyle === undefined ? 'NULL' : text(c.sortStyle),
    c.sortkeys === undefined ? 'NULL' : textArray(c.sortkeys),
    c.encoding ? text(c.encoding.column) : 'NULL',
    c.encoding ? text(c.encoding.codec) : 'NULL',
  ];
  return `SELECT ${COMPAT_SCHEMA}.alter_table_design(${args.join(', ')})`;
}
