/**
 * Errors the local engines raise where Redshift would, worded as Redshift words them, so tests that
 * expect an error and the runner's retry logic see what they would see on a cluster.
 *
 * `translateServerError` is applied by the pg warehouse to every server error when the environment
 * emulates Redshift (warehouse/pg-warehouse.ts): PostgreSQL's own refusals that have a Redshift
 * counterpart are reworded there; everything else passes unchanged.
 */

const DG = 'https://docs.aws.amazon.com/redshift/latest/dg/';

/** Shaped like pg's DatabaseError (message, code, detail, hint), which is what callers read. */
export class EmulatedRedshiftError extends Error {
  readonly severity = 'ERROR';
  readonly code: string;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  /** The AWS page the behaviour comes from. */
  readonly source: string;

  constructor(message: string, fields: { code: string; detail?: string; hint?: string; source: string }) {
    super(message);
    this.name = 'EmulatedRedshiftError';
    this.code = fields.code;
    this.detail = fields.detail;
    this.hint = fields.hint;
    this.source = fields.source;
  }
}

/** "<COMMAND> cannot run inside a transaction block" (SQLSTATE 25001, as on the cluster). */
export function refusedInTransactionBlock(message: string, source: string): EmulatedRedshiftError {
  return new EmulatedRedshiftError(message, {
    code: '25001',
    hint: 'run the statement outside BEGIN ... END (a migration: -- rsrun:no-transaction; a test: -- rsrun:isolation none)',
    source,
  });
}

/**
 * The serialization failure as Redshift reports it: "ERROR: 1023 DETAIL: Serializable isolation
 * violation on table ..." (c_serial_isolation, "How to fix serializable isolation errors"),
 * SQLSTATE XX000 on the cluster. PostgreSQL's own error is not kept as the cause: callers must
 * recognise Redshift's form, which is what they meet on a cluster.
 */
export function serializableViolation(postgresMessage: string): EmulatedRedshiftError {
  return new EmulatedRedshiftError('1023', {
    code: 'XX000',
    detail: `Serializable isolation violation on a table (the local engine: ${postgresMessage})`,
    hint: 'retry the transaction; or lock the tables it writes at its start (c_serial_isolation)',
    source: `${DG}c_serial_isolation.html`,
  });
}

// Redshift's hint for transaction control in an atomic procedure (stored-procedure-transaction-management).
const ATOMIC_HINT =
  'Try calling the procedure as a top-level call i.e. not from within an explicit transaction block. ' +
  'Or, if this procedure (or one of its ancestors in the call chain) was created with SET config options, recreate the procedure without them.';

/** The procedure the emulation calls after a TRUNCATE inside a stored procedure (transaction-guard.ts). */
export const TRUNCATE_COMMIT_PROCEDURE = 'truncate_commit';

/** Rewords PostgreSQL's errors that have a Redshift counterpart; returns anything else unchanged. */
export function translateServerError(err: unknown): unknown {
  const e = err as { code?: unknown; message?: unknown; where?: unknown } | null;
  if (!e || typeof e.code !== 'string') return err;
  if (e.code === '40001') return serializableViolation(String(e.message));
  // PostgreSQL refuses COMMIT/ROLLBACK in a procedure called inside a transaction block (or one
  // created with SET options) with "invalid transaction termination"; Redshift refuses the same
  // calls, and TRUNCATE too (the emulation makes a procedure's TRUNCATE commit through a nested
  // procedure, which PostgreSQL refuses there in the same way).
  if (e.code === '2D000' && typeof e.where === 'string') {
    const command = e.where.includes(`${TRUNCATE_COMMIT_PROCEDURE}()`) ? 'TRUNCATE' : /\bat (COMMIT|ROLLBACK)\b/.exec(e.where)?.[1];
    if (command) {
      return new EmulatedRedshiftError(`${command} cannot be invoked from a procedure that is executing in an atomic context.`, {
        code: '2D000',
        hint: ATOMIC_HINT,
        source: `${DG}stored-procedure-transaction-management.html`,
      });
    }
  }
  return err;
}
