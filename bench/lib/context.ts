/**
 * What every scenario receives: sizes (full or `--quick`), where to put generated projects,
 * how to reach the PostgreSQL server, and how to run the built rsrun CLI.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ResultRow } from './results';
import { runProcess, type RunOptions, type RunResult } from './process';
import type { ServerInfo } from './postgres';

export const REPO_DIR = path.resolve(__dirname, '..', '..');
export const RSRUN_BIN = path.join(REPO_DIR, 'bin', 'rsrun.js');
export const PEERS_DIR = path.join(REPO_DIR, 'bench', 'peers');

export interface BenchContext {
  quick: boolean;
  /** Scratch directory for this run (generated projects, run dirs). */
  workDir: string;
  server: ServerInfo;
  /** Progress lines go to stderr; the table goes to stdout. */
  log(message: string): void;
}

export interface Scenario {
  name: string;
  run(ctx: BenchContext): Promise<ResultRow[]>;
}

/** Runs `node bin/rsrun.js ARGS` (the built CLI, as a user would). */
export function runRsrun(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return runProcess(process.execPath, [RSRUN_BIN, ...args], options);
}

/**
 * Whether the built CLI can run a command: the bundle (dist/rsrun.js) holds every command body, so
 * this is whether it is built. The name stays in the signature for the rows that say which command.
 */
export function rsrunHasCommand(_command: string): boolean {
  return existsSync(path.join(REPO_DIR, 'dist', 'rsrun.js'));
}
