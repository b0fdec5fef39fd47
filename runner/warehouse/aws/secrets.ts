/**
 * Database credentials from AWS Secrets Manager (`auth = secret`, `secret_id = name or ARN`).
 * The secret is the JSON the Redshift console creates ("Credentials for Amazon Redshift data
 * warehouse"): `username`, `password`, `engine` ("redshift"), `host`, `port`, `dbClusterIdentifier`,
 * `dbname`. https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_secret_json_structure.html#reference_secret_json_structure_RS
 * Values in the secret fill only what the environment's INI section leaves unset.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { EnvironmentConfig } from '../../config/types';
import { ConfigError, ConnectionError } from '../../errors';
import { awsErrorText, secretsManagerClient } from './aws-clients';
import { registerSecret } from './secret-registry';

export interface RedshiftSecret {
  username: string | undefined;
  password: string;
  host: string | undefined;
  port: number | undefined;
  dbname: string | undefined;
  engine: string | undefined;
  dbClusterIdentifier: string | undefined;
}

type SecretEnv = Pick<EnvironmentConfig, 'name' | 'secretId' | 'region'> & Partial<Pick<EnvironmentConfig, 'connectTimeoutMs'>>;

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Parses the secret's JSON; the password is required, everything else optional. */
export function parseRedshiftSecret(text: string, secretId: string): RedshiftSecret {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`secret ${secretId} is not JSON`, {
      cause: err,
      hint: 'store the secret as the Redshift console does: {"username": ..., "password": ..., "host": ..., "port": ..., "dbname": ...}',
    });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ConfigError(`secret ${secretId} is not a JSON object`, {
      hint: 'the secret must be an object with at least a "password" key',
    });
  }
  const record = data as Record<string, unknown>;
  const password = optionalString(record['password']);
  if (password === undefined) {
    throw new ConfigError(`secret ${secretId} has no "password" key`, { hint: 'the secret must hold "password" (and usually "username")' });
  }
  const rawPort = record['port'];
  const port = typeof rawPort === 'number' ? rawPort : typeof rawPort === 'string' && rawPort.trim() !== '' ? Number(rawPort) : undefined;
  if (port !== undefined && (!Number.isInteger(port) || port <= 0 || port > 65535)) {
    throw new ConfigError(`secret ${secretId} has an invalid "port"`, { hint: 'port must be a number such as 5439' });
  }
  return {
    username: optionalString(record['username']),
    password,
    host: optionalString(record['host']),
    port,
    dbname: optionalString(record['dbname']),
    engine: optionalString(record['engine']),
    dbClusterIdentifier: optionalString(record['dbClusterIdentifier']),
  };
}

/** Reads and parses the secret; its password joins the masking list before anything can log it. */
export async function fetchRedshiftSecret(env: SecretEnv, client?: SecretsManagerClient): Promise<RedshiftSecret> {
  if (!env.secretId) {
    throw new ConfigError(`environment ${env.name} has auth = secret but no secret_id`, {
      hint: 'set secret_id to the name or ARN of the Secrets Manager secret holding the database credentials',
    });
  }
  let text: string | undefined;
  try {
    const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const sm = client ?? (await secretsManagerClient(env));
    const out = await sm.send(new GetSecretValueCommand({ SecretId: env.secretId }));
    text = out.SecretString;
  } catch (err) {
    throw new ConnectionError(`cannot read secret ${env.secretId} for environment ${env.name}: ${awsErrorText(err)}`, {
      cause: err,
      hint: 'the runner needs secretsmanager:GetSecretValue on the secret (and kms:Decrypt on its key), AWS credentials and region',
    });
  }
  if (text === undefined) {
    throw new ConfigError(`secret ${env.secretId} has no SecretString (binary secrets are not supported)`, {
      hint: 'store the credentials as a JSON string secret',
    });
  }
  const secret = parseRedshiftSecret(text, env.secretId);
  registerSecret(secret.password);
  return secret;
}

// INI keys that count as "set in the section" for each field (the loader fills defaults otherwise).
const INI_KEYS = {
  host: ['host'],
  port: ['port'],
  database: ['database', 'dbname'],
  user: ['user', 'username'],
  clusterIdentifier: ['cluster_identifier'],
} as const;

function setInSection(env: Pick<EnvironmentConfig, 'raw'>, field: keyof typeof INI_KEYS): boolean {
  return INI_KEYS[field].some((k) => (env.raw[k] ?? '').trim() !== '');
}

/**
 * The environment with the secret's values in every connection field the section did not set
 * (a field counts as set when its INI key has a value); the password always comes from the secret.
 */
export function applySecret(env: EnvironmentConfig, secret: RedshiftSecret): EnvironmentConfig {
  const fill = <K extends keyof typeof INI_KEYS>(
    field: K,
    current: EnvironmentConfig[K],
    value: EnvironmentConfig[K] | undefined,
  ): EnvironmentConfig[K] =>
    value !== undefined && (current === undefined || current === '' || !setInSection(env, field)) ? value : current;
  return {
    ...env,
    host: fill('host', env.host, secret.host),
    port: fill('port', env.port, secret.port),
    database: fill('database', env.database, secret.dbname),
    user: fill('user', env.user, secret.username),
    clusterIdentifier: fill('clusterIdentifier', env.clusterIdentifier, secret.dbClusterIdentifier),
    password: secret.password,
  };
}
