/**
 * Finds the project's migrations: Flyway-named SQL files (V<version>__<description>.sql,
 * R__<description>.sql, U<version>__<description>.sql, in any sub-folder) and changeset INI files in
 * the seed sample's layout ([SECTION] → one version, keys query0, query1, ... → its statements).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseIni } from '../config/ini-file';
import { ConfigError, InputError } from '../errors';
import { readDirective } from './directives';
import type { Migration } from './migration';
import { scanSql, type SqlStatement } from './split-sql';
import { compareVersions, normalizeVersion, parseVersion } from './version';

export interface MigrationSet {
  /** INI changesets (file order) then versioned files (version order). */
  versioned: Migration[];
  /** Name order; applied after all versioned ones when their checksum changed. */
  repeatable: Migration[];
  /** By version. */
  undo: Map<string, Migration>;
}

const NAME = /^([VUR])([^_]*)__(.+)\.sql$/;

export async function discoverMigrations(migrationsDir: string): Promise<MigrationSet> {
  const files = await listFiles(migrationsDir);
  // `[project] migrations` may name one changeset file (the seed sample keeps it beside other INI files).
  const root = files.length === 1 && files[0] === migrationsDir ? path.dirname(migrationsDir) : migrationsDir;
  // Classify every name first (cheap, and bad names fail before any file is read) ...
  const jobs: (() => Promise<Migration | Migration[]>)[] = [];
  for (const file of files) {
    const rel = path.relative(root, file).split(path.sep).join('/');
    const base = path.basename(file);
    if (base.endsWith('.ini')) {
      jobs.push(() => readIniChangesets(file, rel));
      continue;
    }
    if (!base.endsWith('.sql')) continue;
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
      jobs.push(() => readSqlMigration(file, rel, 'repeatable', null, description));
      continue;
    }
    if (!parseVersion(rawVersion)) {
      throw new InputError(`"${rawVersion}" in "${base}" is not a version`, {
        file,
        hint: 'versions are numbers separated by . or _, e.g. V1__, V1.2__, V2_0_1__',
      });
    }
    jobs.push(() => readSqlMigration(file, rel, prefix === 'U' ? 'undo' : 'versioned', normalizeVersion(rawVersion), description));
  }
  // ... then read them in file order (readText is synchronous: a pool would add nothing).
  const read: (Migration | Migration[])[] = [];
  for (const job of jobs) read.push(await job());

  const versioned: Migration[] = [];
  const iniMigrations: Migration[] = [];
  const repeatable: Migration[] = [];
  const undo = new Map<string, Migration>();
  // Keyed by the version without trailing zero parts, so 1 and 1.0 collide as Flyway says they do.
  const seenVersions = new Map<string, Migration>();
  for (const item of read) {
    if (Array.isArray(item)) {
      iniMigrations.push(...item);
      continue;
    }
    if (item.kind === 'repeatable') {
      repeatable.push(item);
      continue;
    }
    const key = versionKey(item.version as string);
    if (item.kind === 'undo') {
      const clash = undo.get(key);
      if (clash)
        throw new InputError(`two undo migrations for version ${item.version}: ${clash.script} and ${item.script}`, {
          file: item.file,
          hint: 'keep one U file per version',
        });
      undo.set(key, item);
      continue;
    }
    const clash = seenVersions.get(key);
    if (clash) {
      throw new InputError(`version ${item.version} is used by two migrations: ${clash.script} and ${item.script}`, {
        file: item.file,
        hint: 'give each versioned migration its own version',
      });
    }
    seenVersions.set(key, item);
    versioned.push(item);
  }

  versioned.sort((a, b) => compareVersions(a.version as string, b.version as string));
  repeatable.sort((a, b) => (a.description < b.description ? -1 : a.description > b.description ? 1 : 0));
  for (const [key, u] of undo) {
    if (!seenVersions.has(key)) {
      throw new InputError(`undo migration ${u.script} has no versioned migration ${u.version} to undo`, {
        file: u.file,
        hint: `add V${u.version}__... or rename the U file`,
      });
    }
  }
  const iniVersions = new Map<string, Migration>();
  for (const m of iniMigrations) {
    const clash = iniVersions.get(m.version as string);
    if (clash)
      throw new InputError(`changeset section [${m.version}] appears in ${clash.script} and ${m.script}`, {
        file: m.file,
        line: m.line,
        hint: 'section names are versions: make them unique',
      });
    iniVersions.set(m.version as string, m);
  }
  // Undo scripts are looked up by the normalised version of what they undo.
  const undoByVersion = new Map([...undo.values()].map((u) => [u.version as string, u]));
  return { versioned: [...iniMigrations, ...versioned], repeatable, undo: undoByVersion };
}

/** `1.0.0` and `1` are the same version. */
export function versionKey(version: string): string {
  return normalizeVersion(version).replace(/(\.0+)+$/, '');
}

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    if (statSync(dir).isFile()) return [dir];
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ConfigError(`migrations directory ${dir} does not exist`, {
        hint: 'create it, or set [project] migrations in rsrun.ini, or pass --project-dir',
      });
    }
    throw err;
  }
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

export async function readText(file: string): Promise<string> {
  // Synchronous on purpose: for the many small files of a project it is several times faster than
  // a thread-pool round trip per open/stat/read/close, and nothing else runs meanwhile.
  const bytes = readFileSync(file);
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (err) {
    // Find the line of the first bad byte, so the user can find it.
    const good = new TextDecoder('utf-8').decode(bytes).split('\ufffd')[0] ?? '';
    throw new InputError('file is not valid UTF-8', {
      file,
      line: good.split('\n').length,
      cause: err,
      hint: 'save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)',
    });
  }
}

export function checksumOf(text: string): string {
  // Copies only when there is something to normalise: a 50 MB migration is not duplicated twice.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return createHash('sha256')
    .update(body.includes('\r') ? body.replace(/\r\n?/g, '\n') : body)
    .digest('hex');
}

async function readSqlMigration(
  file: string,
  script: string,
  kind: Migration['kind'],
  version: string | null,
  description: string,
): Promise<Migration> {
  const text = await readText(file);
  const scanned = scanSql(text, file);
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
    checksum: checksumOf(scanned.text),
    statements: scanned.statements,
    comments: scanned.comments,
    directives,
    source: 'sql',
  };
}

async function readIniChangesets(file: string, rel: string): Promise<Migration[]> {
  const text = await readText(file);
  let doc;
  try {
    doc = parseIni(text, file, 'configparser');
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
  const out: Migration[] = [];
  // The seed sample's Python reads these files with configparser: the same values, line numbers kept.
  for (const { name: section, line: sectionLine, entries } of doc.sections) {
    const numbered: { n: number; stmt: SqlStatement }[] = [];
    for (const { key, value, line } of entries) {
      if (!/^query\d+$/i.test(key)) {
        throw new InputError(`unexpected key "${key}" in changeset [${section}]`, {
          file,
          line,
          hint: 'changeset keys are query0, query1, ... one statement each',
        });
      }
      const sql = value.trim().replace(/;\s*$/, '');
      if (sql === '')
        throw new InputError(`${key} in [${section}] is empty`, { file, line, hint: 'write the statement, or remove the key' });
      numbered.push({ n: Number(key.replace(/^\D+/, '')), stmt: { sql, index: 0, line, offset: 0, key } });
    }
    if (numbered.length === 0)
      throw new InputError(`changeset [${section}] has no statements`, { file, line: sectionLine, hint: 'add query0 = ...' });
    // Keys are applied in numeric order (query2 before query10), as the seed sample's runner does.
    const statements = numbered.sort((a, b) => a.n - b.n).map((x, i) => ({ ...x.stmt, index: i }));
    out.push({
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
    });
  }
  return out;
}
