/**
 * The S3 store. Credentials and region come from the AWS SDK's default chain (environment,
 * shared profile, instance role, web identity); nothing about them is read from rsrun.ini or
 * written anywhere. Every object is sent with Content-MD5 and a SHA-256 checksum, which S3
 * verifies on arrival; the response is then checked against the local digests, so an upload
 * counts only when the store confirmed those exact bytes.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3Config } from '../config/types';
import { ShippingError } from '../errors';
import { withRetry } from '../retry';
import { awsHttpOptions } from '../warehouse/aws/aws-clients';
import { loadAwsModule } from './aws-sdk';
import { isTransientAwsError } from './retry';
import { joinKey, md5, sha256AndMd5, type PutResult, type RunStore, type StoredObject } from './store';

export class S3Store implements RunStore {
  private constructor(
    private readonly client: S3Client,
    private readonly sdk: typeof import('@aws-sdk/client-s3'),
    readonly config: S3Config,
    private readonly sendOptions: { abortSignal?: AbortSignal },
  ) {}

  /** `signal` aborts every request in flight (the shipping budget). */
  static async open(config: S3Config, signal?: AbortSignal): Promise<S3Store> {
    const sdk = await loadAwsModule(() => import('@aws-sdk/client-s3'));
    const client = new sdk.S3Client({
      ...(config.region ? { region: config.region } : {}),
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      forcePathStyle: config.forcePathStyle,
      // retry.ts is the one retry layer.
      maxAttempts: 1,
      // An unreachable S3 must turn into a spooled run quickly, not a CI job hanging; an upload
      // may take longer than a control-plane call to be sent.
      ...awsHttpOptions(60_000),
    });
    return new S3Store(client, sdk, config, signal ? { abortSignal: signal } : {});
  }

  get location(): string {
    return `s3://${this.config.bucket}${this.config.prefix ? `/${joinKey(this.config.prefix)}` : ''}`;
  }

  url(key: string): string {
    return `s3://${this.config.bucket}/${this.key(key)}`;
  }

  private key(key: string): string {
    return joinKey(this.config.prefix, key);
  }

  async put(key: string, body: Buffer, contentType: string): Promise<PutResult> {
    const { sha256: sha, md5: digest } = sha256AndMd5(body);
    const out = await this.client.send(
      new this.sdk.PutObjectCommand({
        Bucket: this.config.bucket,
        Key: this.key(key),
        Body: body,
        ContentType: contentType,
        ContentMD5: digest.toString('base64'),
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: Buffer.from(sha, 'hex').toString('base64'),
      }),
      this.sendOptions,
    );
    // Real S3 echoes the SHA-256 it computed; S3-compatible stores (and S3 without SSE-KMS)
    // return the MD5 as the ETag of a single-part upload. One of the two must match.
    const echoedSha = out.ChecksumSHA256 ? Buffer.from(out.ChecksumSHA256, 'base64').toString('hex') : undefined;
    const etag = out.ETag?.replace(/"/g, '').toLowerCase();
    const verified = echoedSha !== undefined ? echoedSha === sha : etag === digest.toString('hex');
    if (!verified) {
      throw new ShippingError(
        `S3 did not confirm the bytes of ${this.url(key)} (sent sha256 ${sha}, md5 ${digest.toString('hex')}; got ${echoedSha ? `sha256 ${echoedSha}` : `ETag ${out.ETag ?? 'none'}`})`,
        {
          hint: 'the upload will be retried by `rsrun ship`; if it keeps failing, check the bucket encryption settings',
        },
      );
    }
    return { key, size: body.length, sha256: sha };
  }

  async get(key: string): Promise<StoredObject | undefined> {
    try {
      const out = await this.client.send(
        new this.sdk.GetObjectCommand({ Bucket: this.config.bucket, Key: this.key(key) }),
        this.sendOptions,
      );
      const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
      return { body: Buffer.from(bytes), etag: out.ETag };
    } catch (err) {
      if (err instanceof this.sdk.NoSuchKey || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return undefined;
      throw err;
    }
  }

  async putIfUnchanged(key: string, body: Buffer, contentType: string, etag: string | undefined): Promise<boolean> {
    try {
      // S3 conditional writes: If-Match the ETag we read, or If-None-Match * for a new index.
      await this.client.send(
        new this.sdk.PutObjectCommand({
          Bucket: this.config.bucket,
          Key: this.key(key),
          Body: body,
          ContentType: contentType,
          ContentMD5: md5(body).toString('base64'),
          ...(etag ? { IfMatch: etag } : { IfNoneMatch: '*' }),
        }),
        this.sendOptions,
      );
      return true;
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // 412: someone else wrote first; 409: a concurrent conditional write is in progress.
      if (status === 412 || status === 409) return false;
      throw err;
    }
  }

  async deletePrefix(prefix: string): Promise<number> {
    let deleted = 0;
    // Listed again from the start after each batch: the keys just deleted are gone from it.
    for (;;) {
      const page = await this.client.send(
        new this.sdk.ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: `${this.key(prefix)}/` }),
        this.sendOptions,
      );
      const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key as string }));
      if (keys.length === 0) return deleted;
      // A listing holds at most 1,000 keys, as many as one DeleteObjects takes; deleting a key that
      // is already gone succeeds, so a batch is safe to send again after a 500.
      const out = await withRetry(
        () =>
          this.client.send(
            new this.sdk.DeleteObjectsCommand({ Bucket: this.config.bucket, Delete: { Objects: keys, Quiet: true } }),
            this.sendOptions,
          ),
        { retryOn: isTransientAwsError, safeToRetry: true, attempts: 4, baseDelayMs: 200, maxDelayMs: 2_000 },
      );
      if (out.Errors?.length)
        throw new ShippingError(
          `could not delete ${out.Errors.length} objects under ${this.url(prefix)}/: ${out.Errors[0]?.Code} ${out.Errors[0]?.Message ?? ''}`,
          {
            hint: 'the role needs s3:DeleteObject on the prefix (and s3:ListBucket on the bucket)',
          },
        );
      deleted += keys.length;
    }
  }

  /**
   * A GET link to `key` signed with the caller's credentials, valid `seconds` (at most 7 days, and
   * no longer than the credentials themselves): https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html
   */
  async presignGet(key: string, seconds: number): Promise<string> {
    const { getSignedUrl } = await loadAwsModule(() => import('@aws-sdk/s3-request-presigner'));
    return getSignedUrl(this.client, new this.sdk.GetObjectCommand({ Bucket: this.config.bucket, Key: this.key(key) }), {
      expiresIn: seconds,
    });
  }

  close(): void {
    this.client.destroy();
  }
}
