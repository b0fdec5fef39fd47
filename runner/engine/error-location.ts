/**
 * Turning a server error into a MigrationError that names the file, the statement, the line and
 * column, with a code frame under the server's error position (node-pg-migrate shows the failing
 * SQL the same way). When a round trip's error carries no position, the migration is replayed
 * statement by statement in a transaction that is rolled back, to find the statement.
 */
import { InputError, MigrationError, messageOf } from '../errors';
import type { Migration } from '../migrations/migration';
import { positionToLine, type SqlStatement } from '../migrations/split-sql';
import type { Session } from '../warehouse/warehouse';
import type { Span } from './batch-text';
import type { ExecutionPlanItem } from './planning';
import type { PreparedSteps, Step } from './steps';

// SQLSTATE classes worth a replay to find which statement failed (deterministic errors).
const REPLAYABLE_CLASSES = ['22', '23', '42', 'P0', 'XX', '2B', '0A', '21', '25'];

/** The 1-based character position a server error points at, if it has one. */
export function positionOf(err: unknown): number | undefined {
  const position = Number((err as { position?: string } | null)?.position);
  return Number.isFinite(position) && position > 0 ? position : undefined;
}

/** `statement 2 of 3`, or for INI changesets the key as the user wrote it: `query1 (statement 2 of 3)`. */
export function statementLabel(m: Migration, stmt: SqlStatement | undefined): string {
  const counted = stmt ? `statement ${stmt.index + 1} of ${m.statements.length}` : 'a statement';
  return stmt?.key ? `${stmt.key} (${counted})` : counted;
}

export function statementError(
  m: Migration,
  stmt: SqlStatement | undefined,
  err: unknown,
  positionInStatement: number | undefined,
): MigrationError {
  const server = err as { code?: string; message?: string; detail?: string; hint?: string };
  const where = stmt && positionInStatement ? positionToLine(stmt.sql, positionInStatement, stmt.line) : undefined;
  const line = where?.line ?? stmt?.line;
  const which = statementLabel(m, stmt);
  const excerpt = stmt ? `\n${codeFrame(stmt, where)}` : '';
  return new MigrationError(
    `${m.script}: ${which} failed: ${server.message ?? messageOf(err)}${server.detail ? ` (${server.detail})` : ''}${excerpt}`,
    {
      file: m.file,
      ...(line !== undefined ? { line } : {}),
      ...(where ? { column: where.column } : {}),
      ...(m.version !== null ? { version: m.version } : {}),
      ...(stmt ? { statementIndex: stmt.index } : {}),
      ...(server.code ? { sqlState: server.code } : {}),
      cause: err,
      hint: server.hint ?? 'fix the statement and run again; the migration was rolled back, nothing of it was applied',
    },
  );
}

export function historyChanged(item: ExecutionPlanItem, foreign: { script: string; runId: string | null }, cause: unknown): MigrationError {
  return new MigrationError(
    `the history changed under this run: ${foreign.script} was recorded by another session (run ${foreign.runId ?? 'unknown'}) while this run was deploying; nothing of ${item.migration.script} ran`,
    {
      file: item.migration.file,
      ...(item.migration.version ? { version: item.migration.version } : {}),
      cause,
      hint: 'another runner, or a session that outlived its runner, deployed meanwhile; run again to continue from where the history now stands',
    },
  );
}

/** Runs one step; a failure becomes a MigrationError naming its statement. */
export async function runStep(session: Session, m: Migration, step: Step): Promise<void> {
  try {
    if (step.action) await step.action(session);
    else for (const sql of step.parts ?? []) await session.query(sql);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw statementError(m, step.source, err, positionOf(err));
  }
}

/**
 * The MigrationError for a migration whose round trip failed with `err`: the statement the error
 * position points into (`at`), or the one a rolled-back replay finds, or the migration as a whole.
 */
export async function locateFailure(
  session: Session,
  m: Migration,
  steps: PreparedSteps,
  err: unknown,
  at: { span: Span; offset: number } | undefined,
): Promise<MigrationError> {
  if (at) return statementError(m, steps.at(at.span.step).source, err, at.offset);
  const code = (err as { code?: string } | null)?.code ?? '';
  if (REPLAYABLE_CLASSES.some((c) => code.startsWith(c))) {
    const located = await replay(session, steps);
    if (located) return statementError(m, located.step.source, located.error, positionOf(located.error));
  }
  return statementError(m, undefined, err, undefined);
}

async function replay(session: Session, steps: PreparedSteps): Promise<{ step: Step; error: unknown } | undefined> {
  await session.batch('BEGIN');
  try {
    for (const step of steps) {
      try {
        for (const sql of step.parts ?? []) await session.query(sql);
      } catch (error) {
        return { step, error };
      }
    }
    return undefined;
  } finally {
    await session.batch('ROLLBACK').catch(() => undefined);
  }
}

/** The failing statement with a marker under the server's error position (at most 7 lines). */
function codeFrame(stmt: SqlStatement, where: { line: number; column: number } | undefined): string {
  const lines = stmt.sql.split('\n');
  const focus = where ? where.line - stmt.line : 0;
  const from = Math.max(0, focus - 3);
  const to = Math.min(lines.length, focus + 4);
  const out: string[] = [];
  for (let k = from; k < to; k++) {
    out.push(`  ${String(stmt.line + k).padStart(5)} | ${(lines[k] ?? '').replace(/\r$/, '')}`);
    if (where && k === focus) out.push(`  ${' '.repeat(5)} | ${' '.repeat(Math.max(0, where.column - 1))}^`);
  }
  if (to < lines.length) out.push('        | …');
  return out.join('\n');
}
