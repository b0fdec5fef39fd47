/**
 * The migration engine's public face: one object per run over the command modules (migrate.ts,
 * undo.ts, baseline.ts, repair.ts, validate.ts, plan.ts), as Flyway's facade sits over DbMigrate,
 * DbUndo, ... Each command is a function of an EngineContext and can be called directly too.
 */
import type { HistoryRow } from '../ledger/schema-history';
import type { MigrationSet } from '../migrations/discover';
import type { Session } from '../warehouse/warehouse';
import { baseline } from './baseline';
import { createEngineContext, type EngineContext, type EngineOptions } from './engine-context';
import { migrate } from './migrate';
import type { MigrateResult } from './outcomes';
import { plan, readState, type StateWithHistory } from './plan';
import type { ExecutionPlanItem } from './planning';
import { repair, type RepairResult } from './repair';
import { undo } from './undo';
import { validate } from './validate';

export type { EngineOptions as MigratorOptions } from './engine-context';
export type { MigrateResult, PartialResult } from './outcomes';
export { partialResultOf } from './outcomes';
export type { ExecutionPlanItem } from './planning';

export class Migrator {
  readonly context: EngineContext;

  constructor(options: EngineOptions) {
    this.context = createEngineContext(options);
  }

  migrations(): Promise<MigrationSet> {
    return this.context.migrations();
  }

  /** Applied and pending, without taking the lock or creating anything. */
  state(session?: Session): Promise<StateWithHistory> {
    return readState(this.context, session);
  }

  /** What `migrate` would do, in order. */
  plan(session?: Session): Promise<{ items: ExecutionPlanItem[]; state: StateWithHistory }> {
    return plan(this.context, session);
  }

  async validate(session?: Session): Promise<void> {
    await validate(this.context, session);
  }

  /** Applies everything pending under the deployment lock. */
  migrate(): Promise<MigrateResult> {
    return migrate(this.context);
  }

  /** Runs U scripts, newest first, for every applied version above `target`. */
  undo(target: string): Promise<MigrateResult> {
    return undo(this.context, target);
  }

  /** Marks an existing warehouse as being at `version`: older migrations will not run. */
  baseline(version: string, description: string): Promise<HistoryRow> {
    return baseline(this.context, version, description);
  }

  /** Removes failed rows, realigns checksums of edited applied migrations, and clears the lock. */
  repair(): Promise<RepairResult> {
    return repair(this.context);
  }
}
