/**
 * The lint's public shapes. A finding matches `LintFindingRecord` in runner/run/run-report.ts so
 * it can go into report.json unchanged.
 */
import type { SqlComment, SqlStatement, StatementList } from '../migrations/split-sql';
import type { SqlToken } from '../dialects/sql-tokens';

export type LintSeverity = 'error' | 'warning';

export interface LintFinding {
  /** Stable id, e.g. `RS001` (docs/redshift-rules.md). */
  rule: string;
  severity: LintSeverity;
  /** Path as shown to the user (relative to the project directory). */
  file: string;
  /** 1-based line of the offending token. */
  line: number;
  message: string;
}

/** What a file is decides which rules apply: transaction and risky-change rules are for migrations. */
export type LintSourceKind = 'versioned' | 'repeatable' | 'undo' | 'test';

/** One file (or one INI changeset section) to lint, already split into statements. */
export interface LintSource {
  file: string;
  kind: LintSourceKind;
  /** A migration's own list: a large file's statements are read from it as the lint goes. */
  statements: StatementList;
  /** Comments of the file, where `-- rsrun:` directives live. */
  comments: SqlComment[];
  /** Directive names the migration discovery already found (e.g. `no-transaction` of an INI changeset). */
  directives?: ReadonlySet<string>;
}

/** The `[lint]` section of rsrun.ini. */
export interface LintSettings {
  /** `require_dist_sort = true`: every permanent CREATE TABLE names DISTSTYLE, DISTKEY or SORTKEY (RS203). */
  requireDistSort: boolean;
  /** `disable = RS016, RS204`: rules switched off for the whole project. */
  disabled: ReadonlySet<string>;
  /** `errors = RS201`: warning rules the project treats as errors. */
  errors: ReadonlySet<string>;
}

export const DEFAULT_LINT_SETTINGS: LintSettings = { requireDistSort: false, disabled: new Set(), errors: new Set() };

/** One statement as the checks see it. */
export interface StatementView {
  source: LintSource;
  statement: SqlStatement;
  /** Code tokens (comments removed). */
  tokens: SqlToken[];
  /** File line of a token. */
  lineOf(t: SqlToken | undefined): number;
}

/** A check reports through this; the engine applies severities, silencing and settings. */
export type Report = (rule: string, at: SqlToken | undefined, message: string) => void;
