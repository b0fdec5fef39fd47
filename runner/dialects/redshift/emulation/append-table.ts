/**
 * ALTER TABLE target APPEND FROM source [IGNOREEXTRA | FILLTARGET] (r_ALTER_TABLE_APPEND): "Data in
 * the source table is moved to matching columns in the target table. Column order doesn't matter.
 * After data is successfully appended to the target table, the source table is empty." Locally the
 * rows are copied (INSERT ... SELECT of the matching columns) and the source truncated, after the
 * page's column rules are checked against the catalog:
 *
 * - "Columns with the same names must also have identical column attributes" (here: the same type);
 * - a source column missing from the target needs IGNOREEXTRA ("data in the extra columns is
 *   discarded"); a target column missing from the source needs FILLTARGET (filled with the
 *   column's default, or NULL).
 *
 * Redshift commits it at once and refuses it inside a transaction block; that rule is
 * transaction-rules.ts's. Moving data blocks, distribution and sort-key checks have no local meaning.
 */
import { quoteIdent } from '../../dialect';
import { InputError } from '../../../errors';
import type { Session } from '../../../warehouse/warehouse';
import type { RewrittenStatement } from '../../rewriter';
import type { RewriteContext } from './rewrite-context';

/** The step for `ALTER TABLE t APPEND FROM s ...`, or undefined for any other statement. */
export function appendTableStep(ctx: RewriteContext): RewrittenStatement | undefined {
  if (!ctx.isWord(0, 'ALTER') || !ctx.isWord(1, 'TABLE')) return undefined;
  const targetEnd = ctx.skipName(2);
  if (!ctx.isWord(targetEnd, 'APPEND') || !ctx.isWord(targetEnd + 1, 'FROM')) return undefined;
  const sourceEnd = ctx.skipName(targetEnd + 2);
  const mode = ctx.tok(sourceEnd)?.upper;
  if (sourceEnd < ctx.tokens.length && (sourceEnd !== ctx.tokens.length - 1 || (mode !== 'IGNOREEXTRA' && mode !== 'FILLTARGET'))) {
    throw ctx.invalid(
      sourceEnd,
      'ALTER TABLE APPEND FROM takes a source table and then IGNOREEXTRA or FILLTARGET',
      'see r_ALTER_TABLE_APPEND',
    );
  }
  const target = ctx.text(2, targetEnd - 1);
  const source = ctx.text(targetEnd + 2, sourceEnd - 1);
  const where = { file: ctx.where.file, line: ctx.where.line };
  return {
    kind: 'action',
    description: `append ${source} to ${target} (local emulation of ALTER TABLE APPEND)`,
    run: (session) => append(session, { target, source, mode }, where),
  };
}

interface Column {
  name: string;
  type: string;
}

async function append(
  session: Session,
  plan: { target: string; source: string; mode: string | undefined },
  where: { file: string; line: number },
): Promise<void> {
  const [target, source] = [await columnsOf(session, plan.target, where), await columnsOf(session, plan.source, where)];
  const sourceTypes = new Map(source.map((c) => [c.name, c.type]));
  const targetNames = new Set(target.map((c) => c.name));
  const fail = (message: string, hint: string) => new InputError(`ALTER TABLE APPEND: ${message}`, { ...where, hint });
  for (const c of target) {
    const type = sourceTypes.get(c.name);
    if (type !== undefined && type !== c.type) {
      throw fail(
        `column ${c.name} is ${c.type} in ${plan.target} but ${type} in ${plan.source}`,
        'columns with the same name must have identical attributes',
      );
    }
  }
  const sourceExtra = source.filter((c) => !targetNames.has(c.name)).map((c) => c.name);
  const targetExtra = target.filter((c) => !sourceTypes.has(c.name)).map((c) => c.name);
  if (sourceExtra.length > 0 && plan.mode !== 'IGNOREEXTRA') {
    throw fail(
      `source ${plan.source} has columns target ${plan.target} lacks (${sourceExtra.join(', ')})`,
      'add IGNOREEXTRA to discard them',
    );
  }
  if (targetExtra.length > 0 && plan.mode !== 'FILLTARGET') {
    throw fail(
      `target ${plan.target} has columns source ${plan.source} lacks (${targetExtra.join(', ')})`,
      'add FILLTARGET to fill them with their default or NULL',
    );
  }
  const common = target.filter((c) => sourceTypes.has(c.name)).map((c) => quoteIdent(c.name));
  if (common.length === 0) throw fail('the tables have no column in common', 'see r_ALTER_TABLE_APPEND');
  const list = common.join(', ');
  await session.query(`INSERT INTO ${plan.target} (${list}) SELECT ${list} FROM ${plan.source}`);
  await session.query(`TRUNCATE ${plan.source}`);
}

async function columnsOf(session: Session, table: string, where: { file: string; line: number }): Promise<Column[]> {
  const r = await session.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [table],
  );
  if (r.rows.length === 0) throw new InputError(`ALTER TABLE APPEND: table ${table} does not exist`, { ...where });
  return r.rows;
}
