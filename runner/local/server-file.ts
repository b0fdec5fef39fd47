/**
 * How commands find a project's resident local server: `<project>/.rsrun/<env>/server.json`,
 * written by the server once it accepts connections and removed when it stops. A file left by a
 * server that died is recognised by its socket refusing connections, and ignored.
 */
import { readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

export interface ServerInfo {
  pid: number;
  /** A directory for a Unix socket (`<host>/.s.PGSQL.<port>`, as `pg` reads it), or 127.0.0.1. */
  host: string;
  port: number;
  user: string;
  database: string;
  dataDir: string;
  startedAt: string;
  /** rsrun's version: a server of another version is stopped rather than used. */
  version: string;
}

export function envStateDir(stateDir: string, envName: string): string {
  return path.join(stateDir, envName);
}

export function serverFile(stateDir: string, envName: string): string {
  return path.join(envStateDir(stateDir, envName), 'server.json');
}

export function readServerFile(stateDir: string, envName: string): ServerInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(serverFile(stateDir, envName), 'utf8')) as Partial<ServerInfo>;
    const ok = typeof info.pid === 'number' && typeof info.host === 'string' && typeof info.port === 'number';
    return ok ? (info as ServerInfo) : undefined;
  } catch {
    return undefined;
  }
}

/** Written beside and renamed into place: a reader never sees half a file. */
export async function writeServerFile(stateDir: string, envName: string, info: ServerInfo): Promise<void> {
  const file = serverFile(stateDir, envName);
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

export async function removeServerFile(stateDir: string, envName: string, pid: number): Promise<void> {
  // Only the server that wrote it removes it: a successor may already have written its own.
  if (readServerFile(stateDir, envName)?.pid === pid) await rm(serverFile(stateDir, envName), { force: true });
}

/** Whether something accepts connections where the server said it listens (bounded: 2 s). */
export function accepts(info: Pick<ServerInfo, 'host' | 'port'>, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = info.host.startsWith('/')
      ? net.connect(path.join(info.host, `.s.PGSQL.${info.port}`))
      : net.connect(info.port, info.host);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The running server of this project and environment, if there is one that answers. */
export async function findServer(stateDir: string, envName: string): Promise<ServerInfo | undefined> {
  const info = readServerFile(stateDir, envName);
  if (info === undefined) return undefined;
  return (await accepts(info)) ? info : undefined;
}
