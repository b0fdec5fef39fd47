/**
 * S3 for the site tests: the shipping tests' s3rver with the AWS SDK's credentials in the
 * environment (as on a Jenkins agent), and S3Stores on it — directly, or through the If-Match
 * test double.
 */
import { access } from 'node:fs/promises';
import { S3Store } from '../../runner/shipping/s3-store';
import { AWS_CLI, BUCKET, LocalS3, S3_ENV } from '../shipping/s3-server';
import { requireService } from '../support/services';

export const requireAwsCli = (ctx: Mocha.Context) =>
  requireService(ctx, `Debian's AWS CLI (${AWS_CLI})`, () => access(AWS_CLI), 'run scripts/setup-test-services.sh (installs awscli)');

/** Sets the s3rver credentials in process.env; returns what puts the previous values back. */
export function useS3Credentials(): () => void {
  const saved = Object.fromEntries(Object.keys(S3_ENV).map((k) => [k, process.env[k]]));
  Object.assign(process.env, S3_ENV);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

export function openS3Store(endpoint: string, prefix: string): Promise<S3Store> {
  return S3Store.open({ bucket: BUCKET, prefix, region: 'us-east-1', endpoint, forcePathStyle: true, required: true });
}

/** Runs `fn` with a fresh s3rver and a store on it, then stops both. */
export async function withLocalS3<T>(prefix: string, fn: (store: S3Store, s3: LocalS3) => Promise<T>, keep = false): Promise<T> {
  const restore = useS3Credentials();
  const s3 = await LocalS3.start();
  const store = await openS3Store(s3.endpoint, prefix);
  try {
    return await fn(store, s3);
  } finally {
    store.close();
    restore();
    if (!keep) await s3.destroy();
  }
}
