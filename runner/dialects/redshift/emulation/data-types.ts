/**
 * Redshift type names → PostgreSQL types with the same meaning, at the token level.
 *
 * Facts (docs.aws.amazon.com/redshift/latest/dg/...):
 * - r_Character_types: VARCHAR/CHARACTER VARYING/NVARCHAR up to 65535 bytes, `VARCHAR(MAX)` = 65535
 *   and `CHAR(MAX)` = 4096 in CREATE TABLE; VARCHAR without a length in CREATE TABLE is VARCHAR(256);
 *   NCHAR/NVARCHAR convert to CHAR/VARCHAR; BPCHAR converts to CHAR(256); TEXT to VARCHAR(256).
 *   Redshift lengths count bytes, PostgreSQL's count characters: multibyte text that Redshift would
 *   reject as too long is accepted locally (stated in the README section on emulation).
 * - r_Numeric_types201: DECIMAL/NUMERIC without precision is DECIMAL(18,0).
 * - r_VARBYTE_type: VARBYTE/VARBINARY/BINARY VARYING(n) hold binary values → BYTEA (length not enforced).
 * - r_SUPER_type: semi-structured values → JSONB (the closest PostgreSQL type; PartiQL navigation
 *   such as `col.attr[0]` is not emulated and fails on the server).
 * - GEOMETRY, GEOGRAPHY (r_GEOMETRY_type) and HLLSKETCH (r_HLLSKETCH_type) have no PostgreSQL
 *   equivalent without extensions: rejected with a clear error.
 * TIMETZ, TIMESTAMPTZ, FLOAT4/FLOAT8, INT2/4/8, BOOL are PostgreSQL spellings already.
 */
import type { RewriteContext } from './rewrite-context';

const VARCHAR_MAX = 65535;
const CHAR_MAX = 4096;

export type TypeContext =
  /** A column definition: Redshift's CREATE TABLE defaults (VARCHAR(256), DECIMAL(18,0)) apply. */
  | 'column'
  /** A cast or other expression context: lengths default as the expression needs. */
  | 'cast';

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

  // Multi-word spellings first: how many words make up the type name.
  let words = 1;
  let family: 'varchar' | 'char' | 'varbyte' | 'other' = 'other';
  if (ctx.isWord(i, 'CHARACTER', 'CHAR', 'NCHAR') && ctx.isWord(i + 1, 'VARYING')) {
    words = 2;
    family = 'varchar';
  } else if (ctx.isWord(i, 'NATIONAL') && ctx.isWord(i + 1, 'CHARACTER', 'CHAR')) {
    words = ctx.isWord(i + 2, 'VARYING') ? 3 : 2;
    family = words === 3 ? 'varchar' : 'char';
  } else if (ctx.isWord(i, 'BINARY') && ctx.isWord(i + 1, 'VARYING')) {
    words = 2;
    family = 'varbyte';
  } else if (w === 'VARCHAR' || w === 'NVARCHAR') family = 'varchar';
  else if (w === 'CHAR' || w === 'CHARACTER' || w === 'NCHAR') family = 'char';
  else if (w === 'VARBYTE' || w === 'VARBINARY') family = 'varbyte';

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
