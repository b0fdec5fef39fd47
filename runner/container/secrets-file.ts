/**
 * How secrets reach the runner inside the container without showing up in `docker inspect`.
 *
 * Environment variables set through the API are visible to anyone who can inspect the container
 * (Config.Env), and arguments are visible in Cmd/Args and `ps`. Docker secrets need swarm mode.
 * So `rsrun container run` writes secrets to a private file on the host, bind-mounts it read-only
 * over the image's empty /etc/rsrun/secrets.env, and the image's entrypoint
 * (`node --env-file=/etc/rsrun/secrets.env ...`) loads it into the runner's environment.
 * Inspect shows only the mount's path; the file is deleted when the container is removed.
 */
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors';

/** Where the image expects the file (see docker/Dockerfile). */
export const SECRETS_MOUNT = '/etc/rsrun/secrets.env';

/**
 * One `NAME=value` line in the syntax of Node's --env-file parser: the value is wrapped in a
 * quote character it does not contain, so `#`, `=`, spaces and the other quotes survive.
 */
export function envFileLine(name: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ConfigError(`"${name}" is not a valid environment variable name`);
  if (/[\r\n]/.test(value)) {
    throw new ConfigError(`the secret ${name} contains a line break, which an env file cannot carry`, {
      hint: 'store multi-line secrets (certificates) in a file and pass its path instead',
    });
  }
  const quote = ["'", '"', '`'].find((q) => !value.includes(q));
  if (quote === undefined) {
    throw new ConfigError(`the secret ${name} contains all three quote characters (' " \`), which an env file cannot carry`);
  }
  return `${name}=${quote}${value}${quote}`;
}

export interface SecretsFile {
  /** Host path to bind-mount at SECRETS_MOUNT. */
  path: string;
  remove(): Promise<void>;
}

/**
 * Writes the file inside a fresh 0700 directory. When running as root it is given to the image's
 * user and made readable only by it; otherwise it is world-readable inside the private directory
 * (the container's user must read it through the bind mount).
 */
export async function writeSecretsFile(secrets: Record<string, string>, containerUid: number | undefined): Promise<SecretsFile> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rsrun-secrets-'));
  await chmod(dir, 0o700);
  const file = path.join(dir, 'secrets.env');
  const text = Object.entries(secrets)
    .map(([k, v]) => envFileLine(k, v))
    .join('\n');
  await writeFile(file, text === '' ? '' : `${text}\n`, { mode: 0o400 });
  if (process.getuid?.() === 0 && containerUid !== undefined) await chown(file, containerUid, containerUid);
  else await chmod(file, 0o444);
  return { path: file, remove: () => rm(dir, { recursive: true, force: true }) };
}
