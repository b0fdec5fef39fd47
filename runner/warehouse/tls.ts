/**
 * TLS for warehouse connections. `verify-full` verifies the server's chain and host name
 * (Redshift presents ACM certificates chaining to Amazon Trust Services roots); `require`
 * encrypts without verification and is meant only for tunnels; `disable` sends plain TCP.
 */
import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'node:tls';
import type { EnvironmentConfig } from '../config/types';
import { ConfigError } from '../errors';

export async function resolveTls(env: Pick<EnvironmentConfig, 'ssl' | 'sslRootCert' | 'host' | 'name'>): Promise<false | ConnectionOptions> {
  if (env.ssl === 'disable') return false;
  if (env.ssl === 'require') return { rejectUnauthorized: false };
  // verify-full: Node's bundled Mozilla roots include the Amazon Trust Services roots, so the
  // default store verifies Redshift; `ssl_root_cert` adds a private CA (e.g. a proxy's).
  let ca: string | undefined;
  if (env.sslRootCert) {
    try {
      ca = await readFile(env.sslRootCert, 'utf8');
    } catch (err) {
      throw new ConfigError(`cannot read ssl_root_cert ${env.sslRootCert} of environment ${env.name}`, { cause: err, hint: 'point ssl_root_cert at a readable PEM file' });
    }
  }
  return { rejectUnauthorized: true, servername: env.host, ...(ca ? { ca } : {}) };
}
