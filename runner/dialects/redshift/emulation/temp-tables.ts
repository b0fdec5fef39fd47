/**
 * "If you specify a table name that begins with '#', the table is created as a temporary table"
 * (r_CREATE_TABLE_NEW: `create table #newtable (id int); select * from #newtable`). PostgreSQL reads
 * `#` as its XOR operator and answers "syntax error at or near "#"". Where a table name stands
 * (after TABLE, FROM, JOIN, INTO, UPDATE, COPY, TRUNCATE, EXISTS or a comma), `#name` becomes the
 * quoted name `"#name"` (folded to lower case, as Redshift folds names), and `CREATE TABLE #name`
 * creates a TEMP table; so does `#name.column` where an operand is expected (after an operator, `(`,
 * SELECT, WHERE, ON, ...). `#` anywhere else is left as written (an operator to both engines).
 */
import type { RewriteContext } from './rewrite-context';

const NAME_AFTER = new Set(['TABLE', 'FROM', 'JOIN', 'INTO', 'UPDATE', 'COPY', 'TRUNCATE', 'EXISTS']);
/** Words after which `#` cannot be the binary XOR, so `#name.column` qualifies a column. */
const OPERAND_EXPECTED = new Set(['SELECT', 'DISTINCT', 'WHERE', 'ON', 'AND', 'OR', 'NOT', 'BY', 'WHEN', 'THEN', 'ELSE', 'SET', 'HAVING']);

/** Rewrites `#name` table names; true when something changed. */
export function hashTempTables(ctx: RewriteContext): boolean {
  let changed = false;
  for (const [i, t] of ctx.tokens.entries()) {
    const next = ctx.tok(i + 1);
    const prev = ctx.tok(i - 1);
    if (t.kind !== 'operator' || t.text !== '#' || next?.kind !== 'word' || next.start !== t.end || !prev) continue;
    const qualifier =
      ctx.isSymbol(i + 2, '.') &&
      (prev.kind === 'operator' || ctx.isSymbol(i - 1, '(') || (prev.kind === 'word' && OPERAND_EXPECTED.has(prev.upper)));
    const namePlace = (prev.kind === 'word' && NAME_AFTER.has(prev.upper)) || (prev.kind === 'punct' && prev.text === ',') || qualifier;
    if (!namePlace) continue;
    ctx.replace(i, i + 1, `"#${next.text.toLowerCase()}"`);
    changed = true;
  }
  // CREATE [TEMP] TABLE [IF NOT EXISTS] #name: the table created is a temporary one.
  const table = ctx.tokens.findIndex((t) => t.kind === 'word' && t.upper === 'TABLE');
  const name = ctx.isWord(table + 1, 'IF') ? table + 4 : table + 1;
  if (changed && ctx.isWord(0, 'CREATE') && table > 0 && ctx.isSymbol(name, '#')) {
    if (!ctx.isWord(table - 1, 'TEMP', 'TEMPORARY')) ctx.insertBefore(table, 'TEMP ');
  }
  return changed;
}
