/**
 * An S3-protocol server on loopback (s3rver, npm) run as its own process, so its CPU shows up
 * apart from the uploader being measured. Credentials are s3rver's fixed local ones.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { REPO_DIR } from './context';

export const S3RVER_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
};

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  /** s3rver's store on disk (one folder per bucket). */
  dataDir: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`s3rver exited ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`s3rver did not listen on ${port} within ${timeoutMs} ms`);
}

export async function startLocalS3(dataDir: string, bucket = 'rsrun-bench'): Promise<LocalS3> {
  await mkdir(dataDir, { recursive: true });
  const port = await freePort();
  const bin = path.join(REPO_DIR, 'node_modules', 's3rver', 'bin', 's3rver.js');
  const child = spawn(
    process.execPath,
    [bin, '-d', dataDir, '-a', '127.0.0.1', '-p', String(port), '--silent', '--configure-bucket', bucket],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-2000)));
  try {
    await waitForPort(port, child, 15_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${(err as Error).message}: ${stderr}`);
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    dataDir,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
