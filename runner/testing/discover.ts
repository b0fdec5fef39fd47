/**
 * Finds every test of a project: `*.sql` assertion files and `*.ini` test files under the tests
 * directory (recursively), plus `[assert ...]`/`[TESTSUITE_...]` sections of rsrun.ini itself.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ProjectConfig } from '../config/types';
import { InputError } from '../errors';
import { readSourceText } from '../migrations/source-text';
import { parseConfigIni, type IniSection } from './config-ini';
import { isTestSection, testsFromIni } from './ini-tests';
import type { TestCase } from './model';
import { parseSqlTestFile } from './sql-test-file';

export async function discoverTests(project: Pick<ProjectConfig, 'dir' | 'testsDir' | 'extraSections'>): Promise<TestCase[]> {
  const tests: TestCase[] = [];
  for (const abs of await listFiles(project.testsDir)) {
    const rel = path.relative(project.dir, abs).split(path.sep).join('/');
    if (abs.endsWith('.sql')) tests.push(...(await parseSqlTestFile(abs, rel)));
    else if (abs.endsWith('.ini')) tests.push(...testsFromIni(parseConfigIni(readSourceText(abs), rel), rel));
  }
  const fromConfig: IniSection[] = Object.entries(project.extraSections)
    .filter(([name]) => isTestSection(name))
    .map(([name, values]) => ({
      name,
      line: 0,
      entries: Object.entries(values).map(([key, value]) => ({ key: key.toLowerCase(), value, line: 0 })),
    }));
  tests.push(...testsFromIni(fromConfig, 'rsrun.ini'));

  const seen = new Map<string, TestCase>();
  for (const t of tests) {
    const prior = seen.get(t.id);
    if (prior)
      throw new InputError(`two tests are named ${t.id}`, {
        file: t.file,
        line: t.line,
        hint: `rename one (the other is at ${prior.file}:${prior.line})`,
      });
    seen.set(t.id, t);
  }
  return tests.sort((a, b) => compareIds(a.id, b.id));
}

/** Plain code-unit order: the same on every machine and locale, so shards and reports agree. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new InputError(`cannot read the tests directory ${dir}`, { cause: err });
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => compareIds(a.name, b.name))) {
    const abs = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(abs)));
    else if (e.isFile()) out.push(abs);
  }
  return out;
}
