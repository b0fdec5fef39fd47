/**
 * The record of one run, written as `report.json` and read back by every reporter (JUnit, HTML),
 * the shipper (S3 index) and the metrics publisher. Add fields; never rename them.
 */
import type { DriftRecord, MigrationOutcome, RunStatus, TestOutcome } from '../events';

export interface LintFindingRecord {
  rule: string;
  severity: 'error' | 'warning';
  file: string;
  line: number;
  message: string;
}

export interface RunSummary {
  migrationsApplied: number;
  migrationsFailed: number;
  total: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
}

export interface RunReport {
  schemaVersion: 1;
  runId: string;
  command: string;
  project: string;
  environment: string;
  /** e.g. `postgres://deployer@host:5439/dev` (never a password). */
  target: string;
  status: RunStatus;
  exitCode: number;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Provenance: from git in a checkout, overridden by CI variables. */
  build: { commit?: string; number?: string; branch?: string; author?: string; url?: string };
  migrations: MigrationOutcome[];
  tests: TestOutcome[];
  lint: LintFindingRecord[];
  summary: RunSummary;
  /** The drift check run before migrating (`[env.*] drift` not `off`). */
  drift?: DriftRecord;
  /** Top-level error of a run that failed outside a migration or test. */
  error?: string;
}

export function summarize(migrations: MigrationOutcome[], tests: TestOutcome[]): RunSummary {
  return {
    migrationsApplied: migrations.filter((m) => m.status === 'applied').length,
    migrationsFailed: migrations.filter((m) => m.status === 'failed').length,
    total: tests.length,
    passed: tests.filter((t) => t.status === 'passed').length,
    failed: tests.filter((t) => t.status === 'failed').length,
    errors: tests.filter((t) => t.status === 'error').length,
    skipped: tests.filter((t) => t.status === 'skipped').length,
  };
}
