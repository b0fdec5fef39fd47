/**
 * The schema history port (Flyway's name for it): which migrations ran, when, by whom, with which
 * checksum; the staging that lets a migration's history row travel inside its own transaction;
 * and the deployment lease. The engine talks to this interface only:
 *   - `sql-schema-history.ts`: tables in the warehouse (Redshift, PostgreSQL, the embedded engine);
 *   - `memory-schema-history.ts`: arrays in memory, for engine unit tests without a database.
 */
import type { MigrationKind } from '../events';
import type { Session } from '../warehouse/warehouse';

export interface HistoryRow {
  installedRank: number;
  version: string | null;
  description: string;
  type: MigrationKind;
  script: string;
  checksum: string | null;
  installedBy: string;
  installedOn: string;
  executionMs: number;
  success: boolean;
  /** Non-transactional migrations record progress so a re-run after a crash resumes. */
  statementsDone: number | null;
  runId: string | null;
}

/** Values known before a migration runs (the history fills in time, duration and success). */
export type StagedRow = Omit<HistoryRow, 'installedOn' | 'executionMs' | 'success' | 'statementsDone' | 'runId'> & {
  statementsDone: number;
  runId: string;
};

/**
 * Statements (no values: those were staged) that wrap each migration of a one-round-trip batch:
 *   BEGIN; <open>; <the migration's statements>; <record>; COMMIT; ... <close>
 */
export interface InTransactionSql {
  /** Lock the history for the rest of the transaction (a migration that records its row itself). */
  readonly lock: readonly string[];
  /** Lock the history, stop when another session wrote to it since it was read, start the clock. */
  readonly open: readonly string[];
  /** Move the next staged row into the history as applied. */
  readonly record: readonly string[];
  /** After the round trip's last COMMIT: stop the clock of the last migration recorded. */
  readonly close: readonly string[];
}

/** Who holds the deployment lease. */
export interface LeaseHolder {
  owner: string;
  runId: string | null;
  host: string | null;
  osPid: number | null;
  backendPid: number | null;
  /** When the holder's database session started, as the server wrote it (PID + start = one session). */
  sessionStart: string | null;
  dbUser: string | null;
  acquiredAt: string | null;
  /** The holder stopped renewing: its lease ran past `expires_at` on the server's clock. */
  expired: boolean;
}

export type LeaseClaim = Omit<LeaseHolder, 'acquiredAt' | 'expired'> & { runId: string; ttlSeconds: number };

export type ClaimResult = { claimed: true } | { claimed: false; holder: LeaseHolder };

/** The deployment lock: one lease row, claimed inside a short transaction holding the lock table's LOCK. */
export interface DeploymentLease {
  /** Qualified name of the lock table, for messages. */
  readonly name: string;
  /**
   * Claims the lease when it is free or already this run's, or when its holder is still the run
   * `takeOverFrom` (a holder found stale a moment ago, null for a holder without a run id);
   * otherwise returns the holder.
   */
  claim(session: Session, claim: LeaseClaim, takeOverFrom?: string | null): Promise<ClaimResult>;
  /** Extends this run's lease; false when it is no longer this run's (taken over, or released by repair). */
  renew(session: Session, runId: string, ttlSeconds: number): Promise<boolean>;
  release(session: Session, runId: string): Promise<void>;
  /** Clears the lease whoever holds it (`rsrun repair`); returns the holder it removed. */
  forceRelease(session: Session): Promise<LeaseHolder | undefined>;
}

export interface SchemaHistory {
  /** Qualified name of the history table, for messages. */
  readonly name: string;
  readonly lease: DeploymentLease;
  /** Creates the schema, history and lock tables if missing (idempotent, safe under concurrency). */
  ensure(session: Session): Promise<void>;
  /** True when the history exists (read-only commands do not create it). */
  exists(session: Session): Promise<boolean>;
  list(session: Session): Promise<HistoryRow[]>;
  /** One row now (baseline, the progress row of a non-transactional migration, a stepwise migration). */
  insert(session: Session, row: StagedRow, outcome: { success: boolean; executionMs: number }): Promise<void>;
  updateProgress(session: Session, installedRank: number, statementsDone: number): Promise<void>;
  markSucceeded(
    session: Session,
    installedRank: number,
    done: { statementsDone: number; executionMs: number; checksum: string | null },
  ): Promise<void>;
  deleteFailed(session: Session): Promise<number>;
  setChecksum(session: Session, installedRank: number, checksum: string): Promise<void>;

  /** Stages the rows of migrations about to travel in batches, in apply order (replaces any earlier stage). */
  stage(session: Session, rows: readonly StagedRow[]): Promise<void>;
  unstage(session: Session): Promise<void>;
  /** Rank of the next staged row and how many are left: what a failed round trip committed. */
  staged(session: Session): Promise<{ firstRank: number; total: number }>;
  readonly inTransaction: InTransactionSql;
  /** Closes the clock a failed round trip left open (its `close` statements never ran). */
  closeTimings(session: Session): Promise<void>;
  /** Recorded durations of `count` rows from `firstRank`, in rank order. */
  executionTimes(session: Session, firstRank: number, count: number): Promise<number[]>;
  /** The first row another run wrote at or after the next staged rank, if any. */
  foreignRowAtStage(session: Session, runId: string): Promise<{ script: string; runId: string | null } | undefined>;
}
