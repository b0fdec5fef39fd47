/**
 * Finds the project's migrations: Flyway-named SQL files (V<version>__<description>.sql,
 * R__<description>.sql, U<version>__<description>.sql, in any sub-folder) and changeset INI files in
 * the seed sample's layout ([SECTION] → one version, keys query0, query1, ... → its statements).
 * Everything that could stop a deploy halfway is checked here, before anything connects: names,
 * encodings, NUL bytes, lengths that must fit the history table, and versions used twice across
 * all sources.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseIni, type IniSection } from '../config/ini-file';
import { ConfigError, InputError } from '../errors';
import { readDirective } from './directives';
import { checkHistoryLengths } from './history-limits';
import { listMigrationFiles } from './list-files';
import type { Migration } from './migration';
import { checksumOf, readSourceText } from './source-text';
import { indexSql, type SqlComment, type SqlStatement, type StatementList } from './split-sql';
import { scanSqlFile } from './stream-scan';
import { compareVersions, normalizeVersion, parseVersion, versionIdentity } from './version';

export { checksumOf } from './source-text';

export interface MigrationSet {
  /** INI changesets (file order) then versioned files (version order). */
  versioned: Migration[];
  /** Name order; applied after all versioned ones when their checksum changed. */
  repeatable: Migration[];
  /** By version. */
  undo: Map<string, Migration>;
}

// The version ends at the first `__` (Flyway's separator), so `V3_1__x.sql` is version 3.1.
const NAME = /^([VUR])(.*?)__(.+)\.sql$/;

type Job = () => Migration | Migration[];

export async function discoverMigrations(migrationsDir: string): Promise<MigrationSet> {
  const files = await listMigrationFiles(migrationsDir);
  // `[project] migrations` may name one changeset file (the seed sample keeps it beside other INI files).
  const root = files.length === 1 && files[0] === migrationsDir ? path.dirname(migrationsDir) : migrationsDir;
  // Classify every name first (cheap, and bad names fail before any file is read) ...
  const jobs: Job[] = [];
  for (const file of files) {
    const job = classify(file, path.relative(root, file).split(path.sep).join('/'));
    if (job) jobs.push(job);
  }
  // ... then read them in file order (reading is synchronous: a pool would add nothing).
  const iniMigrations: Migration[] = [];
  const versioned: Migration[] = [];
  const repeatable: Migration[] = [];
  const undo: Migration[] = [];
  for (const job of jobs) {
    const read = job();
    for (const m of Array.isArray(read) ? read : [read]) {
      checkHistoryLengths(m);
      if (m.source === 'ini') iniMigrations.push(m);
      else if (m.kind === 'repeatable') repeatable.push(m);
      else if (m.kind === 'undo') undo.push(m);
      else versioned.push(m);
    }
  }
  // One version, one migration, whatever file kind holds it: 1, 1.0 and an INI section [1] collide.
  const byVersion = uniqueVersions([...iniMigrations, ...versioned], (clash, m) => ({
    message: `version ${m.version} is used by two migrations: ${clash.script} and ${m.script}`,
    hint: 'give each versioned migration its own version (INI changeset sections count as versions)',
  }));
  const undoByKey = uniqueVersions(undo, (clash, m) => ({
    message: `two undo migrations for version ${m.version}: ${clash.script} and ${m.script}`,
    hint: 'keep one U file per version',
  }));
  for (const [key, u] of undoByKey) {
    if (!byVersion.has(key)) {
      throw new InputError(`undo migration ${u.script} has no versioned migration ${u.version} to undo`, {
        file: u.file,
        hint: `add V${u.version}__... or rename the U file`,
      });
    }
  }
  versioned.sort((a, b) => compareVersions(a.version as string, b.version as string));
  repeatable.sort((a, b) => (a.description < b.description ? -1 : a.description > b.description ? 1 : 0));
  // Undo scripts are looked up by the normalised version of what they undo.
  const undoByVersion = new Map(undo.map((u) => [u.version as string, u]));
  return { versioned: [...iniMigrations, ...versioned], repeatable, undo: undoByVersion };
}

function uniqueVersions(
  migrations: Migration[],
  clash: (first: Migration, second: Migration) => { message: string; hint: string },
): Map<string, Migration> {
  const seen = new Map<string, Migration>();
  for (const m of migrations) {
    const key = versionIdentity(m.version as string);
    const first = seen.get(key);
    if (first) {
      const { message, hint } = clash(first, m);
      throw new InputError(message, { file: m.file, ...(m.source === 'ini' ? { line: m.line } : {}), hint });
    }
    seen.set(key, m);
  }
  return seen;
}

/** `1.0.0` and `1` are the same version. */
export function versionKey(version: string): string {
  return parseVersion(version) ? versionIdentity(version) : version;
}

/** What to do with one file of the migrations tree; undefined for files that are not migrations. */
function classify(file: string, rel: string): Job | undefined {
  const base = path.basename(file);
  if (base.endsWith('.ini')) return () => readIniChangesets(file, rel);
  if (!/\.(sql|ini)$/i.test(base)) return undefined;
  if (!base.endsWith('.sql')) {
    throw new InputError(`"${base}" is not read: rsrun reads migrations from files ending in lower-case .sql or .ini`, {
      file,
      hint: `rename it to ${base.replace(/\.(sql|ini)$/i, (ext) => ext.toLowerCase())}`,
    });
  }
  const m = NAME.exec(base);
  if (!m) {
    throw new InputError(`cannot tell what kind of migration "${base}" is`, {
      file,
      hint: 'name it V<version>__<description>.sql (e.g. V1.2__add_orders.sql), R__<description>.sql or U<version>__<description>.sql — note the two underscores',
    });
  }
  const [, prefix, rawVersion = '', rawDescription = ''] = m;
  const description = rawDescription.replace(/_/g, ' ');
  if (prefix === 'R') {
    if (rawVersion !== '')
      throw new InputError(`repeatable migration "${base}" must not have a version`, { file, hint: 'name it R__<description>.sql' });
    return () => readSqlMigration(file, rel, 'repeatable', null, description);
  }
  if (!parseVersion(rawVersion)) {
    throw new InputError(`"${rawVersion}" in "${base}" is not a version`, {
      file,
      hint: 'versions are numbers separated by . or _, e.g. V1__, V1.2__, V2_0_1__',
    });
  }
  return () => readSqlMigration(file, rel, prefix === 'U' ? 'undo' : 'versioned', normalizeVersion(rawVersion), description);
}

/**
 * Files above this size are scanned in chunks and their statements read back from the file when
 * applied (stream-scan.ts): memory then stays bounded whatever a migration's size. Smaller files
 * are read whole, which is faster for the many small files of a project.
 */
export const STREAM_THRESHOLD_BYTES = 8 * 1024 * 1024;

function scanSqlMigration(file: string): { statements: StatementList; comments: SqlComment[]; checksum: string } {
  if (statSync(file).size > STREAM_THRESHOLD_BYTES) return scanSqlFile(file);
  const indexed = indexSql(readSourceText(file), file);
  return { statements: indexed.statements, comments: indexed.comments, checksum: checksumOf(indexed.text) };
}

function readSqlMigration(file: string, script: string, kind: Migration['kind'], version: string | null, description: string): Migration {
  const scanned = scanSqlMigration(file);
  if (scanned.statements.length === 0) {
    throw new InputError('migration has no SQL statements', { file, hint: 'add its statements, or delete the file if it is not needed' });
  }
  const directives = new Set<string>();
  for (const c of scanned.comments) {
    const d = readDirective(c);
    if (d?.name) directives.add(d.name);
  }
  return {
    kind,
    version,
    description,
    script,
    file,
    line: 1,
    checksum: scanned.checksum,
    statements: scanned.statements,
    comments: scanned.comments,
    directives,
    source: 'sql',
  };
}

function parseChangesetIni(file: string): ReturnType<typeof parseIni> {
  try {
    return parseIni(readSourceText(file), file, 'configparser');
  } catch (err) {
    if (err instanceof ConfigError)
      throw new InputError(err.message, {
        file,
        ...(err.line ? { line: err.line } : {}),
        cause: err,
        ...(err.hint ? { hint: err.hint } : {}),
      });
    throw err;
  }
}

function readIniChangesets(file: string, rel: string): Migration[] {
  // The seed sample's Python reads these files with configparser: the same values, line numbers
  // kept, and the same refusals (keys before the first section, duplicate keys).
  return parseChangesetIni(file).sections.map((section) => changeset(file, rel, section));
}

function changeset(file: string, rel: string, { name: section, line: sectionLine, entries }: IniSection): Migration {
  const numbered: { n: string; stmt: SqlStatement }[] = [];
  for (const { key, value, line } of entries) {
    if (!/^query\d+$/i.test(key)) {
      throw new InputError(`unexpected key "${key}" in changeset [${section}]`, {
        file,
        line,
        hint: 'changeset keys are query0, query1, ... one statement each',
      });
    }
    const sql = value.trim().replace(/;\s*$/, '');
    if (sql === '') throw new InputError(`${key} in [${section}] is empty`, { file, line, hint: 'write the statement, or remove the key' });
    const n = normalizeVersion(key.replace(/^\D+/, ''));
    const twin = numbered.find((x) => x.n === n);
    if (twin)
      throw new InputError(`${key} in [${section}] has the same number as the key on line ${twin.stmt.line}`, {
        file,
        line,
        hint: 'number each statement once: query0, query1, ...',
      });
    numbered.push({ n, stmt: { sql, index: 0, line, offset: 0, key } });
  }
  if (numbered.length === 0)
    throw new InputError(`changeset [${section}] has no statements`, { file, line: sectionLine, hint: 'add query0 = ...' });
  // Keys are applied in numeric order (query2 before query10), as the seed sample's runner does.
  const statements = numbered.sort((a, b) => compareVersions(a.n, b.n)).map((x, i) => ({ ...x.stmt, index: i }));
  return {
    kind: 'versioned',
    version: section,
    description: section,
    script: `${rel}#[${section}]`,
    file,
    line: sectionLine,
    checksum: checksumOf(statements.map((s) => s.sql).join(';\n')),
    statements,
    comments: [],
    directives: new Set(),
    source: 'ini',
  };
}
