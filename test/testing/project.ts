/**
 * Test helpers: a throw-away project directory with tests, and a ResolvedConfig pointing at one of
 * the engine matrix's databases.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EnvironmentConfig, ResolvedConfig, TestSettings } from '../../runner/config/types';
import type { EngineDatabase } from '../support/engines';

/** Writes `files` (path → content) under a fresh directory; returns the project dir. */
export async function makeProject(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rsrun-tests-'));
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
  return dir;
}

export function configFor(
  dir: string,
  db: EngineDatabase | undefined,
  options: { tests?: Partial<TestSettings>; env?: Partial<EnvironmentConfig>; extraSections?: Record<string, Record<string, string>> } = {},
): ResolvedConfig {
  const env = db
    ? db.env({ engine: db.engine === 'embedded' ? 'embedded' : 'postgres', ...options.env })
    : ({ name: 'none', engine: 'postgres', emulateRedshift: false, ...options.env } as EnvironmentConfig);
  return {
    project: {
      dir,
      name: 'example',
      migrationsDir: path.join(dir, 'migrations'),
      testsDir: path.join(dir, 'tests'),
      seedsDir: path.join(dir, 'seeds'),
      historySchema: 'public',
      historyTable: 'rsrun_history',
      lockTable: 'rsrun_lock',
      lockTtlMs: 600_000,
      keepRuns: undefined,
      reportsDir: path.join(dir, 'reports'),
      stateDir: path.join(dir, '.rsrun'),
      extraSections: options.extraSections ?? {},
    },
    env,
    sources: [],
    logLevel: 'error',
    logFormat: 'text',
    s3: undefined,
    cloudwatch: undefined,
    shipTimeoutMs: 120_000,
    tests: { concurrency: 5, timeoutMs: 0, shard: undefined, grep: undefined, tags: [], durationsFrom: undefined, ...options.tests },
    secrets: [],
    warnings: [],
    build: { commit: undefined, number: undefined, branch: undefined, url: undefined },
  };
}
