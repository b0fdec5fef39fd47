/**
 * One Redshift statement through the emulation, in order:
 *
 *  1. size: Redshift refuses a statement over 16 MB, counted in bytes (c_SQL_commands); a
 *     statement the pre-check proves needs nothing else (plain-statements.ts) goes as it is;
 *  2. "Quoted" identifiers folded to lower case unless enable_case_sensitive_identifier is on;
 *  3. statements without local meaning skipped with a notice (local-scope.ts), SET/RESET of
 *     Redshift parameters (session-settings.ts), external objects (external-objects.ts);
 *  4. what Redshift rejects refused by the lint's own rules (../refused-sql.ts), references only
 *     a cluster can answer refused, emulated system relations qualified
 *     (catalog-references.ts), query shapes respelled (query-shapes.ts) — a pass of its own, so
 *     that the following edits never overlap these;
 *  5. COPY / UNLOAD become actions; table DDL, expressions and routine bodies are rewritten.
 */
import { InputError } from '../../../errors';
import type { RewrittenStatement, StatementLocation } from '../../rewriter';
import { codeTokens, tokenizeSql } from '../../sql-tokens';
import { findRefusedSql } from '../refused-sql';
import { appendTableStep } from './append-table';
import { checkCatalogReferences } from './catalog-references';
import { copyFromS3, isS3Copy, type LoadMethod } from './copy-from-s3';
import { rewriteExpressions } from './expressions';
import { rewriteExternalObject } from './external-objects';
import { leaderNodeRefusal } from './leader-node';
import { needsNoRewrite } from './plain-statements';
import { withoutLocalMeaning, type Skip } from './local-scope';
import type { ObjectStore } from './object-store';
import { refusePartiqlNavigation } from './partiql';
import { rewriteQueryShapes } from './query-shapes';
import { dropSchemaOwnership } from './schema-ownership';
import { foldDynamicSql } from './dynamic-sql';
import { RewriteContext } from './rewrite-context';
import type { SessionSettings } from './session-settings';
import { rewriteSystemRelations } from './system-views';
import { NOTHING_TO_RUN, rewriteTableDdl } from './table-ddl';
import { informationalConstraintStep } from './informational-constraints';
import { tableDesignStep } from './table-design';
import { guardProcedureBody } from './transaction-guard';
import { unloadToS3 } from './unload-to-s3';

/** What a rewrite needs besides the statement: the object store, the session state, the notice sink. */
export interface RewriteEnvironment {
  store: ObjectStore;
  loadWith: LoadMethod;
  settings: SessionSettings;
  /** Receives "file:line: CONSTRUCT skipped locally: why" for statements accepted without effect. */
  notice: (message: string) => void;
}

/** Redshift's limit on one statement: "The maximum size for a single SQL statement is 16 MB" (c_SQL_commands). */
export const MAX_STATEMENT_BYTES = 16 * 1024 * 1024;

export function rewriteStatement(statement: string, where: StatementLocation, env: RewriteEnvironment): RewrittenStatement[] {
  const bytes = Buffer.byteLength(statement, 'utf8');
  if (bytes > MAX_STATEMENT_BYTES) {
    throw new InputError(`statement is ${bytes} bytes, over Redshift's 16 MB limit for a single SQL statement`, {
      ...where,
      hint: 'split it (e.g. several INSERTs), or load the data with COPY',
    });
  }
  return needsNoRewrite(statement) ? [{ kind: 'sql', sql: statement }] : rewriteInFull(statement, where, env);
}

/** The rewrite without the pre-check (plain-statements.ts), whose tests compare the two. */
export function rewriteInFull(statement: string, where: StatementLocation, env: RewriteEnvironment): RewrittenStatement[] {
  const sql = env.settings.foldIdentifiers(statement, where.file);
  let ctx = contextOf(sql, where);
  if (ctx.tokens.length === 0) return [{ kind: 'sql', sql }];
  const notify = (skip: Skip, what = 'accepted') =>
    env.notice(`${where.file}:${where.line}: ${skip.construct} ${what} locally: ${skip.reason}`);

  const skip = withoutLocalMeaning(ctx);
  if (skip) {
    notify(skip, 'skipped');
    return [];
  }
  const setting = env.settings.rewrite(ctx);
  if (setting) {
    if (setting.notice) notify(setting.notice);
    return [{ kind: 'sql', sql: setting.sql }];
  }
  const external = rewriteExternalObject(ctx);
  if (external) {
    notify(external.notice, external.sql ? 'accepted' : 'skipped');
    return external.sql ? rewriteStatement(external.sql, where, env) : [];
  }

  const ownership = dropSchemaOwnership(ctx);
  if (ownership) notify(ownership, 'dropped');
  refuseWhatRedshiftRefuses(ctx);
  const leaderNode = leaderNodeRefusal(ctx.tokens);
  if (leaderNode) return [leaderNode];
  checkCatalogReferences(ctx);
  refusePartiqlNavigation(ctx);
  rewriteQueryShapes(ctx);
  if (ctx.changed) ctx = contextOf(ctx.apply(), where);

  if (isS3Copy(ctx)) return [copyFromS3(ctx, env.store, env.loadWith)];
  const append = appendTableStep(ctx);
  if (append) return [append];
  if (ctx.isWord(0, 'UNLOAD')) return [unloadToS3(ctx, env.store, (query) => rewriteQuery(query, where))];
  // Read before the DDL rewrite drops DISTSTYLE/SORTKEY/ENCODE, recorded after the DDL (system-views.ts).
  const design = tableDesignStep(ctx);
  const constraints = informationalConstraintStep(ctx);
  if (constraints?.replace) return [{ kind: 'sql', sql: constraints.replace }];
  const recorded: RewrittenStatement[] = [design, constraints?.record].filter((s) => s !== undefined).map((sql) => ({ kind: 'sql', sql }));
  if (rewriteTableDdl(ctx) === NOTHING_TO_RUN) return recorded;
  rewriteExpressions(ctx);
  if (isRoutineDefinition(ctx)) rewriteRoutine(ctx, env);
  return [{ kind: 'sql', sql: ctx.apply() }, ...recorded];
}

/**
 * The lint's rules for what Redshift rejects (RS001–RS027, ../refused-sql.ts), applied to the
 * statement: PostgreSQL would run it, the cluster would not, so neither does the local warehouse.
 * RS016 is a lint warning (leader-node functions) and stays one.
 */
function refuseWhatRedshiftRefuses(ctx: RewriteContext): void {
  findRefusedSql(ctx.tokens, (rule, at, message) => {
    if (rule === 'RS016') return;
    const i = at ? ctx.tokens.indexOf(at) : 0;
    throw ctx.invalid(i < 0 ? 0 : i, `${message} (${rule})`, `Redshift rejects this statement; see ${rule} in docs/redshift-rules.md`);
  });
}

function contextOf(sql: string, where: StatementLocation): RewriteContext {
  try {
    return new RewriteContext(sql, codeTokens(tokenizeSql(sql, where.file)), where);
  } catch (err) {
    // The tokenizer counts lines from the statement's start; the user reads the file's.
    if (!(err instanceof InputError)) throw err;
    throw new InputError(err.message, {
      file: where.file,
      line: where.line + (err.line ?? 1) - 1,
      ...(err.hint !== undefined ? { hint: err.hint } : {}),
      cause: err,
    });
  }
}

/** A statement that must stay one plain SQL statement (the query inside UNLOAD). */
function rewriteQuery(sql: string, where: StatementLocation): string {
  let ctx = contextOf(sql, where);
  checkCatalogReferences(ctx);
  refusePartiqlNavigation(ctx);
  rewriteQueryShapes(ctx);
  if (ctx.changed) ctx = contextOf(ctx.apply(), where);
  rewriteExpressions(ctx);
  return ctx.apply();
}

/**
 * A CALL leaves out a procedure's OUT arguments on Redshift (r_CREATE_PROCEDURE's test_sp2(f1 IN int,
 * f2 INOUT varchar(256), out_var OUT varchar(256)) is called `CALL test_sp2(2, '2019')` and returns
 * f2 and out_var); PostgreSQL wants a placeholder for each. Trailing OUT arguments become INOUT with
 * DEFAULT NULL, so the same CALL works and returns the same row. OUT arguments before an input one
 * are left as they are (PostgreSQL then asks for the placeholder).
 */
function outArgumentsOptional(ctx: RewriteContext): void {
  const kind = ctx.isWord(1, 'OR') ? 3 : 1;
  if (!ctx.isWord(kind, 'PROCEDURE')) return;
  const open = ctx.skipName(kind + 1);
  if (!ctx.isSymbol(open, '(')) return;
  const args = ctx.args(open);
  const modeAt = ([from, to]: [number, number]) => [from, from + 1].find((k) => k <= to && ctx.isWord(k, 'IN', 'OUT', 'INOUT'));
  const isOut = (a: [number, number]) => {
    const m = modeAt(a);
    return m !== undefined && ctx.isWord(m, 'OUT');
  };
  let firstTrailingOut = args.length;
  while (firstTrailingOut > 0 && isOut(args[firstTrailingOut - 1] as [number, number])) firstTrailingOut--;
  const trailing = args.slice(firstTrailingOut);
  const hasDefault = trailing.some(([from, to]) => ctx.tokens.slice(from, to + 1).some((t) => t.kind === 'word' && t.upper === 'DEFAULT'));
  if (hasDefault) return;
  for (const arg of trailing) {
    const mode = modeAt(arg) as number;
    ctx.replace(mode, mode, 'INOUT');
    ctx.insertAfter(arg[1], ' DEFAULT NULL');
  }
}

function isRoutineDefinition(ctx: RewriteContext): boolean {
  let i = 1;
  if (!ctx.isWord(0, 'CREATE')) return false;
  if (ctx.isWord(i, 'OR') && ctx.isWord(i + 1, 'REPLACE')) i += 2;
  return ctx.isWord(i, 'PROCEDURE', 'FUNCTION');
}

/**
 * Stored procedures (r_CREATE_PROCEDURE) and SQL UDFs carry their body as a dollar-quoted string:
 * query shapes and Redshift functions inside it are rewritten like any other statement's, and
 * identifiers folded. NONATOMIC (r_CREATE_PROCEDURE) is dropped: a PostgreSQL procedure called
 * outside a transaction block already commits per statement and may COMMIT itself.
 */
function rewriteRoutine(ctx: RewriteContext, env: RewriteEnvironment): void {
  outArgumentsOptional(ctx);
  ctx.tokens.forEach((t, i) => {
    if (t.kind === 'word' && t.upper === 'NONATOMIC' && ctx.untouched(i, i)) ctx.remove(i, i);
    if (t.kind !== 'string' || !t.text.startsWith('$') || !ctx.isWord(i - 1, 'AS')) return;
    const tag = /^\$[^$]*\$/.exec(t.text)?.[0] as string;
    const body = t.text.slice(tag.length, t.text.length - tag.length);
    let inner: RewriteContext;
    try {
      inner = contextOf(env.settings.foldIdentifiers(body, ctx.where.file), ctx.where);
      refusePartiqlNavigation(inner);
      rewriteQueryShapes(inner);
      if (inner.changed) inner = contextOf(inner.apply(), ctx.where);
    } catch (err) {
      if (err instanceof InputError && /^unterminated|cannot tokenize/.test(err.message)) return; // another language's body
      throw err;
    }
    rewriteExpressions(inner);
    rewriteSystemRelations(inner);
    guardProcedureBody(ctx, inner);
    foldDynamicSql(inner);
    const rewritten = inner.apply();
    if (rewritten !== body) ctx.replace(i, i, `${tag}${rewritten}${tag}`);
  });
}
