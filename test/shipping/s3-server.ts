/**
 * A real S3 protocol server on loopback for the shipping tests (s3rver), and Debian's AWS CLI to
 * read results back as an engineer would. Stopping and restarting on the same port and data
 * directory simulates an S3 outage.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import S3rver from 's3rver';

/** Debian's `awscli`; `which aws` may be a pyenv shim. */
export const AWS_CLI = '/usr/bin/aws';
export const BUCKET = 'rsrun-reports';
/** s3rver accepts these; the SDK's default chain reads them from the environment, like on Jenkins. */
export const S3_ENV = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
};

export class LocalS3 {
  private server: S3rver | undefined;
  port = 0;
  private constructor(
    readonly dir: string,
    private readonly anySecretKey: boolean,
  ) {}

  /** `anySecretKey`: accept requests signed with any secret key (for key S3RVER), so a test can use a secret of its own. */
  static async start(options: { anySecretKey?: boolean } = {}): Promise<LocalS3> {
    const s3 = new LocalS3(await mkdtemp(path.join(tmpdir(), 'rsrun-s3rver-')), options.anySecretKey ?? false);
    await s3.resume();
    return s3;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts (again) on the same port and data directory: objects stored before an outage are still there. */
  async resume(): Promise<void> {
    this.server = new S3rver({
      address: '127.0.0.1',
      port: this.port,
      silent: true,
      directory: this.dir,
      configureBuckets: [{ name: BUCKET }],
      allowMismatchedSignatures: this.anySecretKey,
    });
    const info = await this.server.run();
    this.port = info.port;
  }

  /** The outage: the port refuses connections until `resume()`. */
  async stop(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Runs `/usr/bin/aws --endpoint-url ... ARGS` and returns stdout. */
  async aws(...args: string[]): Promise<string> {
    const { stdout } = await promisify(execFile)(AWS_CLI, ['--endpoint-url', this.endpoint, ...args], {
      env: { ...process.env, ...S3_ENV, AWS_PAGER: '' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  }

  /** `aws s3 ls --recursive` parsed into key → size. */
  async list(prefix: string): Promise<Map<string, number>> {
    const out = await this.aws('s3', 'ls', `s3://${BUCKET}/${prefix}`, '--recursive');
    const objects = new Map<string, number>();
    for (const line of out.split('\n')) {
      const m = /^\S+ \S+\s+(\d+) (.+)$/.exec(line);
      if (m) objects.set(m[2]!, Number(m[1]));
    }
    return objects;
  }
}
