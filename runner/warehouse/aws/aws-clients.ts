/**
 * AWS SDK clients for one environment, loaded with `await import()` only when an environment
 * uses IAM, Secrets Manager or the Data API, so `rsrun --version` and local runs never load the
 * SDK. Credentials come from the SDK's default chain (environment, profile, container/instance role).
 */
import type { RedshiftClient } from '@aws-sdk/client-redshift';
import type { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { EnvironmentConfig } from '../../config/types';

type ClientEnv = Pick<EnvironmentConfig, 'region'>;

function clientConfig(env: ClientEnv): { region?: string } {
  return env.region ? { region: env.region } : {};
}

export async function redshiftClient(env: ClientEnv): Promise<RedshiftClient> {
  const sdk = await import('@aws-sdk/client-redshift');
  return new sdk.RedshiftClient(clientConfig(env));
}

export async function redshiftServerlessClient(env: ClientEnv): Promise<RedshiftServerlessClient> {
  const sdk = await import('@aws-sdk/client-redshift-serverless');
  return new sdk.RedshiftServerlessClient(clientConfig(env));
}

export async function secretsManagerClient(env: ClientEnv): Promise<SecretsManagerClient> {
  const sdk = await import('@aws-sdk/client-secrets-manager');
  return new sdk.SecretsManagerClient(clientConfig(env));
}

export async function redshiftDataClient(env: ClientEnv): Promise<RedshiftDataClient> {
  const sdk = await import('@aws-sdk/client-redshift-data');
  return new sdk.RedshiftDataClient(clientConfig(env));
}

/** `AccessDeniedException: User ... is not authorized ...` style text of an SDK error, without the stack. */
export function awsErrorText(err: unknown): string {
  const name = (err as { name?: unknown } | null)?.name;
  const message = err instanceof Error ? err.message : String(err);
  return typeof name === 'string' && name !== 'Error' && !message.startsWith(name) ? `${name}: ${message}` : message;
}
