/**
 * Promotion records: proof that an image digest passed an environment, so the next environment
 * runs only that digest. One JSON file per digest and environment under
 * `<reports>/promotions/`, readable by people, scripts and the Jenkinsfile.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, RsrunError, type RsrunErrorOptions } from '../errors';

export class PromotionRefusedError extends RsrunError {
  constructor(message: string, options: RsrunErrorOptions = {}) {
    super(message, ExitCode.PromotionRefused, options);
  }
}

export interface PromotionRecord {
  schemaVersion: 1;
  digest: string;
  image: string;
  environment: string;
  passed: boolean;
  exitCode: number;
  finishedAt: string;
  durationMs: number;
  build: { commit?: string; number?: string };
}

export function promotionFile(reportsDir: string, digest: string, environment: string): string {
  return path.join(reportsDir, 'promotions', `${digest.replace(/[^A-Za-z0-9]+/g, '-')}.${environment}.json`);
}

export async function recordRun(reportsDir: string, record: PromotionRecord): Promise<string> {
  const file = promotionFile(reportsDir, record.digest, record.environment);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
  return file;
}

export async function readRecord(reportsDir: string, digest: string, environment: string): Promise<PromotionRecord | undefined> {
  try {
    return JSON.parse(await readFile(promotionFile(reportsDir, digest, environment), 'utf8')) as PromotionRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Throws PromotionRefusedError unless `digest` passed `fromEnv`. */
export async function requirePassed(reportsDir: string, digest: string, fromEnv: string, toEnv: string): Promise<PromotionRecord> {
  const record = await readRecord(reportsDir, digest, fromEnv);
  const file = promotionFile(reportsDir, digest, fromEnv);
  if (!record) {
    throw new PromotionRefusedError(`refusing to run ${digest} on ${toEnv}: it has no recorded run on ${fromEnv}`, {
      file,
      hint: `run it on ${fromEnv} first (rsrun container run --env ${fromEnv} --image NAME@${digest})`,
    });
  }
  if (!record.passed || record.digest !== digest) {
    throw new PromotionRefusedError(`refusing to run ${digest} on ${toEnv}: its run on ${fromEnv} failed (exit code ${record.exitCode})`, {
      file,
      hint: 'fix the failure, build and test a new image; a failed digest is never promoted',
    });
  }
  return record;
}
