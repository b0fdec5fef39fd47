/**
 * Turns an environment's `auth` (password | secret | iam) and AWS names into what a wire-protocol
 * connection needs: host, port, database, user and a password (a string, or a function `pg` calls
 * for every new connection so temporary IAM passwords are renewed before they expire).
 * Host and port, when the section leaves them empty, come from DescribeClusters (provisioned) or
 * GetWorkgroup (serverless).
 */
import type { RedshiftClient } from '@aws-sdk/client-redshift';
import type { RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { EnvironmentConfig } from '../../config/types';
import { ConfigError, ConnectionError } from '../../errors';
import { awsErrorText, redshiftClient, redshiftServerlessClient } from './aws-clients';
import { CredentialCache, fetchIamCredentials } from './iam-credentials';
import { applySecret, fetchRedshiftSecret } from './secrets';

export interface AwsClients {
  redshift?: RedshiftClient;
  serverless?: RedshiftServerlessClient;
  secretsManager?: SecretsManagerClient;
}

export type PasswordSource = string | (() => Promise<string>) | undefined;

export interface ResolvedConnection {
  /** The environment with host, port, database, user (and cluster identifier) filled in. */
  env: EnvironmentConfig;
  password: PasswordSource;
}

/** True when opening this environment needs an AWS call. */
export function needsAws(env: Pick<EnvironmentConfig, 'auth' | 'transport' | 'host'>): boolean {
  return env.auth !== 'password' || env.transport === 'data-api' || env.host === '';
}

export async function resolveConnection(env: EnvironmentConfig, clients: AwsClients = {}): Promise<ResolvedConnection> {
  let resolved = env;
  let password: PasswordSource = env.password;

  if (env.auth === 'secret') {
    const secret = await fetchRedshiftSecret(env, clients.secretsManager);
    resolved = applySecret(env, secret);
    password = resolved.password;
  }

  if (resolved.host === '') resolved = { ...resolved, ...(await discoverEndpoint(resolved, clients)) };

  if (env.auth === 'iam') {
    const cache = new CredentialCache(() => fetchIamCredentials(resolved, clients));
    // The first call tells us the database user (IAM:<name>, or the IAM identity's mapping).
    const first = await cache.get();
    resolved = { ...resolved, user: first.user, password: undefined };
    password = cache.password;
  }
  return { env: resolved, password };
}

/** Host and port of the cluster or workgroup named in the environment. */
export async function discoverEndpoint(
  env: Pick<EnvironmentConfig, 'name' | 'clusterIdentifier' | 'workgroup' | 'region'> &
    Partial<Pick<EnvironmentConfig, 'connectTimeoutMs'>>,
  clients: AwsClients = {},
): Promise<{ host: string; port: number }> {
  let address: string | undefined;
  let port: number | undefined;
  try {
    if (env.workgroup) {
      const { GetWorkgroupCommand } = await import('@aws-sdk/client-redshift-serverless');
      const client = clients.serverless ?? (await redshiftServerlessClient(env));
      const out = await client.send(new GetWorkgroupCommand({ workgroupName: env.workgroup }));
      address = out.workgroup?.endpoint?.address;
      port = out.workgroup?.endpoint?.port;
    } else if (env.clusterIdentifier) {
      const { DescribeClustersCommand } = await import('@aws-sdk/client-redshift');
      const client = clients.redshift ?? (await redshiftClient(env));
      const out = await client.send(new DescribeClustersCommand({ ClusterIdentifier: env.clusterIdentifier }));
      const cluster = out.Clusters?.[0];
      address = cluster?.Endpoint?.Address;
      port = cluster?.Endpoint?.Port;
    } else {
      throw new ConfigError(`environment ${env.name} has no host`, {
        hint: 'set host (and port), or cluster_identifier / workgroup so the endpoint can be looked up',
      });
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConnectionError(
      `cannot look up the endpoint of ${env.workgroup ? `workgroup ${env.workgroup}` : `cluster ${env.clusterIdentifier}`} for environment ${env.name}: ${awsErrorText(err)}`,
      {
        cause: err,
        hint: env.workgroup
          ? 'the runner needs redshift-serverless:GetWorkgroup, or set host and port in the environment'
          : 'the runner needs redshift:DescribeClusters, or set host and port in the environment',
      },
    );
  }
  if (!address || !port) {
    throw new ConnectionError(
      `${env.workgroup ? `workgroup ${env.workgroup}` : `cluster ${env.clusterIdentifier}`} has no endpoint yet (still creating, paused or deleted?)`,
      {
        hint: 'wait until it is available, or set host and port in the environment',
      },
    );
  }
  return { host: address, port };
}
