/**
 * Redshift's transaction rules on the PostgreSQL-based engines, where PostgreSQL is more permissive:
 *
 * - a statement Redshift refuses inside a transaction block (transaction-rules.ts) fails inside one
 *   with Redshift's message "<COMMAND> cannot run inside a transaction block" (SQLSTATE 25001);
 * - TRUNCATE commits the transaction it runs in (r_TRUNCATE), at top level and inside a stored
 *   procedure, where it "commits the current transaction and begins a new one"
 *   (stored-procedure-transaction-management);
 * - a procedure called inside a transaction block cannot COMMIT, ROLLBACK or TRUNCATE (same page):
 *   PostgreSQL refuses COMMIT/ROLLBACK there itself and the procedure's TRUNCATE commits through a
 *   nested procedure that it refuses too; redshift-errors.ts words the refusal as Redshift does;
 * - statements that need their own transaction fail inside a procedure (stored-procedure-constraints).
 *
 * Statements run through the rewriter's steps, so the checks see the session's real transaction
 * state (the wire protocol reports it after every statement).
 */
import type { Session } from '../../../warehouse/warehouse';
import type { RewrittenStatement } from '../../rewriter';
import type { SqlToken } from '../../sql-tokens';
import {
  REDSHIFT_IMPLICIT_COMMIT,
  REDSHIFT_NON_TRANSACTIONAL,
  REDSHIFT_REFUSED_IN_PROCEDURE,
  matchRule,
  refusalOf,
} from '../transaction-rules';
import { COMPAT_SCHEMA } from './compat-schema-name';
import { refusedInTransactionBlock, TRUNCATE_COMMIT_PROCEDURE } from './redshift-errors';
import type { RewriteContext } from './rewrite-context';
import { sqlString } from './sql-literals';

/** Installed with the compat schema (compat-schema.ts calls this with its schema name). */
export function transactionGuardSql(schema: string): string {
  return `
-- A procedure's TRUNCATE commits (stored-procedure-transaction-management); PostgreSQL refuses this
-- COMMIT where Redshift refuses the TRUNCATE: in a procedure called inside a transaction block.
CREATE OR REPLACE PROCEDURE ${schema}.${TRUNCATE_COMMIT_PROCEDURE}() LANGUAGE plpgsql AS $f$ BEGIN COMMIT; END $f$;
-- "Any SQL command that requires its own transaction context isn't supported inside a stored procedure" (stored-procedure-constraints).
CREATE OR REPLACE FUNCTION ${schema}.refuse_in_procedure(message text) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
  RAISE EXCEPTION '%', message USING ERRCODE = '25001',
    HINT = 'a stored procedure runs in a transaction block: run the statement at top level (stored-procedure-constraints)';
END $f$;
`;
}

/** Wraps the rewritten steps of one top-level statement in Redshift's transaction rules. */
export function guardTransactionRules(statement: string, steps: RewrittenStatement[]): RewrittenStatement[] {
  const refusal = refusalOf(REDSHIFT_NON_TRANSACTIONAL, statement);
  if (refusal) {
    return [
      {
        kind: 'action',
        description: `${refusal.command} (refused inside a transaction block)`,
        async run(session) {
          if (session.inTransaction()) throw refusedInTransactionBlock(refusal.message, refusal.source);
          await runSteps(session, steps);
        },
      },
    ];
  }
  if (matchRule(REDSHIFT_IMPLICIT_COMMIT, statement)) {
    return [
      {
        kind: 'action',
        description: 'TRUNCATE (commits the transaction it runs in)',
        async run(session) {
          await runSteps(session, steps);
          if (session.inTransaction()) await session.query('COMMIT');
        },
      },
    ];
  }
  return steps;
}

async function runSteps(session: Session, steps: RewrittenStatement[]): Promise<void> {
  for (const step of steps) {
    if (step.kind === 'sql') await session.query(step.sql);
    else await step.run(session);
  }
}

/**
 * Inside the body of `CREATE PROCEDURE`: a TRUNCATE is followed by the committing call, and a
 * statement a procedure cannot run raises Redshift's refusal when it is reached (not when the
 * procedure is created: Redshift compiles the body on first call too).
 */
export function guardProcedureBody(definition: RewriteContext, body: RewriteContext): void {
  if (!isProcedure(definition)) return;
  // NONATOMIC procedures may TRUNCATE inside a transaction block (stored-procedure-transaction-management).
  const nonatomic = definition.tokens.some((t) => t.kind === 'word' && t.upper === 'NONATOMIC');
  for (const [from, end] of bodyStatements(body.tokens)) {
    const first = body.tok(from) as SqlToken;
    const last = body.tok(end - 1) ?? first;
    const text = dynamicSqlHead(body, from) ?? body.sql.slice(first.start, last.end);
    const refusal = refusalOf(REDSHIFT_REFUSED_IN_PROCEDURE, text);
    if (refusal) body.insertBefore(from, `PERFORM ${COMPAT_SCHEMA}.refuse_in_procedure(${sqlString(refusal.message)}); `);
    else if (!nonatomic && /^\s*TRUNCATE\b/i.test(text) && body.isSymbol(end, ';')) {
      body.insertAfter(end, ` CALL ${COMPAT_SCHEMA}.${TRUNCATE_COMMIT_PROCEDURE}();`);
    }
  }
}

/**
 * `EXECUTE 'TRUNCATE TABLE ' || name;` (dynamic SQL, c_PLpgSQL-statements): the command is the head
 * of the string literal that follows EXECUTE, when it starts with one. Built any other way, the
 * command is unknown until run time and only the cluster judges it.
 */
function dynamicSqlHead(body: RewriteContext, from: number): string | undefined {
  const literal = body.tok(from + 1);
  if (!body.isWord(from, 'EXECUTE') || literal?.kind !== 'string' || !literal.text.startsWith("'")) return undefined;
  return literal.text.slice(1, -1).replace(/''/g, "'");
}

function isProcedure(ctx: RewriteContext): boolean {
  const i = ctx.isWord(1, 'OR') && ctx.isWord(2, 'REPLACE') ? 3 : 1;
  return ctx.isWord(0, 'CREATE') && ctx.isWord(i, 'PROCEDURE');
}

// PL/pgSQL words after which a statement starts (c_PLpgSQL-structure, c_PLpgSQL-statements).
const STATEMENT_AFTER = new Set(['BEGIN', 'THEN', 'ELSE', 'LOOP']);

/** `[first token, index of the closing ';']` of each statement of a PL/pgSQL body. */
function bodyStatements(tokens: readonly SqlToken[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let depth = 0;
  let start: number | undefined = 0;
  tokens.forEach((t, i) => {
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
    else if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
    if (depth > 0) return;
    if (t.kind === 'punct' && t.text === ';') {
      if (start !== undefined && start < i) out.push([start, i]);
      start = i + 1;
    } else if (t.kind === 'word' && STATEMENT_AFTER.has(t.upper)) {
      start = i + 1;
    }
  });
  return out;
}
