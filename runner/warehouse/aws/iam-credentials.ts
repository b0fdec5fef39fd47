/**
 * Temporary database credentials through IAM (`auth = iam`), so no database password is stored:
 * - provisioned cluster, `db_user` set: redshift:GetClusterCredentials (DbUser, DbName,
 *   ClusterIdentifier, DurationSeconds, AutoCreate, DbGroups); the password belongs to `IAM:<db_user>`.
 * - provisioned cluster, no `db_user`: redshift:GetClusterCredentialsWithIAM, which maps the
 *   caller's IAM identity itself to a database user.
 * - serverless (`workgroup` set): redshift-serverless:GetCredentials (workgroupName, dbName).
 * DurationSeconds is 900-3600 for all three (API references; `iam_duration_seconds`, default 900).
 * https://docs.aws.amazon.com/redshift/latest/mgmt/generating-user-credentials.html
 *
 * Credentials are cached and fetched again shortly before they expire, so a long deploy keeps
 * opening connections (the pool asks for the password of every new connection); connections
 * already open are unaffected by expiry.
 */
import type { RedshiftClient } from '@aws-sdk/client-redshift';
import type { RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import type { EnvironmentConfig } from '../../config/types';
import { ConfigError, ConnectionError } from '../../errors';
import { awsErrorText, redshiftClient, redshiftServerlessClient } from './aws-clients';
import { registerSecret } from './secret-registry';

export interface DbCredentials {
  user: string;
  password: string;
  /** When the password stops working; undefined = never (a stored password). */
  expiresAt: Date | undefined;
}

export type IamEnv = Pick<
  EnvironmentConfig,
  'name' | 'database' | 'clusterIdentifier' | 'workgroup' | 'region' | 'dbUser' | 'dbGroups' | 'autoCreateUser' | 'raw'
> &
  Partial<Pick<EnvironmentConfig, 'connectTimeoutMs'>>;

/** Clients can be passed in (tests, or a caller that already has them); otherwise created lazily. */
export interface IamClients {
  redshift?: RedshiftClient;
  serverless?: RedshiftServerlessClient;
}

const MIN_DURATION = 900;
const MAX_DURATION = 3600;

export function iamDurationSeconds(env: Pick<EnvironmentConfig, 'name' | 'raw'>): number {
  const raw = env.raw['iam_duration_seconds'];
  if (raw === undefined || raw.trim() === '') return MIN_DURATION;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < MIN_DURATION || value > MAX_DURATION) {
    throw new ConfigError(
      `iam_duration_seconds = ${raw} in environment ${env.name} is not a whole number of seconds between ${MIN_DURATION} and ${MAX_DURATION}`,
      {
        hint: 'GetClusterCredentials and GetCredentials accept 900 to 3600 seconds',
      },
    );
  }
  return value;
}

/** One call to the right AWS API for this environment. */
export async function fetchIamCredentials(env: IamEnv, clients: IamClients = {}): Promise<DbCredentials> {
  const durationSeconds = iamDurationSeconds(env);
  let credentials: { user: string | undefined; password: string | undefined; expiresAt: Date | undefined };
  let api: string;
  try {
    if (env.workgroup) {
      api = 'redshift-serverless:GetCredentials';
      const { GetCredentialsCommand } = await import('@aws-sdk/client-redshift-serverless');
      const client = clients.serverless ?? (await redshiftServerlessClient(env));
      const out = await client.send(new GetCredentialsCommand({ workgroupName: env.workgroup, dbName: env.database, durationSeconds }));
      credentials = { user: out.dbUser, password: out.dbPassword, expiresAt: out.expiration };
    } else if (env.clusterIdentifier) {
      const sdk = await import('@aws-sdk/client-redshift');
      const client = clients.redshift ?? (await redshiftClient(env));
      if (env.dbUser) {
        api = 'redshift:GetClusterCredentials';
        const out = await client.send(
          new sdk.GetClusterCredentialsCommand({
            ClusterIdentifier: env.clusterIdentifier,
            DbUser: env.dbUser,
            DbName: env.database,
            DurationSeconds: durationSeconds,
            AutoCreate: env.autoCreateUser,
            ...(env.dbGroups.length > 0 ? { DbGroups: env.dbGroups } : {}),
          }),
        );
        credentials = { user: out.DbUser, password: out.DbPassword, expiresAt: out.Expiration };
      } else {
        api = 'redshift:GetClusterCredentialsWithIAM';
        const out = await client.send(
          new sdk.GetClusterCredentialsWithIAMCommand({
            ClusterIdentifier: env.clusterIdentifier,
            DbName: env.database,
            DurationSeconds: durationSeconds,
          }),
        );
        credentials = { user: out.DbUser, password: out.DbPassword, expiresAt: out.Expiration };
      }
    } else {
      throw new ConfigError(`environment ${env.name} has auth = iam but neither cluster_identifier nor workgroup`, {
        hint: 'set cluster_identifier (provisioned cluster) or workgroup (Redshift Serverless) in its [env.*] section',
      });
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConnectionError(`cannot get temporary database credentials for environment ${env.name}: ${awsErrorText(err)}`, {
      cause: err,
      hint: env.workgroup
        ? 'the runner needs redshift-serverless:GetCredentials on the workgroup, AWS credentials (role or profile) and region'
        : env.dbUser
          ? `the runner needs redshift:GetClusterCredentials on dbuser:${env.clusterIdentifier}/${env.dbUser} and dbname:${env.clusterIdentifier}/${env.database}${env.autoCreateUser ? ' (and redshift:CreateClusterUser)' : ''}, AWS credentials and region`
          : 'the runner needs redshift:GetClusterCredentialsWithIAM on the dbname, AWS credentials (role or profile) and region',
    });
  }
  if (!credentials.user || !credentials.password) {
    throw new ConnectionError(`${api} returned no user or password for environment ${env.name}`, {
      hint: 'check the cluster or workgroup name and the database name of this environment',
    });
  }
  registerSecret(credentials.password);
  return { user: credentials.user, password: credentials.password, expiresAt: credentials.expiresAt };
}

/**
 * Holds the current credentials and fetches new ones when fewer than `refreshBeforeMs` remain.
 * Concurrent callers share one fetch.
 */
export class CredentialCache {
  private current: DbCredentials | undefined;
  private pending: Promise<DbCredentials> | undefined;
  private readonly refreshBeforeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly fetch: () => Promise<DbCredentials>,
    options: { refreshBeforeMs?: number; now?: () => number } = {},
  ) {
    this.refreshBeforeMs = options.refreshBeforeMs ?? 120_000;
    this.now = options.now ?? Date.now;
  }

  async get(): Promise<DbCredentials> {
    if (this.current && !this.expiring(this.current)) return this.current;
    this.pending ??= this.fetch().then(
      (c) => {
        this.current = c;
        this.pending = undefined;
        return c;
      },
      (err: unknown) => {
        this.pending = undefined;
        throw err;
      },
    );
    return this.pending;
  }

  /** The password alone, in the shape `pg` accepts for `password` (called per new connection). */
  readonly password = async (): Promise<string> => (await this.get()).password;

  private expiring(c: DbCredentials): boolean {
    return c.expiresAt !== undefined && c.expiresAt.getTime() - this.refreshBeforeMs <= this.now();
  }
}
