/**
 * Options shared by `rsrun image`, `rsrun container` and `rsrun pipeline`, resolved once:
 * flag > environment variable > default. Registry credentials are deliberately not options.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseDuration } from '../config/values';
import { ConfigError } from '../errors';
import { DOCKER_HUB, type ImageLocation, type TagInputs } from './image-ref';

export interface ImageOptions extends ImageLocation, TagInputs {}

export const DEFAULT_REPOSITORY = 'rsrun/rsrun';

async function gitHead(dir: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: dir, timeout: 10_000 });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export async function resolveImageOptions(o: Record<string, unknown>, env: NodeJS.ProcessEnv, repoDir: string): Promise<ImageOptions> {
  const commit = str(o.commit) ?? str(env.GIT_COMMIT) ?? (await gitHead(repoDir));
  if (commit !== undefined && !/^[0-9a-f]{7,40}$/i.test(commit)) {
    throw new ConfigError(`"${commit}" is not a git commit hash`, { hint: 'pass --commit with the hash from git rev-parse HEAD' });
  }
  return {
    registry: str(o.registry) ?? str(env.RSRUN_REGISTRY) ?? DOCKER_HUB,
    repository: str(o.repository) ?? str(env.RSRUN_IMAGE_REPOSITORY) ?? DEFAULT_REPOSITORY,
    movingTag: str(o.tag) ?? str(env.RSRUN_IMAGE_TAG) ?? 'latest',
    commit,
    buildNumber: str(o.buildNumber) ?? str(env.BUILD_NUMBER),
  };
}

/** `30m`, `90s`, `1500ms`, or plain seconds (config/values.ts parses it, as in rsrun.ini). */
export function parseTimeout(value: unknown, option: string, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  // commander hands over the option's text (or a number from a default).
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const ms = parseDuration(text, { key: option, source: `--${option}` });
  if (ms <= 0) throw new ConfigError(`--${option} must be positive, got "${text}"`);
  return ms;
}

/** Progress lines go to stderr (logs); stdout carries results only. */
export function progress(prefix: string): (line: string) => void {
  return (line) => process.stderr.write(`[${prefix}] ${line}\n`);
}
