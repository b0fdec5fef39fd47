/**
 * Starting and stopping a project's resident local server from another process: `rsrun local
 * start|stop`, and commands that start one on the way (see open-embedded.ts).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../errors';
import { accepts, envStateDir, findServer, readServerFile, removeServerFile, type ServerInfo } from './server-file';

export interface StartOptions {
  stateDir: string;
  envName: string;
  fresh: boolean;
  idleTimeoutMs: number;
  /** Upper bound on waiting for the server to accept connections. */
  readyTimeoutMs?: number;
}

const POLL_MS = 50;

/** The CLI entry that started this process (bin/rsrun.js), to start the server with. */
function cliEntry(): string {
  const entry = require.main?.filename ?? process.argv[1];
  if (entry === undefined) throw new Error('cannot tell which rsrun entry point is running');
  return entry;
}

export function serverLogFile(stateDir: string, envName: string): string {
  return path.join(envStateDir(stateDir, envName), 'server.log');
}

/**
 * Starts the server as a detached process (it outlives this command) and waits until it accepts
 * connections. Its output goes to `.rsrun/<env>/server.log`, whose tail is the error if it fails.
 */
export async function startInBackground(options: StartOptions): Promise<ServerInfo> {
  const running = await findServer(options.stateDir, options.envName);
  if (running !== undefined && !options.fresh) return running;
  if (running !== undefined) await stopServer(options.stateDir, options.envName);
  await mkdir(envStateDir(options.stateDir, options.envName), { recursive: true });
  const log = serverLogFile(options.stateDir, options.envName);
  const fd = openSync(log, 'w', 0o600);
  const args = [
    'local',
    'serve',
    '--state-dir',
    options.stateDir,
    '--env-name',
    options.envName,
    '--idle-timeout',
    `${options.idleTimeoutMs}ms`,
  ];
  if (options.fresh) args.push('--fresh');
  const child = spawn(process.execPath, [cliEntry(), ...args], { detached: true, stdio: ['ignore', fd, fd], windowsHide: true });
  closeSync(fd);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code ?? -1));
  child.unref();
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    const info = readServerFile(options.stateDir, options.envName);
    if (info !== undefined && info.pid === child.pid && (await accepts(info))) return info;
    if (exited !== undefined) break;
    await sleep(POLL_MS);
  }
  if (exited === undefined) child.kill('SIGTERM');
  throw new ConfigError(`the local server for environment ${options.envName} did not start`, {
    hint: `its output is in ${log}: ${tail(log)}`,
  });
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-3).join(' | ') || '(empty)';
  } catch {
    return '(no output)';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stops the server if one runs: SIGTERM, then waits (bounded) until the process is gone and has
 * released the data directory. A server.json whose socket no longer answers is removed, and no
 * signal is sent: its pid may by now belong to an unrelated process.
 */
export async function stopServer(stateDir: string, envName: string, timeoutMs = 60_000): Promise<ServerInfo | undefined> {
  const info = readServerFile(stateDir, envName);
  if (info === undefined) return undefined;
  if (!(await accepts(info))) {
    await removeServerFile(stateDir, envName, info.pid);
    return undefined;
  }
  process.kill(info.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive(info.pid)) {
    if (Date.now() > deadline) {
      throw new ConfigError(`the local server (pid ${info.pid}) did not stop within ${Math.round(timeoutMs / 1000)} s`, {
        hint: `a command may still be running on it; stop that first, or end process ${info.pid}`,
      });
    }
    await sleep(POLL_MS);
  }
  return info;
}
