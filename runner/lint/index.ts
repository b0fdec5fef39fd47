/**
 * `rsrun lint`'s library: static Redshift checks on a project's migrations and SQL tests, run by
 * `lint`, `plan` and `deploy` before anything connects. Rules: runner/lint/rules.ts and
 * docs/redshift-rules.md.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ResolvedConfig } from '../config/types';
import { ConfigError } from '../errors';
import { discoverMigrations, readText, type MigrationSet } from '../migrations/discover';
import type { Migration } from '../migrations/migration';
import { lintFiles, lintSettingsFrom, sourceFromText } from './lint';
import type { LintFinding, LintSource } from './types';

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
  const findings = await lintFiles(sources, settings);
  return { findings, files: [...new Set(sources.map((s) => s.file))] };
}

async function sqlFilesUnder(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith('.sql')).map((e) => path.join(e.parentPath, e.name)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(`cannot read the tests directory ${dir}`, { cause: err });
  }
}
