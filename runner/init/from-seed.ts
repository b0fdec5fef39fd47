/**
 * `rsrun init --from-seed DIR`: a project in the layout of the AWS sample "Guidance for DevOps on
 * Amazon Redshift" adopted in place. Its files are found and referenced, never copied: the
 * changeset INI file(s) become the migrations, `test_cases.ini` the tests, `dw_config.ini` the
 * environments (each section one `--env`). They are read as its Python reads them (configparser).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseIni, type IniDocument } from '../config/ini-file';
import { ConfigError } from '../errors';

export interface SeedProject {
  /** A changeset file, or a folder holding only changeset files. */
  migrations: string;
  /** Folder of test_cases.ini (the INI test reader skips the other sections there). */
  tests: string | undefined;
  dwConfig: string | undefined;
  /** dw_config.ini sections that became environments. */
  environments: string[];
  /** What the changesets COPY from: `s3://bucket/prefix`. */
  copySources: string[];
}

const SKIP = new Set(['node_modules', '.git', '.rsrun', 'reports']);

function iniFiles(dir: string, depth = 3): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory() && depth > 0 && !SKIP.has(e.name)) out.push(...iniFiles(abs, depth - 1));
    else if (e.isFile() && e.name.toLowerCase().endsWith('.ini')) out.push(abs);
  }
  return out;
}

type Kind = 'changesets' | 'tests' | 'dw_config' | 'other';

function kindOf(doc: IniDocument): Kind {
  const keys = doc.sections.flatMap((s) => s.entries.map((e) => e.key));
  if (doc.sections.some((s) => /^TESTSUITE/i.test(s.name))) return 'tests';
  if (keys.some((k) => /^query\d+$/.test(k))) return 'changesets';
  if (keys.some((k) => k.startsWith('dwh_'))) return 'dw_config';
  return 'other';
}

export function readSeedProject(dir: string): SeedProject {
  const found = new Map<Kind, { file: string; doc: IniDocument }[]>();
  for (const file of iniFiles(dir)) {
    const doc = parseIni(readFileSync(file, 'utf8'), file, 'configparser');
    const kind = kindOf(doc);
    found.set(kind, [...(found.get(kind) ?? []), { file, doc }]);
  }
  const changesets = found.get('changesets') ?? [];
  if (changesets.length === 0) {
    throw new ConfigError(`no changeset INI file (sections with query0, query1, ...) under ${dir}`, {
      hint: "pass the folder of the seed sample's query_redshift_api.ini",
    });
  }
  const tests = found.get('tests')?.[0];
  const dw = found.get('dw_config')?.[0];
  return {
    migrations: migrationsOf(
      changesets.map((c) => c.file),
      [...found.values()].flat().map((f) => f.file),
    ),
    tests: tests ? path.dirname(tests.file) : undefined,
    dwConfig: dw?.file,
    environments: (dw?.doc.sections ?? []).filter((s) => s.entries.some((e) => e.key.startsWith('dwh_'))).map((s) => s.name.toLowerCase()),
    copySources: [...new Set(changesets.flatMap((c) => copySources(c.doc)))],
  };
}

/** One changeset file is named itself; several must have a folder to themselves (rsrun reads every INI file of it). */
function migrationsOf(changesets: string[], allIni: string[]): string {
  if (changesets.length === 1) return changesets[0] as string;
  const folders = new Set(changesets.map((f) => path.dirname(f)));
  const folder = [...folders][0] as string;
  const strangers = allIni.filter((f) => path.dirname(f) === folder && !changesets.includes(f));
  if (folders.size > 1 || strangers.length > 0) {
    throw new ConfigError(`${changesets.length} changeset files, not in a folder of their own: ${changesets.join(', ')}`, {
      hint: 'move the changeset INI files into one folder without other INI files, then run init again',
    });
  }
  return folder;
}

function copySources(doc: IniDocument): string[] {
  const out: string[] = [];
  for (const s of doc.sections) {
    for (const e of s.entries) {
      const m = /^\s*copy\b[\s\S]*?\bfrom\s+'(s3:\/\/[^']+)'/i.exec(e.value);
      if (m) out.push(m[1] as string);
    }
  }
  return out;
}
