/**
 * `rsrun drift --accept`: writes the migration drift/accept.ts builds into the migrations folder,
 * as the next version. Nothing is sent to the warehouse; the file deploys like any other.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { acceptMigrationText, acceptStatements } from '../drift/accept';
import { InputError } from '../errors';
import type { MigrationSet } from '../migrations/discover';
import type { DriftResult } from './drift';

/** The version after the highest numeric one: its last component plus one (3 → 4, 1.2 → 1.3). */
export function nextVersion(set: MigrationSet): string {
  const numeric = set.versioned.map((m) => m.version).filter((v): v is string => v !== null && /^\d+(\.\d+)*$/.test(v));
  const last = numeric.at(-1);
  if (last === undefined) return '1';
  const parts = last.split('.');
  const tail = parts.pop() ?? '0';
  return [...parts, (BigInt(tail) + 1n).toString()].join('.');
}

/** Writes the accept migration; returns its path, or undefined when there is no drift to accept. */
export async function writeAcceptMigration(
  migrationsDir: string,
  set: MigrationSet,
  result: DriftResult,
  now = new Date(),
): Promise<string | undefined> {
  if (result.items.length === 0) return undefined;
  const statements = acceptStatements(result.items, result.actual, result.expected);
  const name = `V${nextVersion(set)}__accept_drift_${result.environment.replace(/[^A-Za-z0-9_]/g, '_')}.sql`;
  const file = path.join(migrationsDir, name);
  if (existsSync(file)) {
    throw new InputError(`${file} exists already`, { file, hint: 'deploy or remove it, then run rsrun drift --accept again' });
  }
  await writeFile(file, acceptMigrationText(result.environment, statements, now), { flag: 'wx' });
  return file;
}
