/**
 * The report site's data files, as stored beside the run folders (S3 or the local store):
 *   <prefix>/site.json                 every environment's current state (the home page's data)
 *   <prefix>/<env>/index.json          current state, the newest runs, the list of sealed pages
 *   <prefix>/<env>/runs/<page>.json    older runs, 250 per page, immutable once written
 *   <prefix>/<env>/tests.json          each test's last results, for new / recurring / flaky
 * Readers (jq, dashboards) may rely on these fields; add fields, never rename them.
 */
import type { RunSummary } from '../../run/run-report';

/** Status of a run in the index: a report's status, or `incomplete` when the run crashed before its report. */
export type IndexStatus = 'passed' | 'failed' | 'error' | 'incomplete';

/** One run as the site lists it: a summary, never the full report. */
export interface RunIndexEntry {
  runId: string;
  status: IndexStatus;
  command: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  exitCode?: number;
  summary?: RunSummary;
  commit?: string;
  branch?: string;
  author?: string;
  buildNumber?: string;
  buildUrl?: string;
  /** Where the run connected (`embedded: .rsrun/local`, `redshift://deployer@host:5439/dev`). */
  target?: string;
  /** Sum of the migration durations of this run. */
  migrationMs?: number;
  /** Versions this run applied (versioned migrations) or reverted (undo scripts). */
  applied?: string[];
  reverted?: string[];
  /** Highest applied version after the run, when known (history snapshot, or the state it changed). */
  version?: string;
  /** Fingerprint of the applied migrations (versions and checksums) after the run. */
  schema?: string;
  /** Relative to the environment folder: `<run-id>/`. */
  path: string;
  /** Present when the run produced report.html. */
  report?: string;
  files: number;
}

/** A sealed page of older runs: `runs/<oldest>--<newest>-<hash>.json` (and `.js` for pages opened from disk). */
export interface IndexPage {
  file: string;
  count: number;
  oldest: string;
  newest: string;
}

/** A run as other pages refer to it. */
export type RunRef = Pick<RunIndexEntry, 'runId' | 'status' | 'command' | 'startedAt' | 'commit' | 'branch' | 'author' | 'report'> & {
  finishedAt?: string;
};

export interface EnvironmentState {
  /** Highest applied version, and the run that reached it. */
  version?: string;
  versionSince?: RunRef;
  /** Every applied version (from the newest history snapshot, adjusted by later runs). */
  applied: string[];
  schema?: string;
  lastRun?: RunRef;
  lastDeploy?: RunRef;
}

export interface RunIndex {
  schemaVersion: 2;
  project: string;
  environment: string;
  updatedAt: string;
  /** Runs in all: `runs` plus every page. */
  total: number;
  state: EnvironmentState;
  /** The newest runs (between one and two pages' worth), newest first. */
  runs: RunIndexEntry[];
  /** Older runs, newest page first. */
  pages: IndexPage[];
}

export type TestResultStatus = 'passed' | 'failed' | 'error' | 'skipped';

export interface TestResult {
  runId: string;
  status: TestResultStatus;
  /** Short SHA-256 of the test's SQL: a changed test explains a changed result. */
  sql: string;
  ms: number;
}

export interface TestHistoryEntry {
  suite: string;
  name: string;
  file: string;
  /** Newest first, at most `window`. */
  results: TestResult[];
}

export interface TestHistory {
  schemaVersion: 1;
  environment: string;
  updatedAt: string;
  window: number;
  /** Runs that ran tests, newest first, with the schema fingerprint they ran against. */
  runs: { runId: string; startedAt: string; schema?: string }[];
  tests: Record<string, TestHistoryEntry>;
}

export interface SiteEnvironment {
  name: string;
  updatedAt: string;
  total: number;
  state: EnvironmentState;
  /** The newest run that ran tests. */
  lastTests?: RunRef & { passed: number; total: number; failed: number };
  failing: number;
  flaky: number;
  /** The newest runs (at most 20), newest first, for the home page's strip. */
  recent?: Pick<RunIndexEntry, 'runId' | 'status' | 'command' | 'startedAt' | 'report'>[];
}

export interface SiteIndex {
  schemaVersion: 1;
  project: string;
  updatedAt: string;
  environments: Record<string, SiteEnvironment>;
}

/** Settings of the site, from `[site]` in rsrun.ini (see `siteSettings`). */
export interface SiteSettings {
  /** Repository web address; commits link to `<url>/commit/<sha>`, or the URL with `{commit}` replaced. */
  repositoryUrl?: string;
  /** Runs listed per environment; older entries leave the index (their objects stay unless deleted). */
  keepRuns?: number;
  /** Results kept per test in tests.json. */
  testWindow: number;
  /** Runs per sealed page. */
  pageSize: number;
  /** Environments in promotion order on the home page (others follow, alphabetically). */
  environments?: string[];
}

export const DEFAULT_SITE_SETTINGS: SiteSettings = { testWindow: 30, pageSize: 250 };
