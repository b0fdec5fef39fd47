/**
 * A string or a number written into a SUPER column is stored as that scalar: "If the JSON_PARSE
 * function is missing in the query, Amazon Redshift treats the value as a single string instead of
 * a JSON-formatted string that must be parsed" (parse_json). SUPER is jsonb locally
 * (data-types.ts), and PostgreSQL would parse the string as JSON (`'{"a":1}'` becoming an object,
 * `'abc'` failing with "invalid input syntax for type json") and refuse a number ("column is of
 * type jsonb but expression is of type integer").
 *
 * So a constant in a SUPER column's place of `INSERT ... VALUES` or `UPDATE ... SET col = ` is
 * written `to_jsonb(CAST('...' AS text))` (a string scalar) or `to_jsonb(n)`. Which columns are
 * SUPER is in the catalog: the statement becomes an action that reads them first, but only for
 * tables that may have one (in the catalog when the session was prepared, or created or altered
 * with SUPER since), so plain INSERTs stay plain statements.
 */
import type { Session } from '../../../warehouse/warehouse';
import type { RewrittenStatement, StatementLocation } from '../../rewriter';
import { codeTokens, identName, tokenizeSql, type SqlToken } from '../../sql-tokens';
import { COMPAT_SCHEMA } from './compat-schema-name';
import { RewriteContext } from './rewrite-context';

const LEADING_COMMENTS = String.raw`^(?:\s+|--[^\n]*\n|/\*[\s\S]*?\*/)*`;
const NAME = String.raw`(?:"(?:[^"]|"")+"|[\w$]+)`;
const TARGET = new RegExp(`${LEADING_COMMENTS}(?:insert\\s+into|update)\\s+(${NAME}(?:\\.${NAME}){0,2})`, 'i');
/** DDL that can give a table a SUPER column. */
const TABLE_DDL = new RegExp(
  `${LEADING_COMMENTS}(?:create\\s+(?:(?:local\\s+)?(?:temp|temporary)\\s+)?table|alter\\s+table)\\s+(?:if\\s+not\\s+exists\\s+)?(${NAME}(?:\\.${NAME}){0,2})`,
  'i',
);

interface Column {
  name: string;
  isSuper: boolean;
}

/** The bare table name of `a.b."C"`, lower-cased: an over-inclusive key only costs a catalog read. */
function bareName(qualified: string): string {
  const parts = qualified.match(new RegExp(NAME, 'g')) ?? [qualified];
  return (parts[parts.length - 1] as string).replace(/^"|"$/g, '').replace(/""/g, '"').toLowerCase();
}

export class SuperColumns {
  private readonly tables = new Set<string>();

  /** Reads which relations have a SUPER (jsonb) column; once per session, with the compat schema. */
  async load(session: Session): Promise<void> {
    const { rows } = await session.query<{ relname: string }>(
      `SELECT DISTINCT c.relname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE a.atttypid = 'jsonb'::regtype AND a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
         AND n.nspname NOT IN ('pg_catalog', 'information_schema', $1)`,
      [COMPAT_SCHEMA],
    );
    for (const r of rows) this.tables.add(r.relname.toLowerCase());
  }

  /**
   * Notes a CREATE/ALTER TABLE that names the SUPER type. A table given SUPER columns by CTAS or
   * LIKE is found in the catalog by the next session's `load`.
   */
  noteDdl(statement: string): void {
    const m = TABLE_DDL.exec(statement);
    if (m && /\bsuper\b/i.test(statement)) this.tables.add(bareName(m[1] as string));
  }

  /** The statement's steps, or one action writing its SUPER constants as scalars. */
  wrap(steps: RewrittenStatement[], where: StatementLocation): RewrittenStatement[] {
    const [step] = steps;
    if (steps.length !== 1 || step?.kind !== 'sql') return steps;
    const m = TARGET.exec(step.sql);
    if (!m || !this.tables.has(bareName(m[1] as string))) return steps;
    const relation = m[1] as string;
    return [
      {
        kind: 'action',
        description: 'a statement writing into SUPER columns',
        async run(session) {
          const { rows } = await session.query<{ name: string; is_super: boolean }>(
            `SELECT attname AS name, atttypid = 'jsonb'::regtype AS is_super FROM pg_attribute
             WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
            [relation],
          );
          const columns = rows.map((r) => ({ name: r.name, isSuper: r.is_super }));
          await session.query(columns.some((c) => c.isSuper) ? superScalars(step.sql, columns, where) : step.sql);
        },
      },
    ];
  }
}

/** `sql` with each constant placed in a SUPER column written as a SUPER scalar. */
export function superScalars(sql: string, columns: readonly Column[], where: StatementLocation): string {
  const ctx = new RewriteContext(sql, codeTokens(tokenizeSql(sql, where.file)), where);
  const isSuper = new Map(columns.map((c) => [c.name, c.isSuper]));
  if (ctx.isWord(0, 'INSERT')) insertValues(ctx, columns, isSuper);
  else updateSet(ctx, isSuper);
  return ctx.apply();
}

function insertValues(ctx: RewriteContext, columns: readonly Column[], isSuper: Map<string, boolean>): void {
  let i = ctx.skipName(2);
  let targets = columns.map((c) => c.name);
  if (ctx.isSymbol(i, '(')) {
    targets = ctx.args(i).map(([from]) => identName(ctx.tok(from) as SqlToken));
    i = ctx.close(i) + 1;
  }
  if (!ctx.isWord(i, 'VALUES')) return;
  for (i++; ctx.isSymbol(i, '('); i++) {
    ctx.args(i).forEach((range, k) => {
      const target = targets[k];
      if (target !== undefined && isSuper.get(target)) asScalar(ctx, range);
    });
    i = ctx.close(i) + 1;
    if (!ctx.isSymbol(i, ',')) return;
  }
}

function updateSet(ctx: RewriteContext, isSuper: Map<string, boolean>): void {
  let i = ctx.tokens.findIndex((t, k) => k > 0 && t.kind === 'word' && t.upper === 'SET');
  if (i < 0) return;
  let depth = 0;
  let from = i + 1;
  for (i++; i <= ctx.tokens.length; i++) {
    const t = ctx.tok(i);
    if (t?.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
    else if (t?.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
    const ends = !t || (depth === 0 && ((t.kind === 'punct' && (t.text === ',' || t.text === ';')) || ctx.isWord(i, 'WHERE', 'FROM')));
    if (!ends) continue;
    const column = ctx.tok(from);
    if (column && ctx.isSymbol(from + 1, '=') && isSuper.get(identName(column))) asScalar(ctx, [from + 2, i - 1]);
    if (!t || !ctx.isSymbol(i, ',')) return;
    from = i + 1;
  }
}

/** Wraps a lone constant (a string, or a number with an optional sign) in to_jsonb. */
function asScalar(ctx: RewriteContext, [from, to]: [number, number]): void {
  const first = ctx.tok(from);
  const last = ctx.tok(to);
  if (!first || !last) return;
  const signed = to === from + 1 && first.kind === 'operator' && (first.text === '-' || first.text === '+');
  if (from === to && first.kind === 'string' && /^[eEnN]?'/.test(first.text)) {
    ctx.replace(from, to, `to_jsonb(CAST(${first.text} AS text))`);
  } else if ((from === to || signed) && last.kind === 'number') {
    ctx.replace(from, to, `to_jsonb(${ctx.text(from, to)})`);
  }
}
