/**
 * A throw-away PostgreSQL server that only accepts TLS (like a Redshift cluster with
 * require_ssl), with a test CA and a server certificate for `localhost` made by openssl here.
 * Runs from a temp directory on a free loopback port, as the `postgres` user when we are root
 * (initdb refuses root). Stopped and deleted by `stop()`.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsPostgres {
  port: number;
  user: string;
  password: string;
  database: string;
  /** PEM of the CA that signed the server certificate. */
  caFile: string;
  /** PEM of an unrelated CA (the "wrong" trust store). */
  otherCaFile: string;
  stop(): Promise<void>;
}

export function postgresBinDir(): string | undefined {
  for (const v of ['17', '16', '15', '14', '13']) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (existsSync(path.join(dir, 'initdb'))) return dir;
  }
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function openssl(cwd: string, ...args: string[]): Promise<void> {
  await run('openssl', args, { cwd });
}

export async function startTlsPostgres(): Promise<TlsPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)');
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rsrun-tls-pg-'));
  const sudo = (cmd: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args));
  try {
    // Test CA, a server certificate for localhost signed by it, and an unrelated CA.
    await openssl(
      dir,
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=rsrun test CA',
    );
    await openssl(
      dir,
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'other-ca.key',
      '-out',
      'other-ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=rsrun other CA',
    );
    await openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
    await writeFile(path.join(dir, 'san.ext'), 'subjectAltName=DNS:localhost\n');
    await openssl(
      dir,
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.crt',
      '-days',
      '2',
      '-extfile',
      'san.ext',
    );

    const password = `pw-${Math.random().toString(36).slice(2)}`;
    await writeFile(path.join(dir, 'pwfile'), `${password}\n`);
    await chmod(dir, 0o755);
    if (asRoot) await run('chown', ['-R', 'postgres', dir]);
    await chmod(path.join(dir, 'server.key'), 0o600);
    const data = path.join(dir, 'data');
    await sudo(path.join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'rsrun',
      `--pwfile=${path.join(dir, 'pwfile')}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--no-sync',
    ]);
    const port = await freePort();
    await appendFile(
      path.join(data, 'postgresql.conf'),
      [
        `port = ${port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        'ssl = on',
        `ssl_cert_file = '${path.join(dir, 'server.crt')}'`,
        `ssl_key_file = '${path.join(dir, 'server.key')}'`,
        'fsync = off',
        '',
      ].join('\n'),
    );
    // Plain TCP is refused, as by a cluster with require_ssl = true.
    const hba = await readFile(path.join(data, 'pg_hba.conf'), 'utf8');
    await writeFile(path.join(data, 'pg_hba.conf'), `hostnossl all all all reject\n${hba}`);
    await sudo(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', 'start']);
    return {
      port,
      user: 'rsrun',
      password,
      database: 'postgres',
      caFile: path.join(dir, 'ca.crt'),
      otherCaFile: path.join(dir, 'other-ca.crt'),
      async stop() {
        await sudo(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
