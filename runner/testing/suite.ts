/**
 * The whole test suite, read and checked before anything connects: `rsrun deploy` calls this before
 * it applies a migration, so a malformed test file or fixture stops the run with exit 2 and nothing
 * applied (exit 2 promises that).
 */
import { createReadStream } from 'node:fs';
import { parse as parseCsvStream } from 'csv-parse';
import type { ProjectConfig } from '../config/types';
import { InputError } from '../errors';
import { discoverTests } from './discover';
import type { CsvFixture, TestCase } from './model';
import { missingOrUnreadable } from './sql-test-file';

/** Every test of the project, each fixture CSV checked (readable, a header, every row as wide as it). */
export async function loadTestSuite(project: Pick<ProjectConfig, 'dir' | 'testsDir' | 'extraSections'>): Promise<TestCase[]> {
  const tests = await discoverTests(project);
  const checked = new Set<string>();
  for (const test of tests) {
    for (const fixture of test.fixtures) {
      if (checked.has(fixture.file)) continue;
      checked.add(fixture.file);
      await checkFixture(fixture);
    }
  }
  return tests;
}

/** Streams the CSV through the parser, so a large fixture is checked without being held in memory. */
async function checkFixture(fixture: CsvFixture): Promise<void> {
  const { file, line } = fixture.declaredAt;
  let rows = 0;
  try {
    const source = createReadStream(fixture.file);
    const parser = parseCsvStream({ bom: true, skip_empty_lines: true, relax_column_count: false });
    // pipe() does not forward a read error (a missing file) to the parser: pass it on by hand.
    source.on('error', (err) => parser.destroy(err));
    for await (const record of source.pipe(parser) as AsyncIterable<string[]>) {
      if (rows === 0 && record.every((c) => c.trim() === '')) throw new Error('the header row is empty');
      rows++;
    }
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).syscall !== undefined ? missingOrUnreadable(err) : (err as Error).message;
    throw new InputError(`fixture ${fixture.file} for ${fixture.table} cannot be used: ${why}`, {
      file,
      line,
      cause: err,
      hint: 'fixture paths are relative to the test file; the first row names the columns and every row has as many fields',
    });
  }
  if (rows === 0) {
    throw new InputError(`fixture ${fixture.file} for ${fixture.table} is empty`, {
      file,
      line,
      hint: 'the first row of a fixture names the columns',
    });
  }
}
