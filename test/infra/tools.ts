/**
 * Running the external linters and tools the infrastructure checks use, and probing for them so a
 * suite can `requireService` (skip with a reason outside CI, fail in CI).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program without a shell; never rejects on a non-zero exit (the caller asserts on it). */
export function runTool(
  file: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: options.cwd ?? REPO, env: options.env ?? process.env, timeout: options.timeoutMs ?? 180_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(err);
          return;
        }
        resolve({ code: err ? Number(err.code) : 0, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/** Probe for `requireService`: resolves when `file --version`-style invocation works. */
export async function probeTool(file: string, args: string[] = ['--version']): Promise<void> {
  const r = await runTool(file, args, { timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(0, 200)}`);
}

/** A binary installed in node_modules/.bin. */
export function npmBin(name: string): string {
  return path.join(REPO, 'node_modules', '.bin', name);
}

export function readRepoFile(rel: string): Promise<string> {
  return readFile(path.join(REPO, rel), 'utf8');
}

/** Files git tracks (plus untracked, not ignored ones) matching pathspecs, repository-relative. */
export async function repoFiles(...pathspecs: string[]): Promise<string[]> {
  const r = await runTool('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...pathspecs]);
  if (r.code !== 0) throw new Error(`git ls-files failed: ${r.stderr}`);
  return [...new Set(r.stdout.split('\n').filter((f) => f !== ''))].sort();
}
