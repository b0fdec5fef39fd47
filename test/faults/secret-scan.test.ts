/**
 * A secret scan of everything runs write — run directories, the local store, the spool, the
 * project's state directory, stdout and stderr, and every object in the S3 bucket — for the plain,
 * URL-encoded, base64 and hex forms of the database password and the AWS secret access key.
 * The runs are made to carry the password everywhere a careless project would: a migration that
 * stores it, a migration comment, a failing migration's code frame, a failing test's SQL and its
 * actual value; and they go through S3 answering, S3 down (spooled, shipped later) and no S3
 * (the local store). The database is a private instance with trust authentication, so the
 * password can be a distinctive one the shared server does not know.
 */
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { runCli, type CliResult } from '../support/cli';
import { TempProject } from '../support/project';
import { requireService } from '../support/services';
import { BUCKET, LocalS3 } from '../shipping/s3-server';
import { FaultServer } from './support/fault-server';
import { faultCase } from './support/figures';
import { PG_BIN, PrivatePostgres } from './support/private-postgres';

const DB_PASSWORD = 'Sc4n-P@ss/w0rd+Q=x%9';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYscan42Zq';
const SQL_PASSWORD = DB_PASSWORD.replace(/'/g, "''");

/** Every form a secret could take in a file or an object. */
function forms(secret: string): Record<string, string> {
  const bytes = Buffer.from(secret, 'utf8');
  return {
    plain: secret,
    'url-encoded': encodeURIComponent(secret),
    base64: bytes.toString('base64'),
    hex: bytes.toString('hex'),
  };
}

const NEEDLES = Object.entries({ 'database password': DB_PASSWORD, 'AWS secret key': AWS_SECRET }).flatMap(([what, secret]) =>
  Object.entries(forms(secret)).map(([form, text]) => ({ label: `${what} (${form})`, text, upper: text.toUpperCase() })),
);

/** The needles found in `text` (hex and base64 compared as written; hex also upper-case). */
function leaks(text: string): string[] {
  return NEEDLES.filter((n) => text.includes(n.text) || (n.label.includes('hex') && text.includes(n.upper))).map((n) => n.label);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('fault campaign: secret scan', function () {
  this.timeout(240_000);
  let server: PrivatePostgres;
  let s3: LocalS3;
  let cloudwatch: FaultServer;
  let p: TempProject;
  const outputs: { what: string; text: string }[] = [];

  before(async function () {
    await requireService(
      this,
      'PostgreSQL 15 binaries',
      () => import('node:fs/promises').then((fs) => fs.access(`${PG_BIN}/initdb`)),
      'apt-get install postgresql',
    );
    server = await PrivatePostgres.start();
    await server.createDatabase('scan');
    s3 = await LocalS3.start({ anySecretKey: true });
    cloudwatch = await FaultServer.start({ json: () => ({}) });
    p = new TempProject('scan-');
    p.migration(
      'V1__keep.sql',
      `create schema scan;\ncreate table scan.t (secret varchar(60));\ninsert into scan.t values ('${SQL_PASSWORD}');`,
    );
    p.migration('V2__comment.sql', `-- the service account password is ${DB_PASSWORD} (do not do this)\ncreate table scan.u (a int);`);
    p.write('tests/leak.sql', `-- rsrun:test finds the secret\nselect secret from scan.t where secret = '${SQL_PASSWORD}';\n`);
  });
  after(async () => {
    await cloudwatch?.close();
    await s3?.destroy();
    await server?.destroy();
    p?.remove();
  });

  const ini = (s3Endpoint: string | undefined) =>
    [
      '[project]',
      'name = scan',
      '',
      '[env.scan]',
      'engine = postgres',
      'host = 127.0.0.1',
      `port = ${server.port}`,
      'database = scan',
      `user = ${server.user}`,
      'password = ${SCAN_DB_PASSWORD}',
      ...(s3Endpoint ? ['', '[s3]', `bucket = ${BUCKET}`, `endpoint = ${s3Endpoint}`, 'region = us-east-1'] : []),
      '',
      '[cloudwatch]',
      `endpoint = ${cloudwatch.url}`,
      'region = us-east-1',
    ].join('\n');

  const cli = async (what: string, args: string[]): Promise<CliResult> => {
    const r = await runCli(['--env', 'scan', ...args], {
      cwd: p.dir,
      env: {
        SCAN_DB_PASSWORD: DB_PASSWORD,
        AWS_ACCESS_KEY_ID: 'S3RVER',
        AWS_SECRET_ACCESS_KEY: AWS_SECRET,
        AWS_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      timeoutMs: 120_000,
    });
    outputs.push({ what: `${what} stdout`, text: r.stdout }, { what: `${what} stderr`, text: r.stderr });
    return r;
  };

  it('no file, object or output of a run holds either secret in any form', () =>
    faultCase('secret scan', 'all outputs', async () => {
      // S3 answering: a failing test whose SQL and actual value are the password.
      p.write('rsrun.ini', ini(s3.endpoint));
      expect((await cli('deploy with S3', ['deploy'])).code).to.equal(1);
      // S3 down: a failing migration whose code frame shows the password; the run is spooled.
      p.migration('V3__fails.sql', `select 1;\nselect '${SQL_PASSWORD}' || (1/0)::text;`);
      p.write('rsrun.ini', ini(await FaultServer.refusedUrl()));
      expect((await cli('deploy with S3 down', ['deploy'])).code).to.equal(3);
      // No S3 at all: the local store.
      p.write('rsrun.ini', ini(undefined));
      expect((await cli('deploy to the local store', ['deploy'])).code).to.equal(3);
      // S3 back: the spooled run goes up.
      p.write('rsrun.ini', ini(s3.endpoint));
      expect((await cli('ship', ['ship'])).code).to.equal(0);

      const scanned: { what: string; text: string }[] = [...outputs];
      for (const dir of ['reports', '.rsrun']) {
        for (const f of await filesUnder(path.join(p.dir, dir)))
          scanned.push({ what: path.relative(p.dir, f), text: (await readFile(f)).toString('latin1') });
      }
      const client = new S3Client({
        endpoint: s3.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      });
      try {
        const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
        for (const o of listed.Contents ?? []) {
          const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: o.Key }));
          const body = Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
          scanned.push({ what: `s3://${BUCKET}/${o.Key}`, text: body.toString('latin1') });
        }
      } finally {
        client.destroy();
      }
      const found = scanned.flatMap((s) => leaks(s.text).map((l) => `${s.what}: ${l}`));
      const objects = scanned.filter((s) => s.what.startsWith('s3://')).length;
      process.stdout.write(
        `      scanned ${scanned.length} files, objects and outputs (${objects} S3 objects) for ${NEEDLES.length} forms\n`,
      );
      expect(objects, 'objects in S3').to.be.greaterThan(10);
      expect(found).to.deep.equal([]);
    }));
});
