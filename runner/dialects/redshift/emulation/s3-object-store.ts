/**
 * An ObjectStore on an S3-compatible endpoint (`[s3] endpoint` in rsrun.ini: MinIO, s3rver,
 * LocalStack, or S3 itself) through @aws-sdk/client-s3, imported lazily so that only runs which
 * COPY or UNLOAD load the SDK. Credentials come from the SDK's default chain (environment,
 * profile, container role); they are never read or logged here.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { InputError } from '../../../errors';
import { awsHttpOptions } from '../../../warehouse/aws/aws-clients';
import type { ObjectStore } from './object-store';

export interface S3ObjectStoreOptions {
  endpoint: string | undefined;
  region: string | undefined;
  forcePathStyle: boolean;
  /** For tests: explicit credentials instead of the default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export class S3ObjectStore implements ObjectStore {
  readonly label: string;
  private client: Promise<{ client: S3Client; sdk: typeof import('@aws-sdk/client-s3') }> | undefined;

  constructor(private readonly options: S3ObjectStoreOptions) {
    this.label = options.endpoint ?? 's3';
  }

  async get(bucket: string, key: string): Promise<Buffer> {
    const { client, sdk } = await this.sdk();
    try {
      const out = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    } catch (err) {
      throw new InputError(`cannot read s3://${bucket}/${key} from ${this.label}`, {
        cause: err,
        hint: 'check that the object exists and the credentials can read it',
      });
    }
  }

  async list(bucket: string, prefix: string): Promise<string[]> {
    const { client, sdk } = await this.sdk();
    const keys: string[] = [];
    let token: string | undefined;
    // Bounded: 1000 pages of 1000 keys is far beyond any local load.
    for (let page = 0; page < 1000; page++) {
      let out;
      try {
        out = await client.send(new sdk.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      } catch (err) {
        throw new InputError(`cannot list s3://${bucket}/${prefix} on ${this.label}`, {
          cause: err,
          hint: 'check the bucket name, endpoint and credentials',
        });
      }
      for (const o of out.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
      if (!out.IsTruncated || !out.NextContinuationToken) break;
      token = out.NextContinuationToken;
    }
    return keys.sort();
  }

  async put(bucket: string, key: string, body: Buffer): Promise<void> {
    const { client, sdk } = await this.sdk();
    try {
      await client.send(new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    } catch (err) {
      throw new InputError(`cannot write s3://${bucket}/${key} on ${this.label}`, {
        cause: err,
        hint: 'check the bucket and that the credentials can write to it',
      });
    }
  }

  /** Closes the SDK client's sockets. */
  async close(): Promise<void> {
    if (this.client) (await this.client).client.destroy();
  }

  private sdk(): Promise<{ client: S3Client; sdk: typeof import('@aws-sdk/client-s3') }> {
    this.client ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client: new sdk.S3Client({
        endpoint: this.options.endpoint,
        region: this.options.region ?? 'us-east-1',
        forcePathStyle: this.options.forcePathStyle,
        ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
        ...awsHttpOptions(),
      }),
    }));
    return this.client;
  }
}
