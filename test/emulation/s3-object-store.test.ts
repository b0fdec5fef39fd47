/**
 * COPY and UNLOAD against an S3-compatible endpoint (`[s3] endpoint`): the real
 * @aws-sdk/client-s3 talking to s3rver on loopback, on both engines.
 */
import { expect } from 'chai';
import { S3ObjectStore } from '../../runner/dialects/redshift/emulation/s3-object-store';
import { createRedshiftEmulation } from '../../runner/dialects/redshift/emulation/index';
import { BUCKET, LocalS3, S3_ENV } from '../shipping/s3-server';
import { describeEachEngine } from '../support/engines';

describeEachEngine('COPY/UNLOAD through an S3 endpoint', (db) => {
  let s3: LocalS3;
  let store: S3ObjectStore;
  before(async () => {
    s3 = await LocalS3.start();
    store = new S3ObjectStore({
      endpoint: s3.endpoint,
      region: S3_ENV.AWS_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: S3_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: S3_ENV.AWS_SECRET_ACCESS_KEY },
    });
  });
  after(async () => s3.destroy());

  it('stores, lists and reads objects by prefix', async () => {
    await store.put(BUCKET, 'landing/b.csv', Buffer.from('2\n'));
    await store.put(BUCKET, 'landing/a.csv', Buffer.from('1\n'));
    await store.put(BUCKET, 'other/c.csv', Buffer.from('3\n'));
    expect(await store.list(BUCKET, 'landing/')).to.deep.equal(['landing/a.csv', 'landing/b.csv']);
    expect((await store.get(BUCKET, 'landing/b.csv')).toString()).to.equal('2\n');
  });

  it('loads every object under a COPY prefix and UNLOADs a query back, readable with the aws CLI', async () => {
    await store.put(BUCKET, 'orders/2026-11-01.csv', Buffer.from('id,amount\n1,10.50\n2,7.25\n'));
    await store.put(BUCKET, 'orders/2026-11-02.csv', Buffer.from('id,amount\n3,1.00\n'));
    const rewriter = createRedshiftEmulation({ s3Store: store, loadWith: db.engine === 'embedded' ? 'insert' : 'copy' });
    const session = await db.warehouse().acquire();
    try {
      await rewriter.prepare(session);
      const run = async (sql: string) => {
        for (const step of rewriter.rewrite(sql, { file: 'inline.sql', line: 1 })) {
          if (step.kind === 'sql') await session.query(step.sql);
          else await step.run(session);
        }
      };
      await run('CREATE TABLE s3_orders (id INTEGER, amount DECIMAL(8,2)) DISTSTYLE EVEN');
      await run(`COPY s3_orders FROM 's3://${BUCKET}/orders/' IAM_ROLE 'arn:aws:iam::000000000000:role/load' FORMAT AS CSV IGNOREHEADER 1`);
      const r = await session.query<{ n: number; total: string }>('SELECT COUNT(*)::int AS n, SUM(amount)::text AS total FROM s3_orders');
      expect(r.rows[0]).to.deep.equal({ n: 3, total: '18.75' });
      await run(
        `UNLOAD ('SELECT id, amount FROM s3_orders ORDER BY id') TO 's3://${BUCKET}/unload/orders_' IAM_ROLE default FORMAT AS CSV HEADER PARALLEL OFF`,
      );
    } finally {
      await session.release();
    }
    const listed = await s3.list('unload/');
    expect([...listed.keys()]).to.deep.equal(['unload/orders_000']);
    const body = await s3.aws('s3', 'cp', `s3://${BUCKET}/unload/orders_000`, '-');
    expect(body.trim().split('\n')).to.deep.equal(['id,amount', '1,10.50', '2,7.25', '3,1.00']);
  });
});
