/**
 * Typed lifecycle events. The engine and the test runner emit them; reports, log shipping and
 * metrics are listeners. Nothing here imports the AWS SDK or a reporter.
 */
import { EventEmitter } from 'node:events';

export type MigrationKind = 'versioned' | 'repeatable' | 'undo' | 'baseline';

/** What a report row needs to know about a migration. */
export interface MigrationRef {
  version: string | null;
  description: string;
  kind: MigrationKind;
  script: string;
  checksum: string;
  transactional: boolean;
  statementCount: number;
}

export type MigrationStatus = 'applied' | 'failed' | 'not-run' | 'skipped';

export interface MigrationOutcome {
  migration: MigrationRef;
  status: MigrationStatus;
  durationMs: number;
  /** Present when status is failed. */
  error?: { message: string; statementIndex?: number; line?: number; sqlState?: string; sql?: string };
}

export type TestStatus = 'passed' | 'failed' | 'error' | 'skipped';

export interface TestOutcome {
  /** Stable id: `<suite>::<name>`. */
  id: string;
  suite: string;
  name: string;
  file: string;
  line?: number;
  tags: string[];
  status: TestStatus;
  durationMs: number;
  message?: string;
  sql?: string;
  expected?: TableData;
  actual?: TableData;
  /** True when a statement committed implicitly so the test's changes could not be rolled back. */
  isolationBroken?: boolean;
}

export interface TableData {
  columns: string[];
  /** Cells as the test compared them: text, or null for SQL NULL. */
  rows: (string | null)[][];
  /** Rows that existed beyond what `rows` shows (reports cap what they keep). */
  truncated?: number;
}

export type RunStatus = 'passed' | 'failed' | 'error';

/** The drift check plan/deploy run first (`rsrun drift`; docs/drift.md): one row per differing attribute. */
export interface DriftRecord {
  /** Distinct drifted objects. */
  objects: number;
  items: Array<{
    objectType: string;
    object: string;
    attribute: string;
    expected: string | null;
    actual: string | null;
    migration: string | null;
  }>;
}

export interface RunEvents {
  'run:start': { runId: string; command: string; env: string; startedAt: Date };
  'lint:finding': { rule: string; severity: 'error' | 'warning'; file: string; line: number; message: string };
  'drift:checked': DriftRecord;
  'migration:start': { migration: MigrationRef };
  'migration:finish': MigrationOutcome;
  'test:start': { id: string; name: string; suite: string };
  'test:finish': TestOutcome;
  'run:finish': { runId: string; status: RunStatus; finishedAt: Date; exitCode: number; error?: string };
}

type Listener<T> = (payload: T) => void;

/** A typed facade over EventEmitter so listeners and emitters agree on payloads at compile time. */
export class RunEventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(50);
  }

  on<K extends keyof RunEvents>(event: K, listener: Listener<RunEvents[K]>): this {
    this.emitter.on(event, listener);
    return this;
  }

  off<K extends keyof RunEvents>(event: K, listener: Listener<RunEvents[K]>): this {
    this.emitter.off(event, listener);
    return this;
  }

  emit<K extends keyof RunEvents>(event: K, payload: RunEvents[K]): void {
    this.emitter.emit(event, payload);
  }
}
