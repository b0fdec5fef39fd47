/**
 * `rsrun lint`'s library: static Redshift checks on a project's migrations and SQL tests, run by
 * `lint`, `plan` and `deploy` before anything connects. Rules: runner/lint/rules.ts and
 * docs/redshift-rules.md.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedConfig } from '../config/types';
import { ConfigError } from '../errors';
import { discoverMigrations, readText, type MigrationSet } from '../migrations/discover';
import type { Migration } from '../migrations/migration';
import { lintFiles, lintSettingsFrom, sourceFromText } from './lint';
import type { LintFinding, LintSettings, LintSource } from './types';
import { VERSION } from '../version';
import { ensureStateDir } from '../run/state-dir';

export type { LintFinding, LintSettings, LintSeverity, LintSource, LintSourceKind } from './types';
export { RULES, RULE_BY_ID } from './rules';
export { lintFiles, lintSettingsFrom, sourceFromText } from './lint';
export { formatJson, formatJunit, formatText, countBySeverity } from './format';

export interface ProjectLint {
  findings: LintFinding[];
  /** Files checked, relative to the project directory. */
  files: string[];
}

/** Lints every migration (V, R, U and INI changesets) and every SQL test file of the project. */
export async function lintProject(config: ResolvedConfig, migrations?: MigrationSet): Promise<LintFinding[]> {
  return (await lintProjectFiles(config, migrations)).findings;
}

/** `migrations`: the set the calling command already discovered, so files are read once. */
export async function lintProjectFiles(config: ResolvedConfig, migrations?: MigrationSet): Promise<ProjectLint> {
  const { project } = config;
  const settings = lintSettingsFrom(project.extraSections.lint);
  const rel = (file: string) => path.relative(project.dir, file).split(path.sep).join('/') || file;
  const sources: LintSource[] = [];
  const set = migrations ?? (await discoverMigrations(project.migrationsDir));
  // SQL files carry their comments (directives, lint-disable-next-statement lines); INI
  // changesets only the directives discovery found.
  const fromMigration = (m: Migration): LintSource => ({
    file: m.source === 'ini' ? `${rel(m.file)}#[${m.version ?? ''}]` : rel(m.file),
    kind: m.kind === 'repeatable' ? 'repeatable' : m.kind === 'undo' ? 'undo' : 'versioned',
    statements: m.statements,
    comments: m.comments,
    directives: m.directives,
  });
  for (const m of [...set.versioned, ...set.repeatable, ...set.undo.values()]) sources.push(fromMigration(m));
  for (const file of await sqlFilesUnder(project.testsDir)) {
    sources.push(sourceFromText(rel(file), 'test', await readText(file)));
  }
  const files = [...new Set(sources.map((s) => s.file))];
  const cacheFile = path.join(project.stateDir, 'lint-cache.json');
  const key = cacheKey(sources, settings);
  const cached = await readCache(cacheFile, key);
  if (cached) return { findings: cached, files };
  const findings = await lintFiles(sources, settings);
  await writeCache(cacheFile, key, findings);
  return { findings, files };
}

/**
 * The lint result depends only on the sources, the settings and the rules, so `plan` and
 * `deploy` re-lint only when one of them changed (rules are keyed by the lint code's own files).
 * Some rules look across files (a view over a table another migration drops), so the whole
 * project is one entry.
 */
function cacheKey(sources: readonly LintSource[], settings: LintSettings): string {
  const hash = createHash('sha256');
  hash.update(VERSION);
  for (const f of [__filename, ...['./lint', './rules'].flatMap(resolveOwn)]) {
    try {
      hash.update(`${f}:${statSync(f).mtimeMs}`);
    } catch {
      hash.update(f);
    }
  }
  hash.update(JSON.stringify(settings, (_k, v: unknown) => (v instanceof Set ? [...v].sort() : v)));
  // Piece by piece: a 50 MB migration must not become another 50 MB string just to be hashed.
  for (const s of sources) {
    hash.update(JSON.stringify([s.file, s.kind, [...(s.directives ?? [])].sort(), s.comments.map((c) => [c.line, c.kind, c.text])]));
    for (const x of s.statements) hash.update(`\u0000${x.line}\u0000`).update(x.sql);
  }
  return hash.digest('hex');
}

/** A sibling module's file; none once bundled (dist/rsrun.js, which is `__filename`, holds it). */
function resolveOwn(request: string): string[] {
  try {
    return [require.resolve(request)];
  } catch {
    return [];
  }
}

async function readCache(file: string, key: string): Promise<LintFinding[] | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { key?: string; findings?: LintFinding[] };
    return parsed.key === key && Array.isArray(parsed.findings) ? parsed.findings : undefined;
  } catch {
    return undefined;
  }
}

async function writeCache(file: string, key: string, findings: LintFinding[]): Promise<void> {
  try {
    await ensureStateDir(path.dirname(file));
    await writeFile(file, JSON.stringify({ key, findings }));
  } catch {
    // A read-only project directory (a mounted volume) only costs the next run a re-lint.
  }
}

async function sqlFilesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries
      .filter((e) => e.isFile() && e.name.endsWith('.sql'))
      .map((e) => path.join(e.parentPath, e.name))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(`cannot read the tests directory ${dir}`, { cause: err });
  }
}
