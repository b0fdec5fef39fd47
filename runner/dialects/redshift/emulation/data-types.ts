/**
 * Redshift type names → PostgreSQL types with the same meaning, at the token level.
 *
 * Facts (docs.aws.amazon.com/redshift/latest/dg/...):
 * - r_Character_types: VARCHAR/CHARACTER VARYING/NVARCHAR up to 65535 bytes, `VARCHAR(MAX)` = 65535
 *   and `CHAR(MAX)` = 4096 in CREATE TABLE; VARCHAR without a length in CREATE TABLE is VARCHAR(256);
 *   NCHAR/NVARCHAR convert to CHAR/VARCHAR; BPCHAR converts to CHAR(256); TEXT to VARCHAR(256).
 *   "CHAR and VARCHAR data types are defined in terms of bytes, not characters. A CHAR column can
 *   only contain single-byte characters": PostgreSQL's lengths count characters, so a column gets a
 *   CHECK counting bytes (see `lengthInBytes`).
 * - r_Numeric_types201: DECIMAL/NUMERIC without precision is DECIMAL(18,0).
 * - r_VARBYTE_type: VARBYTE/VARBINARY/BINARY VARYING(n) hold binary values → BYTEA (length not enforced).
 * - r_SUPER_type: semi-structured values → JSONB (the closest PostgreSQL type; PartiQL navigation
 *   such as `col.attr[0]` is not emulated and fails on the server).
 * - GEOMETRY, GEOGRAPHY (r_GEOMETRY_type) and HLLSKETCH (r_HLLSKETCH_type) have no PostgreSQL
 *   equivalent without extensions: rejected with a clear error.
 * TIMETZ, TIMESTAMPTZ, FLOAT4/FLOAT8, INT2/4/8, BOOL are PostgreSQL spellings already.
 */
import { createHash } from 'node:crypto';
import type { RewriteContext } from './rewrite-context';

const VARCHAR_MAX = 65535;
const CHAR_MAX = 4096;

export type TypeContext =
  /** A column definition: Redshift's CREATE TABLE defaults (VARCHAR(256), DECIMAL(18,0)) apply. */
  | 'column'
  /** A cast or other expression context: lengths default as the expression needs. */
  | 'cast';

type Family = 'varchar' | 'char' | 'varbyte' | 'other';

/** The family of the type named at token `i`, and how many words spell its name. */
function typeFamily(ctx: RewriteContext, i: number): { words: number; family: Family } {
  const w = ctx.tok(i)?.upper ?? '';
  if (ctx.isWord(i, 'CHARACTER', 'CHAR', 'NCHAR') && ctx.isWord(i + 1, 'VARYING')) return { words: 2, family: 'varchar' };
  if (ctx.isWord(i, 'NATIONAL') && ctx.isWord(i + 1, 'CHARACTER', 'CHAR')) {
    return ctx.isWord(i + 2, 'VARYING') ? { words: 3, family: 'varchar' } : { words: 2, family: 'char' };
  }
  if (ctx.isWord(i, 'BINARY') && ctx.isWord(i + 1, 'VARYING')) return { words: 2, family: 'varbyte' };
  if (w === 'VARCHAR' || w === 'NVARCHAR' || w === 'TEXT') return { words: 1, family: w === 'TEXT' ? 'other' : 'varchar' };
  if (w === 'CHAR' || w === 'CHARACTER' || w === 'NCHAR') return { words: 1, family: 'char' };
  if (w === 'VARBYTE' || w === 'VARBINARY') return { words: 1, family: 'varbyte' };
  return { words: 1, family: 'other' };
}

/** PostgreSQL's limit on a name; a longer constraint name would be cut, and then not found by ALTER. */
const NAME_BYTES = 63;

/**
 * The CHECK constraint that makes a CHAR/VARCHAR column (type at token `i`, column name at
 * token `columnAt`) hold what Redshift's would (r_Character_types): VARCHAR(n) at most n bytes, CHAR only
 * single-byte characters. Its name says why a row was refused, and depends on the column alone so
 * that ALTER COLUMN ... TYPE can replace it. Undefined for other types.
 */
export function lengthInBytes(ctx: RewriteContext, i: number, columnAt: number): { name: string; check: string } | undefined {
  const { words, family } = typeFamily(ctx, i);
  const w = ctx.tok(i)?.upper;
  const c = ctx.tok(columnAt);
  if (!c) return undefined;
  const column = c.text;
  const plain = c.kind === 'quoted-ident' ? c.value : c.text.toLowerCase();
  if (family === 'varchar' || w === 'TEXT') {
    let bytes = 256;
    if (ctx.isSymbol(i + words, '(')) {
      const size = ctx.tok(i + words + 1);
      if (!size || ctx.close(i + words) !== i + words + 2) return undefined;
      if (size.upper === 'MAX') bytes = VARCHAR_MAX;
      else if (size.kind === 'number') bytes = Number(size.text);
      else return undefined;
    }
    return { name: constraintName(plain, ' over its VARCHAR length in bytes'), check: `octet_length(${column}) <= ${bytes}` };
  }
  if (family === 'char' || w === 'BPCHAR') {
    return {
      name: constraintName(plain, ' has a multibyte character (CHAR)'),
      check: `octet_length(${column}::text) = char_length(${column}::text)`,
    };
  }
  return undefined;
}

function constraintName(column: string, why: string): string {
  const room = NAME_BYTES - Buffer.byteLength(why, 'utf8');
  let name = column;
  if (Buffer.byteLength(name, 'utf8') > room) {
    // Two long names sharing a prefix must not collide: a hash of the whole name stands for the rest.
    const hash = createHash('sha1').update(column).digest('hex').slice(0, 6);
    // By code point on purpose: a byte budget must not split a character in two.
    // eslint-disable-next-line @typescript-eslint/no-misused-spread
    while (Buffer.byteLength(name, 'utf8') > room - 7) name = [...name].slice(0, -1).join('');
    name = `${name}~${hash}`;
  }
  return `"${(name + why).replaceAll('"', '""')}"`;
}

/**
 * Rewrites the type starting at token `i`; returns the index of the first token after it.
 * Unknown words are left alone (user-defined types, or a name the server will judge).
 */
export function rewriteType(ctx: RewriteContext, i: number, context: TypeContext): number {
  const t = ctx.tok(i);
  if (!t || t.kind !== 'word') return i + 1;
  const w = t.upper;
  const next = (k: number) => ctx.tok(i + k);
  const nextIsParen = (k: number) => ctx.isSymbol(i + k, '(');

  const { words, family } = typeFamily(ctx, i);
  const after = i + words;
  if (family === 'varchar' || family === 'char') {
    const pgName = family === 'varchar' ? 'varchar' : 'char';
    if (words > 1 || w === 'NVARCHAR' || w === 'NCHAR') ctx.replace(i, after - 1, pgName);
    if (nextIsParen(words)) {
      const close = ctx.close(after);
      if (close === after + 2 && ctx.isWord(after + 1, 'MAX')) {
        ctx.replace(after + 1, after + 1, String(family === 'varchar' ? VARCHAR_MAX : CHAR_MAX));
      }
      return close + 1;
    }
    if (family === 'varchar' && context === 'column') ctx.insertAfter(after - 1, '(256)');
    return after;
  }
  if (family === 'varbyte') {
    ctx.replace(i, after - 1, 'bytea');
    if (nextIsParen(words)) {
      const close = ctx.close(after);
      ctx.remove(after, close);
      return close + 1;
    }
    return after;
  }
  switch (w) {
    case 'BPCHAR':
      if (!nextIsParen(1)) ctx.replace(i, i, 'char(256)');
      return nextIsParen(1) ? ctx.close(i + 1) + 1 : i + 1;
    case 'TEXT':
      if (context === 'column') ctx.replace(i, i, 'varchar(256)');
      return i + 1;
    case 'SUPER':
      ctx.replace(i, i, 'jsonb');
      return i + 1;
    case 'DECIMAL':
    case 'NUMERIC':
      if (nextIsParen(1)) return ctx.close(i + 1) + 1;
      if (context === 'column') ctx.insertAfter(i, '(18,0)');
      return i + 1;
    case 'GEOMETRY':
    case 'GEOGRAPHY':
    case 'HLLSKETCH':
      throw ctx.unsupported(
        i,
        `the ${w} data type`,
        `keep ${w} columns out of what runs locally (e.g. in a migration marked for Redshift only), or store the value as VARBYTE/VARCHAR`,
      );
    case 'DOUBLE':
      return ctx.isWord(i + 1, 'PRECISION') ? i + 2 : i + 1;
    case 'TIMESTAMP':
    case 'TIME': {
      let j = i + 1;
      if (nextIsParen(1)) j = ctx.close(i + 1) + 1;
      if (ctx.isWord(j, 'WITH', 'WITHOUT') && ctx.isWord(j + 1, 'TIME') && ctx.isWord(j + 2, 'ZONE')) j += 3;
      return j;
    }
    default:
      if (next(1) && nextIsParen(1)) return ctx.close(i + 1) + 1;
      return i + 1;
  }
}
