/**
 * What `rsrun init` will write, checked in full before anything is written: an existing file is
 * never overwritten, and a refusal leaves the directory as it was.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors';
import { GITIGNORE_ENTRIES } from './templates';

export interface InitPlan {
  /** Absolute project directory. */
  dir: string;
  /** Files to create, relative to `dir`. */
  files: { path: string; content: string; what: string }[];
  /** Folders to create (kept empty). */
  dirs: string[];
  /** Folders that must be empty or absent (an example migration beside the user's would clash). */
  untouched?: string[];
  /** Lines printed after the summary: what was adopted, what to do next. */
  notes: string[];
}

export interface WrittenPlan {
  created: { path: string; what: string }[];
  /** `.gitignore` entries appended to an existing file. */
  ignored: string[];
}

export async function writePlan(plan: InitPlan): Promise<WrittenPlan> {
  const existing = [
    ...plan.files.filter((f) => existsSync(path.join(plan.dir, f.path))).map((f) => f.path),
    ...(plan.untouched ?? []).filter((d) => readdirIfAny(path.join(plan.dir, d)).length > 0).map((d) => `${d}/`),
  ];
  if (existing.length > 0) {
    throw new ConfigError(`${plan.dir} already has ${existing.join(', ')}`, {
      hint: 'rsrun init never overwrites or adds to them: init another directory, or adopt existing SQL with --from-flyway / --from-seed (nothing was written)',
    });
  }
  await mkdir(plan.dir, { recursive: true });
  for (const d of plan.dirs) await mkdir(path.join(plan.dir, d), { recursive: true });
  for (const f of plan.files) {
    await mkdir(path.dirname(path.join(plan.dir, f.path)), { recursive: true });
    await writeFile(path.join(plan.dir, f.path), f.content, { flag: 'wx' });
  }
  return { created: plan.files.map(({ path: p, what }) => ({ path: p, what })), ignored: await ignoreLocalFiles(plan.dir) };
}

function readdirIfAny(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** Adds what is missing to `.gitignore` (creating it), keeping everything already there. */
async function ignoreLocalFiles(dir: string): Promise<string[]> {
  const file = path.join(dir, '.gitignore');
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const have = new Set(current.split(/\r?\n/).map((l) => l.trim().replace(/^\//, '')));
  const missing = GITIGNORE_ENTRIES.filter((e) => !have.has(e) && !have.has(e.replace(/\/$/, '')));
  if (missing.length === 0) return [];
  const prefix = current === '' || current.endsWith('\n') ? '' : '\n';
  await appendFile(file, `${prefix}# rsrun: run reports and local state\n${missing.join('\n')}\n`);
  return missing;
}
