/**
 * AWS SDK clients for one environment, loaded with `await import()` only when an environment
 * uses IAM, Secrets Manager or the Data API, so `rsrun --version` and local runs never load the
 * SDK. Credentials come from the SDK's default chain (environment, profile, container/instance role).
 *
 * Every AWS client rsrun builds (these, S3 and CloudWatch for shipping, S3 for emulated COPY) takes
 * its HTTP settings from `awsHttpOptions`: the SDK's defaults have no connection or request timeout
 * at all, and even with `requestTimeout` set it only logs a warning unless told to throw, so an
 * endpoint that accepts TCP and never answers would hold a run forever.
 */
import type { RedshiftClient } from '@aws-sdk/client-redshift';
import type { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { EnvironmentConfig } from '../../config/types';

/** `connectTimeoutMs` (the environment's `connect_timeout`) bounds each control-plane request: these calls are part of connecting. */
type ClientEnv = Pick<EnvironmentConfig, 'region'> & Partial<Pick<EnvironmentConfig, 'connectTimeoutMs'>>;

/** Bounds of one HTTP request to AWS. A whole operation is bounded by the SDK's 3 attempts of these (or shipping's budget). */
export const AWS_TIMEOUTS = {
  /** TCP (and TLS) connection established. */
  connectionMs: 5_000,
  /** Request sent and response headers received, and the longest silence while the body streams in. */
  requestMs: 30_000,
} as const;

export interface AwsHttpOptions {
  requestHandler: {
    connectionTimeout: number;
    requestTimeout: number;
    socketTimeout: number;
    throwOnRequestTimeout: true;
  };
}

/**
 * `requestMs` bounds the time to the response headers (`requestTimeout`, made to throw) and any
 * silence of the socket, also while a response body streams in (`socketTimeout`: `requestTimeout`
 * alone stops counting at the headers, so a server stalling mid-body would hang the read).
 */
export function awsHttpOptions(requestMs: number = AWS_TIMEOUTS.requestMs): AwsHttpOptions {
  return {
    requestHandler: {
      connectionTimeout: Math.min(AWS_TIMEOUTS.connectionMs, requestMs),
      requestTimeout: requestMs,
      socketTimeout: requestMs,
      throwOnRequestTimeout: true,
    },
  };
}

function clientConfig(env: ClientEnv): { region?: string } & AwsHttpOptions {
  return { ...(env.region ? { region: env.region } : {}), ...awsHttpOptions(env.connectTimeoutMs || AWS_TIMEOUTS.requestMs) };
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
