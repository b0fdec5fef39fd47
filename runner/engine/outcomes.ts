/**
 * What happened to each migration of a run — applied, failed, not run — recorded once and emitted
 * as a `migration:finish` event, so reports show every row, also the ones a failure left unrun.
 * A failure carries that partial result: `partialResultOf(err)` (Flyway's migrate exception keeps
 * what was applied, what failed and what never ran in the same way).
 */
import { messageOf, MigrationError } from '../errors';
import type { MigrationOutcome, MigrationStatus, RunEventBus } from '../events';
import type { HistoryRow } from '../ledger/schema-history';
import type { Logger } from '../logging/logger';
import { migrationRef } from '../migrations/migration';
import type { ExecutionPlanItem } from './planning';

export interface MigrateResult {
  outcomes: MigrationOutcome[];
  applied: number;
  /** The state after the run (history re-read). */
  history: HistoryRow[];
}

/** The outcomes of a run that failed: every migration it was asked to run, each with its status. */
export interface PartialResult {
  outcomes: readonly MigrationOutcome[];
}

// Keyed by the thrown error itself, so the error keeps its own type and exit code.
const partials = new WeakMap<object, PartialResult>();

export function partialResultOf(err: unknown): PartialResult | undefined {
  return typeof err === 'object' && err !== null ? partials.get(err) : undefined;
}

/** `replacement` is thrown instead of `original` (e.g. a lost connection): it carries the same result. */
export function carryPartialResult(original: unknown, replacement: object): void {
  const partial = partialResultOf(original);
  if (partial) partials.set(replacement, partial);
}

export class OutcomeRecorder {
  readonly outcomes: MigrationOutcome[] = [];

  constructor(
    private readonly events: RunEventBus | undefined,
    private readonly logger: Logger,
  ) {}

  started(item: ExecutionPlanItem, message: string): void {
    this.events?.emit('migration:start', { migration: migrationRef(item.migration, item.transactional) });
    this.logger.info(message);
  }

  applied(item: ExecutionPlanItem, durationMs: number): void {
    this.record(item, 'applied', durationMs);
    this.logger.info(`applied ${item.migration.script} in ${durationMs} ms`);
  }

  /** Records `failed` and every item of `rest` as not run, and returns `err` carrying the result. */
  failed(item: ExecutionPlanItem, durationMs: number, err: unknown, rest: readonly ExecutionPlanItem[]): unknown {
    this.record(item, 'failed', durationMs, err);
    for (const other of rest) this.record(other, 'not-run', 0);
    if (typeof err === 'object' && err !== null) partials.set(err, { outcomes: [...this.outcomes] });
    return err;
  }

  /** The run stops before `rest` (e.g. its lease was lost): they are not run, and `err` carries the result. */
  stopped(rest: readonly ExecutionPlanItem[], err: Error): Error {
    for (const other of rest) this.record(other, 'not-run', 0);
    partials.set(err, { outcomes: [...this.outcomes] });
    return err;
  }

  result(history: HistoryRow[]): MigrateResult {
    return { outcomes: this.outcomes, applied: this.outcomes.filter((o) => o.status === 'applied').length, history };
  }

  private record(item: ExecutionPlanItem, status: MigrationStatus, durationMs: number, err?: unknown): void {
    const outcome: MigrationOutcome = {
      migration: migrationRef(item.migration, item.transactional),
      status,
      durationMs,
      ...(err !== undefined ? { error: errorOf(item, err) } : {}),
    };
    this.outcomes.push(outcome);
    this.events?.emit('migration:finish', outcome);
  }
}

function errorOf(item: ExecutionPlanItem, err: unknown): NonNullable<MigrationOutcome['error']> {
  const e = err instanceof MigrationError ? err : undefined;
  return {
    message: messageOf(err),
    ...(e?.statementIndex !== undefined
      ? { statementIndex: e.statementIndex, sql: item.migration.statements.at(e.statementIndex)?.sql ?? '' }
      : {}),
    ...(e?.line !== undefined ? { line: e.line } : {}),
    ...(e?.sqlState !== undefined ? { sqlState: e.sqlState } : {}),
  };
}
