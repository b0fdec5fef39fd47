/**
 * A PostgreSQL server of the test's own, for faults that would disturb everyone else's tests on
 * the shared server (a restart with `-m immediate`). initdb and pg_ctl from the Debian package,
 * run as the `postgres` user when the tests run as root (PostgreSQL refuses to run as root), on a
 * free loopback port, with trust authentication and fsync off: a throwaway cluster.
 */
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

export const PG_BIN = '/usr/lib/postgresql/15/bin';
const run = promisify(execFile);

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export class PrivatePostgres {
  readonly user = 'rsrun_private';
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly asUser: string | undefined,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const root = userInfo().uid === 0;
    const dir = mkdtempSync(path.join(tmpdir(), 'rsrun-private-pg-'));
    chmodSync(dir, 0o700);
    const asUser = root ? 'postgres' : undefined;
    if (root) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const server = new PrivatePostgres(dir, await freePort(), asUser);
    await server.exec('initdb', ['-D', server.dataDir, '-A', 'trust', '-U', server.user, '--no-sync', '-E', 'UTF8', '--locale', 'C']);
    await server.ctl('start');
    return server;
  }

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  private exec(tool: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
    const bin = path.join(PG_BIN, tool);
    return this.asUser ? run('runuser', ['-u', this.asUser, '--', bin, ...args], { timeout: 60_000 }) : run(bin, args, { timeout: 60_000 });
  }

  /** `pg_ctl start|restart|stop`, waiting until it is done (`-w`); restart and stop are immediate (a crash). */
  async ctl(action: 'start' | 'restart' | 'stop'): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
    await this.exec('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      path.join(this.dir, 'server.log'),
      '-w',
      '-t',
      '60',
      ...(action === 'start' ? [] : ['-m', 'immediate']),
      '-o',
      options,
      action,
    ]);
  }

  client(database = 'postgres'): pg.Client {
    return new pg.Client({ host: '127.0.0.1', port: this.port, user: this.user, database });
  }

  async createDatabase(name: string): Promise<void> {
    const c = this.client();
    await c.connect();
    try {
      await c.query(`CREATE DATABASE ${name}`);
    } finally {
      await c.end();
    }
  }

  async destroy(): Promise<void> {
    if (existsSync(path.join(this.dataDir, 'postmaster.pid'))) await this.ctl('stop').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
