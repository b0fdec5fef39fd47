/**
 * A pre-check that proves a statement needs no rewriting, so it skips the tokenizer: seed and
 * backfill migrations are often hundreds of thousands of one-row `INSERT ... VALUES`, and
 * tokenizing each one cost most of a migrate's time and ~120 MB of the tokenizer's WebAssembly
 * memory on the embedded engine (issue 14 defect 13).
 *
 * Only one shape passes, and only when every part of it is something no rewrite touches:
 *   INSERT INTO name [(column, ...)] VALUES (constant, ...) [, (constant, ...)]...
 * with unquoted names (nothing to fold), that are not a Redshift system relation
 * (catalog-references.ts qualifies or refuses those) nor a Redshift-only catalog column, and
 * constants that are a number without exponent, a string without backslash (Redshift's escapes,
 * sql-lexer.ts), NULL, TRUE or FALSE. No comment, cast, operator other than a sign, or function
 * call: those are where expressions and refused constructs live. Anything else takes the full path.
 * test/emulation/plain-statements.test.ts checks the full path leaves every passing statement as is.
 */
import { isRedshiftSystemRelation } from '../system-relations';
import { REDSHIFT_CATALOG_COLUMNS } from './catalog-references';

const NAME = String.raw`[a-z_][a-z0-9_]*`;
const CONSTANT = String.raw`(?:-?\d+(?:\.\d+)?|'[^'\\]*'(?:'[^'\\]*')*|null|true|false)`;
const ROW = String.raw`\(\s*${CONSTANT}(?:\s*,\s*${CONSTANT})*\s*\)`;
const PLAIN_INSERT = new RegExp(
  String.raw`^insert\s+into\s+(${NAME}(?:\.${NAME})?)\s*(?:\(\s*(${NAME}(?:\s*,\s*${NAME})*)\s*\)\s*)?values\s*${ROW}(?:\s*,\s*${ROW})*$`,
  'i',
);

/** True when `statement` is certain to come out of the rewriter unchanged. */
export function needsNoRewrite(statement: string): boolean {
  // Cheap refusals first: most statements are not INSERTs.
  if (!/^insert\s/i.test(statement)) return false;
  const m = PLAIN_INSERT.exec(statement);
  if (!m) return false;
  const relation = (m[1] as string).toLowerCase().split('.');
  if (relation.some((part) => part === 'pg_catalog' || part === 'information_schema' || isRedshiftSystemRelation(part))) return false;
  const columns = (m[2] ?? '').split(',').map((c) => c.trim().toLowerCase());
  return !columns.some((c) => REDSHIFT_CATALOG_COLUMNS.has(c));
}
