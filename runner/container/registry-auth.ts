/**
 * Registry credentials: from RSRUN_REGISTRY_USER / RSRUN_REGISTRY_PASSWORD, or from Docker's own
 * config file (`$DOCKER_CONFIG/config.json`, as written by `docker login`). Never from command-line
 * arguments, and never logged: callers get an opaque value they hand to the engine API.
 */
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../errors';
import { authServer } from './image-ref';

export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
}

export interface ResolvedAuth {
  auth: RegistryAuth | undefined;
  /** Where it came from, for messages: `environment`, the config file path, or `none`. */
  source: string;
}

export const REGISTRY_USER_VAR = 'RSRUN_REGISTRY_USER';
export const REGISTRY_PASSWORD_VAR = 'RSRUN_REGISTRY_PASSWORD';

export async function resolveRegistryAuth(registry: string, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedAuth> {
  const serveraddress = authServer(registry);
  const user = env[REGISTRY_USER_VAR];
  const password = env[REGISTRY_PASSWORD_VAR];
  if (user !== undefined || password !== undefined) {
    if (!user || !password) {
      throw new ConfigError(`${REGISTRY_USER_VAR} and ${REGISTRY_PASSWORD_VAR} must be set together`, {
        hint: "set both, or neither to use Docker's config file (docker login)",
      });
    }
    return { auth: { username: user, password, serveraddress }, source: 'environment' };
  }
  const file = path.join(env.DOCKER_CONFIG ?? path.join(homedir(), '.docker'), 'config.json');
  let parsed: { auths?: Record<string, { auth?: string }>; credsStore?: string };
  try {
    parsed = JSON.parse(await readFile(file, 'utf8')) as typeof parsed;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { auth: undefined, source: 'none' };
    throw new ConfigError(`cannot read Docker's config file ${file}`, { cause: err, file });
  }
  const entry = parsed.auths?.[serveraddress] ?? parsed.auths?.[registry] ?? parsed.auths?.[`https://${registry}`];
  if (entry?.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { auth: { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress }, source: file };
  }
  return { auth: undefined, source: 'none' };
}
