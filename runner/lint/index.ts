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
import { ConfigError, InputError } from '../errors';
import { discoverMigrations, type MigrationSet } from '../migrations/discover';
import { readSourceText } from '../migrations/source-text';
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
  let set: MigrationSet;
  try {
    set = migrations ?? (await discoverMigrations(project.migrationsDir));
  } catch (err) {
    // One file that cannot be lexed must not hide the findings of all the others.
    if (!(err instanceof InputError) || !err.message.startsWith('unterminated')) throw err;
    return lintUnlexableProject(config, settings, rel);
  }
  // SQL files carry their comments (directives, lint-disable-next-statement lines); INI
  // changesets only the directives discovery found.
  // The migration's own statement list: a large file's statements are read from it as the lint goes.
  const fingerprints = new Map<LintSource, string>();
  const fromMigration = (m: Migration): LintSource => {
    const source: LintSource = {
      file: m.source === 'ini' ? `${rel(m.file)}#[${m.version ?? ''}]` : rel(m.file),
      kind: m.kind === 'repeatable' ? 'repeatable' : m.kind === 'undo' ? 'undo' : 'versioned',
      statements: m.statements,
      comments: m.comments,
      directives: m.directives,
    };
    fingerprints.set(source, migrationFingerprint(m));
    return source;
  };
  for (const m of [...set.versioned, ...set.repeatable, ...set.undo.values()]) sources.push(fromMigration(m));
  for (const file of await sqlFilesUnder(project.testsDir)) {
    sources.push(sourceFromText(rel(file), 'test', readSourceText(file)));
  }
  const files = [...new Set(sources.map((s) => s.file))];
  const cacheFile = path.join(project.stateDir, 'lint-cache.json');
  const key = cacheKey(sources, settings, fingerprints);
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
function cacheKey(sources: readonly LintSource[], settings: LintSettings, fingerprints: ReadonlyMap<LintSource, string>): string {
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
    const fingerprint = fingerprints.get(s);
    if (fingerprint !== undefined) hash.update(fingerprint);
    else for (const x of s.statements) hash.update(`\u0000${x.line}\u0000`).update(x.sql);
  }
  return hash.digest('hex');
}

/**
 * A migration's text as the lint sees it, without reading it again: its checksum (text with line
 * endings normalised) plus where its statements start, which is what line endings change.
 */
function migrationFingerprint(m: Migration): string {
  const hash = createHash('sha256').update(m.checksum);
  const lines = new Uint32Array(Math.min(m.statements.length, 1 << 16));
  for (let i = 0; i < m.statements.length; i += lines.length) {
    const n = Math.min(lines.length, m.statements.length - i);
    for (let k = 0; k < n; k++) lines[k] = m.statements.lineAt?.(i + k) ?? (m.statements.at(i + k)?.line as number);
    hash.update(lines.subarray(0, n));
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

/**
 * The project when some SQL file cannot be lexed (an unterminated string, comment or body):
 * each such file is one RS000 finding, every other SQL migration and test is linted as usual.
 * INI changesets need the whole discovery and are linted once the SQL files lex.
 */
async function lintUnlexableProject(config: ResolvedConfig, settings: LintSettings, rel: (file: string) => string): Promise<ProjectLint> {
  const { project } = config;
  const sources: LintSource[] = [];
  const broken: LintFinding[] = [];
  const kinds: Record<string, LintSource['kind']> = { V: 'versioned', R: 'repeatable', U: 'undo' };
  const tagged = [
    ...(await sqlFilesUnder(project.migrationsDir)).map((file) => ({ file, kind: kinds[path.basename(file)[0] ?? ''] })),
    ...(await sqlFilesUnder(project.testsDir)).map((file) => ({ file, kind: 'test' as const })),
  ];
  for (const { file, kind } of tagged) {
    if (!kind) continue;
    try {
      sources.push(sourceFromText(rel(file), kind, readSourceText(file)));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      broken.push({
        rule: 'RS000',
        severity: 'error',
        file: rel(file),
        line: err.line ?? 1,
        message: `${err.message}: ${err.hint ?? ''}`.trim(),
      });
    }
  }
  const findings = [...broken, ...(await lintFiles(sources, settings))];
  return { findings, files: tagged.filter((t) => t.kind).map((t) => rel(t.file)) };
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
