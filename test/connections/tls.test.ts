/**
 * `ssl` modes against a real PostgreSQL server that only accepts TLS, with a CA and a server
 * certificate generated for this run: verify-full must accept only the right CA and host name.
 */
import { createHash, X509Certificate } from 'node:crypto';
import os from 'node:os';
import { expect } from 'chai';
import { envConfigFor } from '../support/engines';
import { requireService } from '../support/services';
import type { EnvironmentConfig } from '../../runner/config/types';
import { ConnectionError, ExitCode, RsrunError } from '../../runner/errors';
import { openWarehouse } from '../../runner/warehouse/open-warehouse';
import {
  AMAZON_TRUST_CA_BUNDLE,
  AMAZON_TRUST_CA_BUNDLE_MD5,
  AMAZON_TRUST_CA_BUNDLE_SHA256,
} from '../../runner/warehouse/aws/amazon-trust-ca-bundle';
import { resolveTls } from '../../runner/warehouse/tls';
import { startTlsPostgres, type TlsPostgres } from './support/tls-postgres';

describe('Amazon Trust CA bundle for Redshift', () => {
  it('is byte for byte the bundle AWS publishes (both documented checksums)', () => {
    expect(createHash('sha256').update(AMAZON_TRUST_CA_BUNDLE).digest('hex')).to.equal(AMAZON_TRUST_CA_BUNDLE_SHA256);
    expect(createHash('md5').update(AMAZON_TRUST_CA_BUNDLE).digest('hex')).to.equal(AMAZON_TRUST_CA_BUNDLE_MD5);
  });

  it('parses into the four Amazon root CAs, self-signed, valid today', () => {
    const pems = AMAZON_TRUST_CA_BUNDLE.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    const certs = pems.map((p) => new X509Certificate(p));
    expect(certs.map((c) => c.subject.split('\n').find((l) => l.startsWith('CN=')))).to.deep.equal([
      'CN=Amazon Root CA 1',
      'CN=Amazon Root CA 2',
      'CN=Amazon Root CA 3',
      'CN=Amazon Root CA 4',
    ]);
    for (const c of certs) {
      expect(c.ca).to.equal(true);
      expect(c.checkIssued(c)).to.equal(true);
      expect(new Date(c.validTo).getTime()).to.be.greaterThan(Date.now());
    }
    // Fingerprints as published on https://www.amazontrust.com/repository/ (Amazon Root CA 1-4).
    expect(certs.map((c) => c.fingerprint256.replace(/:/g, '').toLowerCase())).to.deep.equal([
      '8ecde6884f3d87b1125ba31ac3fcb13d7016de7f57cc904fe1cb97c6ae98196e',
      '1ba5b2aa8c65401a82960118f80bec4f62304d83cec4713a19c39c011ea46db4',
      '18ce6cfe7bf14e60b2e347b8dfe868cb31d02ebb3ada271569f50343b46db3a4',
      'e35d28419ed02025cfa69038cd623962458da5c695fbdea3c22b0bfb25897092',
    ]);
  });

  it('is the trust store of verify-full for engine = redshift unless ssl_root_cert says otherwise', async () => {
    const redshift = await resolveTls({
      name: 'prod',
      engine: 'redshift',
      ssl: 'verify-full',
      sslRootCert: undefined,
      host: 'x.redshift.amazonaws.com',
    });
    expect(redshift).to.deep.equal({ rejectUnauthorized: true, ca: AMAZON_TRUST_CA_BUNDLE });
    const postgres = await resolveTls({ name: 'ci', engine: 'postgres', ssl: 'verify-full', sslRootCert: undefined, host: 'db' });
    expect(postgres).to.deep.equal({ rejectUnauthorized: true });
    expect(await resolveTls({ name: 'ci', engine: 'redshift', ssl: 'require', sslRootCert: undefined, host: 'db' })).to.deep.equal({
      rejectUnauthorized: false,
    });
    expect(await resolveTls({ name: 'ci', engine: 'redshift', ssl: 'disable', sslRootCert: undefined, host: 'db' })).to.equal(false);
  });

  it('refuses an ssl_root_cert that cannot be read or holds no certificate, naming the environment', async () => {
    const missing = await resolveTls({ name: 'prod', ssl: 'verify-full', sslRootCert: '/nonexistent/ca.pem', host: 'h' }).catch(
      (e: unknown) => e,
    );
    expect(missing).to.be.instanceOf(RsrunError);
    expect((missing as RsrunError).exitCode).to.equal(ExitCode.BadInput);
    expect((missing as RsrunError).message)
      .to.contain('/nonexistent/ca.pem')
      .and.contain('prod');
    const notPem = await resolveTls({ name: 'prod', ssl: 'verify-full', sslRootCert: '/etc/hostname', host: 'h' }).catch((e: unknown) => e);
    expect((notPem as RsrunError).message).to.contain('holds no PEM certificate');
  });
});

describe('ssl modes against a TLS-only PostgreSQL server', function () {
  let server: TlsPostgres;

  before(async function () {
    this.timeout(120_000);
    await requireService(
      this,
      'a TLS PostgreSQL server started from /usr/lib/postgresql',
      async () => {
        server = await startTlsPostgres();
      },
      'install postgresql and openssl (scripts/setup-test-services.sh)',
    );
  });

  after(async () => {
    await server?.stop();
  });

  const env = (overrides: Partial<EnvironmentConfig>): EnvironmentConfig =>
    envConfigFor(
      'tls',
      { host: 'localhost', port: server.port, user: server.user, password: server.password, database: server.database },
      overrides,
    );

  async function connect(e: EnvironmentConfig): Promise<{ ssl: boolean; version: string | null }> {
    const opened = await openWarehouse(e, { stateDir: os.tmpdir() }, { maxConnections: 1 });
    try {
      const session = await opened.warehouse.acquire();
      try {
        const r = await session.query<{ ssl: boolean; version: string | null }>(
          'SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
        );
        return r.rows[0] ?? { ssl: false, version: null };
      } finally {
        await session.release();
      }
    } finally {
      await opened.dispose();
    }
  }

  async function failure(e: EnvironmentConfig): Promise<ConnectionError> {
    const err = await connect(e).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(err, 'the connection should have been refused').to.be.instanceOf(ConnectionError);
    expect((err as ConnectionError).exitCode).to.equal(ExitCode.ConnectionFailed);
    return err as ConnectionError;
  }

  it('verify-full connects with the CA that signed the server certificate and the host it names', async () => {
    const info = await connect(env({ ssl: 'verify-full', sslRootCert: server.caFile }));
    expect(info.ssl).to.equal(true);
    expect(info.version).to.match(/^TLSv1\.[23]$/);
  });

  it('verify-full refuses a server whose certificate does not chain to the configured CA', async () => {
    const err = await failure(env({ ssl: 'verify-full', sslRootCert: server.otherCaFile }));
    expect(err.message)
      .to.contain('cannot connect to')
      .and.match(/self[- ]signed certificate in certificate chain|unable to verify/i);
    expect(err.hint).to.contain('does not chain to a trusted root');
  });

  it('verify-full refuses a certificate issued for another host name', async () => {
    const err = await failure(env({ host: '127.0.0.1', ssl: 'verify-full', sslRootCert: server.caFile }));
    expect(err.message).to.contain("Hostname/IP does not match certificate's altnames");
    expect(err.hint).to.contain('does not name the host');
  });

  it('verify-full on engine = redshift trusts only the Amazon roots, not this test CA nor the system store', async () => {
    const err = await failure(env({ engine: 'redshift', ssl: 'verify-full', sslRootCert: undefined }));
    expect(err.hint).to.contain('does not chain to a trusted root');
  });

  it('require encrypts without verifying the certificate', async () => {
    const info = await connect(env({ ssl: 'require', sslRootCert: server.otherCaFile, host: '127.0.0.1' }));
    expect(info.ssl).to.equal(true);
  });

  it('disable is refused by a server that requires TLS, with a hint to turn verification on', async () => {
    const err = await failure(env({ ssl: 'disable' }));
    expect(err.message).to.contain('no encryption');
    expect(err.hint).to.contain('ssl = verify-full');
  });

  it('a wrong password over verify-full is an authentication failure, not a TLS one', async () => {
    const err = await failure(env({ ssl: 'verify-full', sslRootCert: server.caFile, password: 'not-the-password' }));
    expect(err.message).to.contain('password authentication failed');
    expect(err.hint).to.contain('user, password and database');
  });
});
