/**
 * CREATE TABLE / CREATE TABLE AS / ALTER TABLE / CREATE [MATERIALIZED] VIEW: Redshift's physical
 * design attributes are removed (they change storage, never results), identity columns become
 * PostgreSQL identities, and anything that would change results locally is an error.
 *
 * Grammar followed: r_CREATE_TABLE_NEW, r_CREATE_TABLE_AS, r_ALTER_TABLE, r_CREATE_VIEW,
 * materialized-view-create-sql-command (docs.aws.amazon.com/redshift/latest/dg/<page>.html).
 */
import { lengthInBytes, rewriteType } from './data-types';
import type { RewriteContext } from './rewrite-context';

// Compression encodings Redshift accepts (c_Compression_encodings); an unknown one is an error
// on Redshift, so it is one here too.
const ENCODINGS = new Set([
  'RAW',
  'AZ64',
  'BYTEDICT',
  'DELTA',
  'DELTA32K',
  'LZO',
  'MOSTLY8',
  'MOSTLY16',
  'MOSTLY32',
  'RUNLENGTH',
  'TEXT255',
  'TEXT32K',
  'ZSTD',
  'AUTO',
]);

/**
 * Column-level words that begin a new attribute. Used to find where a DEFAULT expression ends.
 */
const COLUMN_ATTRIBUTE_STARTS = new Set([
  'ENCODE',
  'DISTKEY',
  'SORTKEY',
  'IDENTITY',
  'GENERATED',
  'DEFAULT',
  'COLLATE',
  'NOT',
  'NULL',
  'PRIMARY',
  'UNIQUE',
  'REFERENCES',
  'CONSTRAINT',
]);

/** Result of a statement-level rewrite that leaves nothing to run (e.g. ALTER DISTSTYLE). */
export const NOTHING_TO_RUN = Symbol('nothing to run');

/** Handles the statement if it is table/view DDL; returns NOTHING_TO_RUN for pure no-ops. */
export function rewriteTableDdl(ctx: RewriteContext): typeof NOTHING_TO_RUN | void {
  if (ctx.isWord(0, 'CREATE')) {
    let i = 1;
    if (ctx.isWord(i, 'OR') && ctx.isWord(i + 1, 'REPLACE')) i += 2;
    if (ctx.isWord(i, 'LOCAL')) i++;
    if (ctx.isWord(i, 'TEMPORARY', 'TEMP')) i++;
    if (ctx.isWord(i, 'TABLE')) createTable(ctx, i + 1);
    else if (ctx.isWord(i, 'VIEW')) createView(ctx);
    else if (ctx.isWord(i, 'MATERIALIZED') && ctx.isWord(i + 1, 'VIEW')) createMaterializedView(ctx, i + 2);
    else if (ctx.isWord(i, 'DATABASE')) databaseCollation(ctx);
    return;
  }
  if (ctx.isWord(0, 'ALTER') && ctx.isWord(1, 'TABLE')) return alterTable(ctx, 2);
}

/**
 * CREATE DATABASE ... COLLATE CASE_SENSITIVE | CASE_INSENSITIVE (r_CREATE_DATABASE; CS and CI are
 * their short forms, r_CREATE_TABLE_NEW): case-sensitive
 * is PostgreSQL's own behaviour and is dropped; case-insensitive cannot be emulated alike on both
 * local engines (the embedded engine's ICU has no collation strengths, and PostgreSQL's
 * nondeterministic collations refuse LIKE), so it is refused by name, as on columns.
 */
function databaseCollation(ctx: RewriteContext): void {
  ctx.tokens.forEach((_, i) => {
    if (!ctx.isWord(i, 'COLLATE')) return;
    if (ctx.isWord(i + 1, 'CASE_SENSITIVE', 'CS')) ctx.remove(i, i + 1);
    else if (ctx.isWord(i + 1, 'CASE_INSENSITIVE', 'CI'))
      throw ctx.unsupported(i, 'CREATE DATABASE ... COLLATE CASE_INSENSITIVE', CASE_INSENSITIVE_HINT);
  });
}

const CASE_INSENSITIVE_HINT = 'compare with LOWER()/ILIKE instead, or keep the data case-sensitive';

function createTable(ctx: RewriteContext, at: number): void {
  let i = at;
  if (ctx.isWord(i, 'IF') && ctx.isWord(i + 1, 'NOT') && ctx.isWord(i + 2, 'EXISTS')) i += 3;
  i = ctx.skipName(i);
  let columns: string[] | undefined;
  if (ctx.isSymbol(i, '(')) {
    const close = ctx.close(i);
    // CTAS may name its columns without types: `CREATE TABLE t (a, b) ... AS SELECT`.
    if (!isCtasColumnList(ctx, i)) columns = tableElements(ctx, i);
    i = close + 1;
  }
  i = tableAttributes(ctx, i, columns);
  if (i < ctx.tokens.length && !ctx.isWord(i, 'AS')) {
    throw ctx.invalid(
      i,
      `unexpected "${ctx.tok(i)?.text}" in CREATE TABLE`,
      'see r_CREATE_TABLE_NEW for the table attributes Redshift accepts',
    );
  }
}

function isCtasColumnList(ctx: RewriteContext, open: number): boolean {
  const elements = ctx.args(open);
  return elements.every(([a, b]) => a === b && ctx.tok(a)?.kind !== 'punct') && !elements.some(([a]) => ctx.isWord(a, 'LIKE'));
}

/** Rewrites the column and constraint list; returns the column names declared. */
function tableElements(ctx: RewriteContext, open: number): string[] {
  const elements = ctx.args(open);
  const columns: string[] = [];
  elements.forEach(([from, to], k) => {
    const first = ctx.tok(from);
    if (!first) return;
    if (ctx.isWord(from, 'LIKE')) {
      // `LIKE parent [INCLUDING | EXCLUDING DEFAULTS]` is PostgreSQL syntax as well. Redshift's copy
      // has the parent's column lengths in bytes: their CHECKs (columnDefinition) come along; the
      // parent has no other CHECK, since those are refused.
      ctx.insertAfter(to, ' INCLUDING CONSTRAINTS');
      return;
    }
    if (ctx.isWord(from, 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN')) {
      // Informational only on Redshift: "Uniqueness, primary key, and foreign key constraints are
      // informational only; they are not enforced" (t_Defining_constraints). Enforcing them
      // locally would reject loads Redshift accepts, so they are dropped along with their comma.
      const sep = k === 0 ? to + 1 : from - 1;
      if (k === 0) ctx.remove(from, Math.min(sep, ctx.tokens.length - 1));
      else ctx.remove(sep, to);
      return;
    }
    if (ctx.isWord(from, 'CHECK') || ctx.isWord(from, 'EXCLUDE')) {
      throw ctx.invalid(
        from,
        `${first.upper} constraints are not supported by Redshift`,
        'remove the constraint (c_unsupported-postgresql-features)',
      );
    }
    columns.push(first.kind === 'quoted-ident' ? first.value : first.text.toLowerCase());
    columnDefinition(ctx, from, to);
  });
  return columns;
}

/** `name type [attributes]` between tokens `from..to`. */
function columnDefinition(ctx: RewriteContext, from: number, to: number): void {
  let i = rewriteType(ctx, from + 1, 'column');
  const bytes = lengthInBytes(ctx, from + 1, from);
  if (bytes) ctx.insertAfter(i - 1, ` CONSTRAINT ${bytes.name} CHECK (${bytes.check})`);
  while (i <= to) {
    const t = ctx.tok(i);
    if (!t) break;
    const w = t.kind === 'word' ? t.upper : '';
    if (w === 'ENCODE') {
      const codec = ctx.tok(i + 1);
      if (!codec || !ENCODINGS.has(codec.upper)) {
        throw ctx.invalid(
          i,
          `unknown compression encoding "${codec?.text ?? ''}"`,
          `use one of ${[...ENCODINGS].join(', ')} (c_Compression_encodings)`,
        );
      }
      ctx.remove(i, i + 1);
      i += 2;
    } else if (w === 'DISTKEY' || w === 'SORTKEY') {
      ctx.remove(i, i);
      i++;
    } else if (w === 'IDENTITY') {
      // IDENTITY(seed, step): values are generated and cannot be inserted explicitly (r_CREATE_TABLE_NEW),
      // which is PostgreSQL's GENERATED ALWAYS.
      i = identity(ctx, i, i + 1, 'ALWAYS');
    } else if (
      w === 'GENERATED' &&
      ctx.isWord(i + 1, 'BY') &&
      ctx.isWord(i + 2, 'DEFAULT') &&
      ctx.isWord(i + 3, 'AS') &&
      ctx.isWord(i + 4, 'IDENTITY')
    ) {
      i = identity(ctx, i, i + 5, 'BY DEFAULT');
    } else if (w === 'COLLATE') {
      if (ctx.isWord(i + 1, 'CASE_SENSITIVE', 'CS')) ctx.remove(i, i + 1);
      else if (ctx.isWord(i + 1, 'CASE_INSENSITIVE', 'CI')) {
        throw ctx.unsupported(i, 'COLLATE CASE_INSENSITIVE', CASE_INSENSITIVE_HINT);
      }
      i += 2;
    } else if (w === 'PRIMARY' && ctx.isWord(i + 1, 'KEY')) {
      ctx.remove(i, i + 1); // informational on Redshift (see tableElements)
      i += 2;
    } else if (w === 'UNIQUE') {
      ctx.remove(i, i);
      i++;
    } else if (w === 'REFERENCES') {
      let end = ctx.skipName(i + 1);
      if (ctx.isSymbol(end, '(')) end = ctx.close(end) + 1;
      ctx.remove(i, end - 1);
      i = end;
    } else if (w === 'DEFAULT') {
      // The expression runs until the next attribute keyword at this depth.
      i++;
      while (i <= to) {
        if (ctx.isSymbol(i, '(')) i = ctx.close(i) + 1;
        else if (ctx.tok(i)?.kind === 'word' && COLUMN_ATTRIBUTE_STARTS.has(ctx.tok(i)?.upper ?? '')) break;
        else i++;
      }
    } else if (w === 'NOT' && ctx.isWord(i + 1, 'NULL')) {
      i += 2;
    } else if (w === 'NULL') {
      i++;
    } else {
      throw ctx.invalid(
        i,
        `unexpected "${t.text}" in the definition of column "${ctx.tok(from)?.text}"`,
        'see r_CREATE_TABLE_NEW for the column attributes Redshift accepts',
      );
    }
  }
}

function identity(ctx: RewriteContext, from: number, open: number, mode: 'ALWAYS' | 'BY DEFAULT'): number {
  if (!ctx.isSymbol(open, '(')) {
    throw ctx.invalid(from, 'IDENTITY needs (seed, step)', 'write IDENTITY(1, 1) (r_CREATE_TABLE_NEW)');
  }
  const close = ctx.close(open);
  const args = ctx.args(open);
  if (args.length !== 2) throw ctx.invalid(from, 'IDENTITY needs exactly (seed, step)', 'write IDENTITY(1, 1)');
  const [[s0, s1], [t0, t1]] = args as [[number, number], [number, number]];
  const seed = ctx.text(s0, s1);
  const step = ctx.text(t0, t1);
  // PostgreSQL's sequences default to MINVALUE 1 (ascending) / MAXVALUE -1 (descending); Redshift
  // seeds may be 0 or negative, so the seed is the bound.
  const bound = step.trim().startsWith('-') ? `MAXVALUE ${seed}` : `MINVALUE ${seed}`;
  ctx.replace(from, close, `GENERATED ${mode} AS IDENTITY (START WITH ${seed} INCREMENT BY ${step} ${bound})`);
  return close + 1;
}

/**
 * BACKUP, DISTSTYLE, DISTKEY, [COMPOUND | INTERLEAVED] SORTKEY, ENCODE AUTO after the column list.
 * Returns the index of the first token that is not a table attribute.
 */
function tableAttributes(ctx: RewriteContext, at: number, columns: string[] | undefined): number {
  let i = at;
  for (;;) {
    const start = i;
    if (ctx.isWord(i, 'BACKUP') && ctx.isWord(i + 1, 'YES', 'NO')) i += 2;
    else if (ctx.isWord(i, 'DISTSTYLE') && ctx.isWord(i + 1, 'AUTO', 'EVEN', 'KEY', 'ALL')) i += 2;
    else if (ctx.isWord(i, 'ENCODE') && ctx.isWord(i + 1, 'AUTO')) i += 2;
    else if (ctx.isWord(i, 'DISTKEY') && ctx.isSymbol(i + 1, '(')) {
      checkColumns(ctx, i + 1, columns, 'DISTKEY');
      i = ctx.close(i + 1) + 1;
    } else if (ctx.isWord(i, 'COMPOUND', 'INTERLEAVED', 'SORTKEY')) {
      const kw = ctx.isWord(i, 'SORTKEY') ? i : i + 1;
      if (!ctx.isWord(kw, 'SORTKEY')) break;
      if (ctx.isWord(kw + 1, 'AUTO') && kw === i) i = kw + 2;
      else if (ctx.isSymbol(kw + 1, '(')) {
        checkColumns(ctx, kw + 1, columns, 'SORTKEY');
        i = ctx.close(kw + 1) + 1;
      } else throw ctx.invalid(kw, 'SORTKEY needs (columns) or AUTO', 'write SORTKEY (col, ...) or SORTKEY AUTO (r_CREATE_TABLE_NEW)');
    } else break;
    ctx.remove(start, i - 1);
  }
  return i;
}

/** Redshift rejects a DISTKEY/SORTKEY naming a column the table does not have; so do we. */
function checkColumns(ctx: RewriteContext, open: number, columns: string[] | undefined, what: string): void {
  if (!columns || columns.length === 0) return;
  for (const [a, b] of ctx.args(open)) {
    const t = ctx.tok(a);
    if (a !== b || !t) continue;
    const name = t.kind === 'quoted-ident' ? t.value : t.text.toLowerCase();
    if (!columns.includes(name)) {
      throw ctx.invalid(a, `${what} column "${t.text}" is not a column of the table`, `declare the column or fix the ${what} list`);
    }
  }
}

function createView(ctx: RewriteContext): void {
  // `WITH NO SCHEMA BINDING` ends a late-binding view (r_CREATE_VIEW). PostgreSQL has no late
  // binding: the view is bound locally, so dropping a table it reads fails here where Redshift
  // would accept it (drop the view first, or recreate it in the same migration).
  const n = ctx.tokens.length;
  if (n >= 4 && ctx.isWord(n - 4, 'WITH') && ctx.isWord(n - 3, 'NO') && ctx.isWord(n - 2, 'SCHEMA') && ctx.isWord(n - 1, 'BINDING')) {
    ctx.remove(n - 4, n - 1);
  }
}

function createMaterializedView(ctx: RewriteContext, at: number): void {
  // CREATE MATERIALIZED VIEW mv_name [ BACKUP { YES | NO } ] [ table_attributes ] [ AUTO REFRESH { YES | NO } ] AS query
  let i = ctx.skipName(at);
  i = tableAttributes(ctx, i, undefined);
  if (ctx.isWord(i, 'AUTO') && ctx.isWord(i + 1, 'REFRESH') && ctx.isWord(i + 2, 'YES', 'NO')) {
    // Auto refresh happens in the background on Redshift; locally the view refreshes on REFRESH only.
    ctx.remove(i, i + 2);
    i += 3;
  }
  if (!ctx.isWord(i, 'AS'))
    throw ctx.invalid(i, 'expected AS query in CREATE MATERIALIZED VIEW', 'see materialized-view-create-sql-command');
}

function alterTable(ctx: RewriteContext, at: number): typeof NOTHING_TO_RUN | void {
  let i = at;
  if (ctx.isWord(i, 'IF') && ctx.isWord(i + 1, 'EXISTS')) i += 2;
  i = ctx.skipName(i);
  // ALTER DISTSTYLE / DISTKEY / [COMPOUND|INTERLEAVED] SORTKEY / ENCODE AUTO, ALTER COLUMN c ENCODE x:
  // storage only, nothing to do locally (r_ALTER_TABLE).
  if (ctx.isWord(i, 'ALTER')) {
    if (ctx.isWord(i + 1, 'DISTSTYLE', 'DISTKEY', 'SORTKEY', 'COMPOUND', 'INTERLEAVED')) return NOTHING_TO_RUN;
    if (ctx.isWord(i + 1, 'ENCODE') && ctx.isWord(i + 2, 'AUTO')) return NOTHING_TO_RUN;
    if (ctx.isWord(i + 1, 'COLUMN')) {
      const after = ctx.skipName(i + 2);
      if (ctx.isWord(after, 'ENCODE')) return NOTHING_TO_RUN;
      if (ctx.isWord(after, 'TYPE')) {
        const end = rewriteType(ctx, after + 1, 'column');
        // The byte-length CHECK of the old size goes, the new size's comes (see columnDefinition).
        const bytes = lengthInBytes(ctx, after + 1, i + 2);
        if (bytes) {
          ctx.insertAfter(end - 1, `, DROP CONSTRAINT IF EXISTS ${bytes.name}, ADD CONSTRAINT ${bytes.name} CHECK (${bytes.check})`);
        }
      }
    }
    return;
  }
  if (ctx.isWord(i, 'SET') && ctx.isWord(i + 1, 'BACKUP')) return NOTHING_TO_RUN;
  if (ctx.isWord(i, 'ADD')) {
    let c = i + 1;
    if (ctx.isWord(c, 'COLUMN')) c++;
    if (ctx.isWord(c, 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'FOREIGN')) return NOTHING_TO_RUN; // informational (see tableElements)
    columnDefinition(ctx, c, ctx.tokens.length - 1);
  }
}
