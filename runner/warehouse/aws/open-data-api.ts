/**
 * Maps an environment onto the Data API's authentication choices
 * (https://docs.aws.amazon.com/redshift/latest/mgmt/data-api-access.html):
 * `auth = secret` passes the secret (SecretArn); `auth = iam` passes DbUser when `db_user` is set
 * (provisioned, temporary credentials for that user) and otherwise nothing, so the service derives
 * the database user from the caller's IAM identity (provisioned or serverless). The Data API takes
 * no password, so `auth = password` is refused.
 */
import type { EnvironmentConfig } from '../../config/types';
import type { DialectAdapter } from '../../dialects/dialect';
import { ConfigError } from '../../errors';
import { openDataApiWarehouse, type DataApiTarget, type DataApiWarehouse } from './data-api-warehouse';

export function dataApiTarget(env: EnvironmentConfig): DataApiTarget {
  if (env.auth === 'password') {
    throw new ConfigError(`environment ${env.name} uses transport = data-api with auth = password`, {
      hint: 'the Data API takes no password: set auth = secret with secret_id, or auth = iam',
    });
  }
  if (env.auth === 'secret' && !env.secretId) {
    throw new ConfigError(`environment ${env.name} has auth = secret but no secret_id`, {
      hint: 'set secret_id to the secret name or ARN',
    });
  }
  return {
    clusterIdentifier: env.clusterIdentifier,
    workgroup: env.workgroup,
    database: env.database,
    secretArn: env.auth === 'secret' ? env.secretId : undefined,
    dbUser: env.auth === 'iam' && !env.workgroup ? env.dbUser : undefined,
  };
}

export async function openDataApi(env: EnvironmentConfig, dialect: DialectAdapter): Promise<DataApiWarehouse> {
  const keepAlive = env.raw['data_api_session_keep_alive_seconds'];
  return openDataApiWarehouse(dataApiTarget(env), dialect, {
    region: env.region,
    statementTimeoutMs: env.statementTimeoutMs,
    queryGroup: env.queryGroup,
    ...(keepAlive ? { sessionKeepAliveSeconds: Number(keepAlive) } : {}),
  });
}
