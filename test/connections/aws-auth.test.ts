/**
 * `auth = iam` and `auth = secret`: the AWS control-plane calls are faked with aws-sdk-client-mock
 * (no AWS account here); the database end is the real PostgreSQL server, so the credentials the
 * fakes hand out must actually log in over the wire.
 */
import { expect } from 'chai';
import { mockClient } from 'aws-sdk-client-mock';
import {
  DescribeClustersCommand,
  GetClusterCredentialsCommand,
  GetClusterCredentialsWithIAMCommand,
  RedshiftClient,
} from '@aws-sdk/client-redshift';
import { GetCredentialsCommand, GetWorkgroupCommand, RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import os from 'node:os';
import { describeEachEngine, envConfigFor } from '../support/engines';
import type { EnvironmentConfig } from '../../runner/config/types';
import { ConfigError, ConnectionError, ExitCode } from '../../runner/errors';
import { openWarehouse } from '../../runner/warehouse/open-warehouse';
import { CredentialCache, fetchIamCredentials, type DbCredentials } from '../../runner/warehouse/aws/iam-credentials';
import { applySecret, parseRedshiftSecret } from '../../runner/warehouse/aws/secrets';
import { discoverEndpoint, resolveConnection } from '../../runner/warehouse/aws/resolve-connection';
import { onSecretRegistered, registeredSecrets } from '../../runner/warehouse/aws/secret-registry';

const redshift = mockClient(RedshiftClient);
const serverless = mockClient(RedshiftServerlessClient);
const secrets = mockClient(SecretsManagerClient);

const base = (overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig =>
  envConfigFor(
    'prod',
    { host: '', port: 5439, user: '', password: undefined, database: 'dev' },
    { engine: 'redshift', region: 'eu-west-1', ...overrides },
  );

describe('IAM temporary credentials', () => {
  beforeEach(() => {
    redshift.reset();
    serverless.reset();
  });

  it('provisioned with db_user: GetClusterCredentials with the configured user, groups, auto-create and duration', async () => {
    redshift
      .on(GetClusterCredentialsCommand)
      .resolves({ DbUser: 'IAM:deployer', DbPassword: 'tmp-pass-1', Expiration: new Date(Date.now() + 900_000) });
    const creds = await fetchIamCredentials(
      base({
        auth: 'iam',
        clusterIdentifier: 'analytics',
        dbUser: 'deployer',
        dbGroups: ['deployers', 'readers'],
        autoCreateUser: true,
        raw: { iam_duration_seconds: '1800' },
      }),
    );
    expect(creds.user).to.equal('IAM:deployer');
    expect(creds.password).to.equal('tmp-pass-1');
    expect(redshift.commandCalls(GetClusterCredentialsCommand)[0]?.args[0].input).to.deep.equal({
      ClusterIdentifier: 'analytics',
      DbUser: 'deployer',
      DbName: 'dev',
      DurationSeconds: 1800,
      AutoCreate: true,
      DbGroups: ['deployers', 'readers'],
    });
    expect(registeredSecrets()).to.include('tmp-pass-1');
  });

  it('provisioned without db_user: GetClusterCredentialsWithIAM maps the IAM identity', async () => {
    redshift
      .on(GetClusterCredentialsWithIAMCommand)
      .resolves({ DbUser: 'IAMR:jenkins-role', DbPassword: 'tmp-pass-2', Expiration: new Date(Date.now() + 900_000) });
    const creds = await fetchIamCredentials(base({ auth: 'iam', clusterIdentifier: 'analytics' }));
    expect(creds.user).to.equal('IAMR:jenkins-role');
    expect(redshift.commandCalls(GetClusterCredentialsWithIAMCommand)[0]?.args[0].input).to.deep.equal({
      ClusterIdentifier: 'analytics',
      DbName: 'dev',
      DurationSeconds: 900,
    });
    expect(redshift.commandCalls(GetClusterCredentialsCommand)).to.have.length(0);
  });

  it('serverless: redshift-serverless GetCredentials for the workgroup', async () => {
    serverless
      .on(GetCredentialsCommand)
      .resolves({ dbUser: 'IAMR:jenkins-role', dbPassword: 'tmp-pass-3', expiration: new Date(Date.now() + 3600_000) });
    const creds = await fetchIamCredentials(base({ auth: 'iam', workgroup: 'etl' }));
    expect(creds.password).to.equal('tmp-pass-3');
    expect(serverless.commandCalls(GetCredentialsCommand)[0]?.args[0].input).to.deep.equal({
      workgroupName: 'etl',
      dbName: 'dev',
      durationSeconds: 900,
    });
  });

  it('an AWS refusal is a ConnectionError (exit 5) naming the permission to grant', async () => {
    redshift.on(GetClusterCredentialsCommand).rejects(
      Object.assign(new Error('User: arn:aws:iam::1:role/ci is not authorized to perform: redshift:GetClusterCredentials'), {
        name: 'AccessDeniedException',
      }),
    );
    const err = await fetchIamCredentials(base({ auth: 'iam', clusterIdentifier: 'analytics', dbUser: 'deployer' })).catch(
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ConnectionError);
    expect((err as ConnectionError).exitCode).to.equal(ExitCode.ConnectionFailed);
    expect((err as ConnectionError).message)
      .to.contain('AccessDeniedException')
      .and.contain('prod');
    expect((err as ConnectionError).hint).to.contain('redshift:GetClusterCredentials on dbuser:analytics/deployer');
  });

  it('names what is missing when neither cluster nor workgroup is set, and bounds the duration', async () => {
    const none = await fetchIamCredentials(base({ auth: 'iam' })).catch((e: unknown) => e);
    expect(none).to.be.instanceOf(ConfigError);
    expect((none as ConfigError).hint).to.contain('cluster_identifier');
    const long = await fetchIamCredentials(base({ auth: 'iam', clusterIdentifier: 'a', raw: { iam_duration_seconds: '7200' } })).catch(
      (e: unknown) => e,
    );
    expect((long as ConfigError).message).to.contain('between 900 and 3600');
  });

  it('caches credentials until shortly before expiry, then fetches new ones once for concurrent callers', async () => {
    let clock = 1_000_000;
    let fetches = 0;
    const cache = new CredentialCache(
      async (): Promise<DbCredentials> => {
        fetches++;
        return { user: 'IAM:u', password: `p${fetches}`, expiresAt: new Date(clock + 900_000) };
      },
      { refreshBeforeMs: 60_000, now: () => clock },
    );
    expect(await Promise.all([cache.password(), cache.password(), cache.password()])).to.deep.equal(['p1', 'p1', 'p1']);
    clock += 839_000; // 61 s left: still good
    expect(await cache.password()).to.equal('p1');
    clock += 2_000; // 59 s left: refresh
    expect(await Promise.all([cache.password(), cache.password()])).to.deep.equal(['p2', 'p2']);
    expect(fetches).to.equal(2);
  });
});

describe('Secrets Manager secrets', () => {
  beforeEach(() => secrets.reset());

  const consoleSecret = {
    username: 'deployer',
    password: 'S3cr3t!pw',
    engine: 'redshift',
    host: 'analytics.abc123.eu-west-1.redshift.amazonaws.com',
    port: 5439,
    dbClusterIdentifier: 'analytics',
    dbname: 'warehouse',
  };

  it('parses the layout the Redshift console creates', () => {
    expect(parseRedshiftSecret(JSON.stringify({ ...consoleSecret, port: '5439' }), 's')).to.deep.equal(consoleSecret);
    expect(() => parseRedshiftSecret('{"username":"x"}', 'rs/prod')).to.throw(ConfigError, 'secret rs/prod has no "password" key');
    expect(() => parseRedshiftSecret('not json', 'rs/prod')).to.throw(ConfigError, 'is not JSON');
  });

  it('fills only what the INI section leaves unset; the password always comes from the secret', () => {
    const secret = parseRedshiftSecret(JSON.stringify(consoleSecret), 's');
    const empty = applySecret(base({ auth: 'secret', secretId: 's' }), secret);
    expect([empty.host, empty.port, empty.database, empty.user, empty.clusterIdentifier, empty.password]).to.deep.equal([
      consoleSecret.host,
      5439,
      'warehouse',
      'deployer',
      'analytics',
      'S3cr3t!pw',
    ]);
    const set = applySecret(
      base({
        auth: 'secret',
        secretId: 's',
        host: 'proxy.internal',
        port: 15439,
        database: 'dev',
        user: 'ci',
        raw: { host: 'proxy.internal', port: '15439', database: 'dev', user: 'ci' },
      }),
      secret,
    );
    expect([set.host, set.port, set.database, set.user, set.password]).to.deep.equal(['proxy.internal', 15439, 'dev', 'ci', 'S3cr3t!pw']);
  });

  it('registers the fetched password for masking before returning it', async () => {
    const seen: string[] = [];
    const unsubscribe = onSecretRegistered((v) => seen.push(v));
    secrets
      .on(GetSecretValueCommand, { SecretId: 'rs/prod' })
      .resolves({ SecretString: JSON.stringify({ ...consoleSecret, password: 'masked-later-1' }) });
    const { password } = await resolveConnection(base({ auth: 'secret', secretId: 'rs/prod' }));
    unsubscribe();
    expect(password).to.equal('masked-later-1');
    expect(seen).to.include('masked-later-1');
  });

  it('a secret that cannot be read is a ConnectionError naming the secret and the permission', async () => {
    secrets
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error("Secrets Manager can't find the specified secret."), { name: 'ResourceNotFoundException' }));
    const err = await resolveConnection(base({ auth: 'secret', secretId: 'rs/missing' })).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConnectionError);
    expect((err as ConnectionError).message)
      .to.contain('rs/missing')
      .and.contain('ResourceNotFoundException');
    expect((err as ConnectionError).hint).to.contain('secretsmanager:GetSecretValue');
  });
});

describe('endpoint discovery', () => {
  beforeEach(() => {
    redshift.reset();
    serverless.reset();
  });

  it('DescribeClusters gives a provisioned cluster host and port', async () => {
    redshift
      .on(DescribeClustersCommand, { ClusterIdentifier: 'analytics' })
      .resolves({ Clusters: [{ Endpoint: { Address: 'analytics.abc.eu-west-1.redshift.amazonaws.com', Port: 5439 } }] });
    expect(await discoverEndpoint(base({ clusterIdentifier: 'analytics' }))).to.deep.equal({
      host: 'analytics.abc.eu-west-1.redshift.amazonaws.com',
      port: 5439,
    });
  });

  it('GetWorkgroup gives a serverless workgroup host and port', async () => {
    serverless
      .on(GetWorkgroupCommand, { workgroupName: 'etl' })
      .resolves({ workgroup: { endpoint: { address: 'etl.1.eu-west-1.redshift-serverless.amazonaws.com', port: 5439 } } as never });
    expect(await discoverEndpoint(base({ workgroup: 'etl' }))).to.deep.equal({
      host: 'etl.1.eu-west-1.redshift-serverless.amazonaws.com',
      port: 5439,
    });
  });

  it('a cluster without an endpoint yet is a clear ConnectionError', async () => {
    redshift.on(DescribeClustersCommand).resolves({ Clusters: [{ ClusterStatus: 'creating' }] });
    const err = await discoverEndpoint(base({ clusterIdentifier: 'analytics' })).catch((e: unknown) => e);
    expect((err as ConnectionError).message).to.contain('cluster analytics has no endpoint yet');
  });
});

describeEachEngine(
  'auth = iam over the wire',
  (db) => {
    beforeEach(() => {
      redshift.reset();
    });

    it('connects with the temporary credentials, discovering the endpoint, and asks again for a new connection after expiry', async () => {
      redshift.on(DescribeClustersCommand).resolves({ Clusters: [{ Endpoint: { Address: db.host, Port: db.port } }] });
      // Temporary passwords that are already inside the refresh margin: every new connection refetches.
      redshift
        .on(GetClusterCredentialsCommand)
        .callsFake(async () => ({ DbUser: db.user, DbPassword: db.password, Expiration: new Date(Date.now() + 1000) }));
      const env = db.env({ host: '', auth: 'iam', clusterIdentifier: 'analytics', dbUser: db.user, password: undefined });
      const opened = await openWarehouse(env, { stateDir: os.tmpdir() }, { maxConnections: 2 });
      try {
        expect(opened.warehouse.user).to.equal(db.user);
        const [s1, s2] = [await opened.warehouse.acquire(), await opened.warehouse.acquire()];
        const r = await s1.query<{ u: string }>('SELECT current_user AS u');
        expect(r.rows[0]?.u).to.equal(db.user);
        await s1.release();
        await s2.release();
      } finally {
        await opened.dispose();
      }
      // One call to learn the user, then one per new pool connection.
      expect(redshift.commandCalls(GetClusterCredentialsCommand)).to.have.length(3);
      expect(redshift.commandCalls(DescribeClustersCommand)).to.have.length(1);
    });

    it('a password the server rejects is exit 5 with the credentials hint', async () => {
      redshift
        .on(GetClusterCredentialsCommand)
        .resolves({ DbUser: db.user, DbPassword: 'wrong-password', Expiration: new Date(Date.now() + 900_000) });
      const env = db.env({ auth: 'iam', clusterIdentifier: 'analytics', dbUser: db.user, password: undefined });
      const opened = await openWarehouse(env, { stateDir: os.tmpdir() }, { maxConnections: 1 });
      try {
        const err = await opened.warehouse.acquire().catch((e: unknown) => e);
        expect(err).to.be.instanceOf(ConnectionError);
        expect((err as ConnectionError).exitCode).to.equal(ExitCode.ConnectionFailed);
        expect((err as ConnectionError).message).to.contain('password authentication failed');
      } finally {
        await opened.dispose();
      }
    });
  },
  ['postgres'],
);
