/**
 * Pure planning: given the migrations on disk and the history rows, what is applied, what is
 * pending, and what disagrees; and how each pending migration will run (in a transaction or not).
 * No database access here, so it is tested without one.
 */
import type { DialectAdapter } from '../dialects/dialect';
import { statementHead } from '../dialects/statement-shape';
import { InputError, ValidationError } from '../errors';
import type { HistoryRow } from '../ledger/schema-history';
import { versionKey, type MigrationSet } from '../migrations/discover';
import type { Migration } from '../migrations/migration';
import { compareVersions, parseVersion } from '../migrations/version';

export type PendingReason = 'new' | 'resume' | 'changed';

export interface PendingMigration {
  migration: Migration;
  reason: PendingReason;
  /** For `resume`: the history row of the partial run and how many statements it completed. */
  resumeFrom?: { installedRank: number; statementsDone: number };
}

export interface AppliedState {
  /** Latest row per version (versioned/baseline/undo) that decides whether it is applied. */
  applied: HistoryRow[];
  pending: PendingMigration[];
  /** Human-readable problems that stop a deploy (validate). */
  problems: string[];
  /** Highest applied version, if any. */
  current: string | null;
}

export function computeState(set: MigrationSet, history: HistoryRow[]): AppliedState {
  const latestByVersion = new Map<string, HistoryRow>();
  let baseline: string | null = null;
  for (const row of history) {
    if (row.type === 'repeatable' || row.version === null) continue;
    if (row.type === 'baseline') baseline = row.version;
    latestByVersion.set(keyOf(row.version), row);
  }
  const { pending, problems } = versionedState(set, latestByVersion, baseline);
  // Applied versions whose file is gone.
  for (const [key, row] of latestByVersion) {
    if (row.type !== 'versioned' || !row.success) continue;
    if (!set.versioned.some((m) => keyOf(m.version) === key)) {
      problems.push(`version ${row.version} (${row.script}) is applied but its file is missing from the migrations folder: restore it`);
    }
  }
  const latestRepeatable = new Map<string, HistoryRow>();
  for (const row of history) if (row.type === 'repeatable' && row.success) latestRepeatable.set(row.description, row);
  for (const m of set.repeatable) {
    const row = latestRepeatable.get(m.description);
    if (!row) pending.push({ migration: m, reason: 'new' });
    else if (row.checksum !== m.checksum) pending.push({ migration: m, reason: 'changed' });
  }
  return {
    applied: [...latestByVersion.values()].sort((a, b) => a.installedRank - b.installedRank),
    pending,
    problems,
    current: currentVersion(latestByVersion),
  };
}

/** Versioned migrations: pending (new, or resuming a partial run) and edited-after-applied problems. */
function versionedState(
  set: MigrationSet,
  latestByVersion: ReadonlyMap<string, HistoryRow>,
  baseline: string | null,
): { pending: PendingMigration[]; problems: string[] } {
  const pending: PendingMigration[] = [];
  const problems: string[] = [];
  for (const m of set.versioned) {
    const row = latestByVersion.get(keyOf(m.version));
    if (row && row.type === 'versioned' && row.success) {
      if (row.checksum !== null && row.checksum !== m.checksum) {
        problems.push(
          `${m.script} was edited after it was applied (applied checksum ${short(row.checksum)}, file now ${short(m.checksum)}): restore it, or if the change is intended and already reflected in the warehouse, run \`rsrun repair\``,
        );
      }
      continue;
    }
    if (row && row.type === 'versioned' && !row.success) {
      pending.push({
        migration: m,
        reason: 'resume',
        resumeFrom: { installedRank: row.installedRank, statementsDone: row.statementsDone ?? 0 },
      });
      continue;
    }
    const coveredByBaseline =
      baseline !== null &&
      parseVersion(m.version ?? '') &&
      parseVersion(baseline) &&
      compareVersions(m.version as string, baseline) <= 0 &&
      (!row || row.type !== 'undo');
    if (!coveredByBaseline) pending.push({ migration: m, reason: 'new' });
  }
  return { pending, problems };
}

/** The highest applied version (numeric order), or the last applied INI section. */
function currentVersion(latestByVersion: ReadonlyMap<string, HistoryRow>): string | null {
  const versions = [...latestByVersion.values()].filter(
    (r) => (r.type === 'versioned' || r.type === 'baseline') && r.success && r.version !== null,
  );
  const numeric = versions.map((r) => r.version as string).filter((v) => parseVersion(v));
  return numeric.length > 0 ? (numeric.sort(compareVersions).at(-1) as string) : (versions.at(-1)?.version ?? null);
}

/** History rows store normalised versions; INI changeset sections are matched by name. */
function keyOf(version: string | null): string {
  if (version === null) return '';
  return parseVersion(version) ? versionKey(version) : `ini:${version}`;
}

function short(checksum: string): string {
  return checksum.slice(0, 12);
}

export interface ExecutionPlanItem {
  migration: Migration;
  reason: PendingMigration['reason'];
  transactional: boolean;
  /** Why a migration runs outside a transaction. */
  nonTransactionalBecause: string | undefined;
  resumeFrom: number;
}

export function planItem(p: PendingMigration, dialect: DialectAdapter): ExecutionPlanItem {
  return {
    migration: p.migration,
    reason: p.reason,
    resumeFrom: p.resumeFrom?.statementsDone ?? 0,
    ...transactionality(p.migration, dialect),
  };
}

/** The ValidationError for an applied history that disagrees with the files; nothing was changed. */
export function disagreement(problems: readonly string[], changed = 'changed'): ValidationError {
  return new ValidationError(`${problems.length} applied migration(s) disagree with the files`, problems, {
    hint: `nothing was ${changed}; fix the files, or run \`rsrun repair\` if the warehouse already matches them`,
  });
}

// Commands a migration must not issue itself: the engine owns transaction control.
const TRANSACTION_CONTROL = /^(BEGIN|START TRANSACTION|COMMIT|END|ROLLBACK|ABORT)( TRANSACTION| WORK)?$/;

export function transactionality(
  m: Migration,
  dialect: DialectAdapter,
): Pick<ExecutionPlanItem, 'transactional' | 'nonTransactionalBecause'> {
  // One pass: a large migration's statements are read from its file (FileStatements).
  const declared = m.directives.has('no-transaction');
  let because: string | undefined;
  for (const s of m.statements) {
    const head = statementHead(s.sql, 40).replace(/;$/, '');
    if (TRANSACTION_CONTROL.test(head)) {
      throw new InputError(`${m.script} issues ${head} itself`, {
        file: m.file,
        line: s.line,
        hint: 'remove it: rsrun runs each migration in its own transaction; for statements that must run outside one, add -- rsrun:no-transaction',
      });
    }
    if (declared || because !== undefined) continue;
    const nt = dialect.nonTransactional(s.sql);
    const match = nt ?? dialect.commitsImplicitly(s.sql);
    if (match) {
      const why = nt ? 'cannot run inside a transaction block' : 'commits the transaction it runs in';
      because = `statement ${s.index + 1} (line ${s.line}) is ${match.command}, which ${why} (${match.source})`;
    }
  }
  if (declared) return { transactional: false, nonTransactionalBecause: 'declared with -- rsrun:no-transaction' };
  return because === undefined
    ? { transactional: true, nonTransactionalBecause: undefined }
    : { transactional: false, nonTransactionalBecause: because };
}
