/**
 * The port through which Redshift SQL is adapted to a PostgreSQL-compatible engine (the embedded
 * engine and PostgreSQL environments marked `emulate_redshift`). The migration engine and the
 * test runner pass every statement through it; on real Redshift no rewriter is used.
 */
import type { Session } from '../warehouse/warehouse';

export type RewrittenStatement =
  /** Send this SQL instead (one statement). */
  | { kind: 'sql'; sql: string }
  /** Do this on the session instead, e.g. load `COPY ... FROM 's3://...'` through COPY FROM STDIN. */
  | { kind: 'action'; description: string; run(session: Session): Promise<void> };

export interface StatementLocation {
  file: string;
  /** 1-based line of the statement's first line in `file`. */
  line: number;
}

export interface StatementRewriter {
  /** Idempotent set-up on a session before statements run (e.g. installs the compat functions). */
  prepare(session: Session): Promise<void>;
  /** Throws an InputError naming the construct, file and line when something cannot be emulated. */
  rewrite(statement: string, where: StatementLocation): RewrittenStatement[];
}
