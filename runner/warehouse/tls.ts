/**
 * TLS for warehouse connections, per environment (`ssl = disable | require | verify-full`):
 * - `verify-full` verifies the server's certificate chain and that the certificate names the host
 *   we dialled. The chain is checked against `ssl_root_cert` when given; otherwise, for
 *   `engine = redshift`, against the bundle AWS publishes for Redshift (Amazon Root CA 1-4, see
 *   aws/amazon-trust-ca-bundle.ts), and for other engines against Node's bundled Mozilla roots.
 * - `require` encrypts without verifying who answers: only for a tunnel or proxy you trust.
 * - `disable` sends plain TCP; a server that insists on TLS (Redshift's `require_ssl`, or a
 *   `hostnossl ... reject` rule) refuses the connection.
 * Redshift's page on this: https://docs.aws.amazon.com/redshift/latest/mgmt/connecting-ssl-support.html
 */
import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import type { EnvironmentConfig } from '../config/types';
import { ConfigError } from '../errors';
import { AMAZON_TRUST_CA_BUNDLE } from './aws/amazon-trust-ca-bundle';

export async function resolveTls(
  env: Pick<EnvironmentConfig, 'ssl' | 'sslRootCert' | 'host' | 'name'> & Partial<Pick<EnvironmentConfig, 'engine'>>,
): Promise<false | ConnectionOptions> {
  if (env.ssl === 'disable') return false;
  if (env.ssl === 'require') return { rejectUnauthorized: false };
  let ca: string | undefined;
  if (env.sslRootCert) {
    try {
      ca = await readFile(env.sslRootCert, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read ssl_root_cert ${env.sslRootCert} of environment ${env.name}`, {
        cause: err,
        hint: 'point ssl_root_cert at a readable PEM file',
      });
    }
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
      throw new ConfigError(`ssl_root_cert ${env.sslRootCert} of environment ${env.name} holds no PEM certificate`, {
        hint: 'ssl_root_cert must be a PEM file (-----BEGIN CERTIFICATE----- ...), e.g. the Redshift bundle amazon-trust-ca-bundle.crt',
      });
    }
  } else if (env.engine === 'redshift') {
    ca = AMAZON_TRUST_CA_BUNDLE;
  }
  // Host name checking is Node's default `checkServerIdentity` (pg passes the host as servername
  // for names; IP addresses are matched against the certificate's IP SANs).
  return { rejectUnauthorized: true, ...(ca ? { ca } : {}) };
}

// OpenSSL/Node verification codes: the chain does not lead to a trusted root.
const UNTRUSTED_CHAIN = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/**
 * What to do about a failed TLS handshake, or undefined when `err` is not a TLS problem. Used for
 * the `hint` of the ConnectionError a failed connect becomes.
 */
export function tlsFailureHint(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return "the server's certificate does not name the host in this environment's `host`: connect with the endpoint name the certificate was issued for (not an IP address or alias), or use ssl = require only through a tunnel you trust";
  }
  if (typeof code === 'string' && UNTRUSTED_CHAIN.has(code)) {
    return "the server's certificate does not chain to a trusted root: for Redshift leave ssl_root_cert unset (the bundled Amazon roots are used) or point it at https://s3.amazonaws.com/redshift-downloads/amazon-trust-ca-bundle.crt; for a private CA set ssl_root_cert to that CA's PEM file";
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return "the server's certificate is outside its validity period: check the server's certificate and this machine's clock";
  }
  if (/server does not support SSL/i.test(message)) {
    return 'the server does not offer TLS: set ssl = disable for this environment only if the network path is private, or enable TLS on the server';
  }
  if (/no encryption/i.test(message) && /pg_hba/i.test(message)) {
    return 'the server requires TLS (require_ssl): set ssl = verify-full for this environment';
  }
  return undefined;
}
