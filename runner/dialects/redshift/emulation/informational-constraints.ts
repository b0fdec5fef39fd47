/**
 * PRIMARY KEY, UNIQUE and FOREIGN KEY constraints are informational on Redshift: "they are not
 * enforced" (t_Defining_constraints), yet they exist, so `ALTER TABLE t DROP CONSTRAINT name`
 * succeeds on a cluster. Locally they are dropped from the DDL, since PostgreSQL would enforce them
 * (table-ddl.ts); this keeps the names given to them in `rsrun_compat.informational_constraints`,
 * so that dropping one succeeds locally too, and dropping a name that no constraint has still fails
 * with PostgreSQL's "constraint ... does not exist", as on the cluster.
 *
 * Only named constraints (`CONSTRAINT name ...`) are kept: the name Redshift gives an unnamed one is
 * not documented, so dropping an unnamed constraint by a guessed name fails locally.
 */
import { COMPAT_SCHEMA as S } from './compat-schema-name';
import type { RewriteContext } from './rewrite-context';
import { sqlString } from './sql-literals';
import { identName } from '../../sql-tokens';

export const INFORMATIONAL_CONSTRAINTS_SQL = `
CREATE TABLE IF NOT EXISTS ${S}.informational_constraints (rel oid NOT NULL, name text NOT NULL, UNIQUE (rel, name));
GRANT SELECT, INSERT, DELETE ON ${S}.informational_constraints TO PUBLIC;
CREATE OR REPLACE FUNCTION ${S}.drop_constraint(t text, c text) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
  DELETE FROM ${S}.informational_constraints WHERE rel = t::regclass::oid AND name = c;
  IF NOT FOUND THEN EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', t, c); END IF;
END $f$;
`;

export interface ConstraintStep {
  /** Run instead of the statement (DROP CONSTRAINT of a kept name). */
  replace?: string;
  /** Run after the statement (names given by CREATE TABLE or ADD CONSTRAINT). */
  record?: string;
}

export function informationalConstraintStep(ctx: RewriteContext): ConstraintStep | undefined {
  const target = tableOf(ctx);
  if (!target) return undefined;
  const table = sqlString(ctx.text(target.from, target.to));
  const at = target.to + 1;
  if (!target.create && ctx.isWord(at, 'DROP') && ctx.isWord(at + 1, 'CONSTRAINT')) {
    const name = identifier(ctx, at + 2);
    const rest = ctx.tokens.length - (at + 3);
    if (name === undefined || rest > 1 || (rest === 1 && !ctx.isWord(at + 3, 'CASCADE', 'RESTRICT'))) return undefined;
    return { replace: `SELECT ${S}.drop_constraint(${table}, ${sqlString(name)})` };
  }
  const names: string[] = [];
  for (let k = at; k < ctx.tokens.length - 2; k++) {
    if (ctx.isWord(k, 'CONSTRAINT') && ctx.isWord(k + 2, 'PRIMARY', 'UNIQUE', 'FOREIGN', 'REFERENCES')) {
      const name = identifier(ctx, k + 1);
      if (name !== undefined) names.push(name);
    }
  }
  if (names.length === 0 || (!target.create && !ctx.isWord(at, 'ADD'))) return undefined;
  const rows = names.map((n) => `(${table}::regclass::oid, ${sqlString(n)})`).join(', ');
  // CREATE TABLE IF NOT EXISTS of an existing table keeps what is there; ADD CONSTRAINT of a name the
  // table has already fails, as it does on the cluster.
  const onConflict = target.create ? ' ON CONFLICT DO NOTHING' : '';
  return { record: `INSERT INTO ${S}.informational_constraints (rel, name) VALUES ${rows}${onConflict}` };
}

/** The table of `CREATE [TEMP] TABLE [IF NOT EXISTS] name (` or `ALTER TABLE [IF EXISTS] name`. */
function tableOf(ctx: RewriteContext): { from: number; to: number; create: boolean } | undefined {
  let i: number;
  const create = ctx.isWord(0, 'CREATE');
  if (create) {
    i = 1;
    if (ctx.isWord(i, 'LOCAL')) i++;
    if (ctx.isWord(i, 'TEMPORARY', 'TEMP')) i++;
    if (!ctx.isWord(i, 'TABLE')) return undefined;
    i++;
    if (ctx.isWord(i, 'IF') && ctx.isWord(i + 1, 'NOT') && ctx.isWord(i + 2, 'EXISTS')) i += 3;
  } else if (ctx.isWord(0, 'ALTER') && ctx.isWord(1, 'TABLE')) {
    i = 2;
    if (ctx.isWord(i, 'IF') && ctx.isWord(i + 1, 'EXISTS')) i += 2;
  } else return undefined;
  const end = ctx.skipName(i);
  if (end === i || (create && !ctx.isSymbol(end, '('))) return undefined;
  return { from: i, to: end - 1, create };
}

function identifier(ctx: RewriteContext, i: number): string | undefined {
  const t = ctx.tok(i);
  return t && (t.kind === 'word' || t.kind === 'quoted-ident') ? identName(t) : undefined;
}
