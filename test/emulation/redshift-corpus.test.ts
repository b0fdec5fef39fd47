/**
 * The issue's "Done when": Redshift DDL for every TPC-H and TPC-DS table, and statements in the
 * shapes of AWS's CREATE TABLE / CTAS / COPY / UNLOAD examples, apply through the emulation on
 * the embedded engine and on PostgreSQL.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { expect } from 'chai';
import { createRedshiftEmulation, LocalDirectoryStore } from '../../runner/dialects/redshift/emulation';
import type { Session } from '../../runner/warehouse/warehouse';
import { describeEachEngine } from '../support/engines';
import { applyFile, corpusStore } from './support';

describeEachEngine('Redshift corpus through the emulation', (db) => {
  let session: Session;
  let storeRoot: string;
  // The embedded engine's socket server cannot carry COPY FROM STDIN: COPY loads with INSERTs there.
  const rewriter = () =>
    createRedshiftEmulation({ s3Store: new LocalDirectoryStore(storeRoot), loadWith: db.engine === 'embedded' ? 'insert' : 'copy' });

  // One session per hook/test, released at its end: the engine matrix closes the pool afterwards.
  before(async () => {
    storeRoot = await corpusStore();
  });
  beforeEach(async () => {
    session = await db.warehouse({ emulateRedshift: true }).acquire();
    await rewriter().prepare(session);
  });
  afterEach(async () => session?.release());

  const tablesIn = async (schema: string) =>
    (
      await session.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [
        schema,
      ])
    ).rows.map((r) => r.table_name);

  it('creates all 8 TPC-H tables', async () => {
    expect(await applyFile(rewriter(), session, 'tpch.sql')).to.equal(9);
    expect(await tablesIn('tpch')).to.deep.equal(['customer', 'lineitem', 'nation', 'orders', 'part', 'partsupp', 'region', 'supplier']);
  });

  it('creates all 24 TPC-DS tables', async () => {
    await applyFile(rewriter(), session, 'tpcds.sql');
    expect(await tablesIn('tpcds')).to.have.length(24);
    const cols = await session.query<{ n: string }>(
      "SELECT count(*) AS n FROM information_schema.columns WHERE table_schema = 'tpcds' AND table_name = 'store_sales'",
    );
    expect(Number(cols.rows[0]?.n)).to.equal(23);
  });

  describe('AWS example shapes', () => {
    before(async () => {
      const s = await db.warehouse({ emulateRedshift: true }).acquire();
      try {
        await rewriter().prepare(s);
        await applyFile(rewriter(), s, 'aws-shapes.sql');
      } finally {
        await s.release();
      }
    });

    it('maps Redshift types to PostgreSQL types with the same meaning', async () => {
      const r = await session.query<{ column_name: string; data_type: string; character_maximum_length: number | null }>(
        "SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_schema = 'public' AND table_name IN ('zones', 'blobs', 'region_nations', 't3', 'categorydef') ORDER BY table_name, ordinal_position",
      );
      const by = Object.fromEntries(
        r.rows.map((c) => [c.column_name, `${c.data_type}${c.character_maximum_length ? `(${c.character_maximum_length})` : ''}`]),
      );
      expect(by).to.include({
        t: 'time with time zone',
        ts: 'timestamp with time zone',
        f4: 'real',
        f8: 'double precision',
        b: 'character(256)',
        n: 'character varying(20)',
        c: 'character(4096)',
        txt: 'character varying(256)',
        payload: 'bytea',
        alt: 'bytea',
        other: 'bytea',
        r_nations: 'jsonb',
        r_name: 'character varying(256)',
        c1: 'character varying(65535)',
        catgroup: 'character varying(10)',
      });
    });

    it('turns IDENTITY(0, 1) into a generated identity starting at 0', async () => {
      const r = await session.query<{ venueid: string; venuename: string }>('SELECT venueid, venuename FROM venue_ident ORDER BY venueid');
      expect(r.rows.map((x) => [Number(x.venueid), x.venuename])).to.deep.equal([
        [0, 'Shea Stadium'],
        [1, 'Fenway Park'],
      ]);
    });

    it('keeps informational constraints out of the way, as Redshift does not enforce them', async () => {
      await session.query('INSERT INTO categorydef (catid) VALUES (1), (1)');
      const r = await session.query<{ catgroup: string; n: string }>('SELECT catgroup, count(*) AS n FROM categorydef GROUP BY catgroup');
      expect(r.rows).to.deep.equal([{ catgroup: 'Special', n: '2' }]);
    });

    it('loads COPY sources: pipe, CSV, custom quote, header, column list, gzip, prefix, manifest', async () => {
      const cats = await session.query<{ catid: number; catdesc: string }>('SELECT catid, catdesc FROM category ORDER BY catid');
      expect(cats.rows.map((r) => r.catid)).to.deep.equal([12, 13, 14, 15, 16, 17, 18]);
      expect(cats.rows.find((r) => r.catid === 13)?.catdesc).to.equal('All "non-musical" theatre'); // no quote processing without CSV
      expect(cats.rows.find((r) => r.catid === 17)?.catdesc).to.equal('All "non-musical" theatre');
      expect(cats.rows.find((r) => r.catid === 18)?.catdesc).to.equal('All opera, light, and "rock" opera');
      const venues = await session.query<{ venueid: number; venueseats: number | null }>(
        'SELECT venueid, venueseats FROM venue ORDER BY venueid',
      );
      expect(venues.rows).to.deep.equal([
        { venueid: 1, venueseats: 0 },
        { venueid: 2, venueseats: 0 },
        { venueid: 3, venueseats: null },
        { venueid: 4, venueseats: null },
        { venueid: 5, venueseats: 68756 },
        { venueid: 6, venueseats: 80242 },
      ]);
      const listing = await session.query<{ n: string }>('SELECT count(*) AS n FROM listing');
      expect(listing.rows[0]?.n).to.equal('2');
      const events = await session.query<{ eventid: number; eventname: string | null }>(
        'SELECT eventid, eventname FROM event ORDER BY eventid',
      );
      expect(events.rows).to.deep.equal([
        { eventid: 1, eventname: 'Gotterdammerung' },
        { eventid: 2, eventname: null },
        { eventid: 3, eventname: null },
        { eventid: 4, eventname: 'La Cenerentola (Cinderella)' },
      ]);
      const users = await session.query<{ userid: number; email: string | null; phone: string | null; likesports: boolean | null }>(
        'SELECT userid, email, phone, likesports FROM users ORDER BY userid',
      );
      // email matched NULL AS 'NULL'; FILLRECORD loads a missing CHAR as '' (blank-padded) and a missing BOOLEAN as NULL (r_COPY FILLRECORD).
      expect(users.rows[1]).to.deep.equal({ userid: 2, email: null, phone: ' '.repeat(14), likesports: null });
    });

    it('writes UNLOAD files under Redshift names with the requested format', async () => {
      const store = new LocalDirectoryStore(storeRoot);
      const keys = await store.list('amzn-s3-demo-bucket', 'unload/');
      expect(keys).to.deep.equal([
        'unload/0000_part_00',
        'unload/event_000',
        'unload/venue_csv_000',
        'unload/venue_manifest_0000_part_00.gz',
        'unload/venue_manifest_manifest',
        'unload/venue_pipe_0000_part_00',
      ]);
      const text = (key: string) => readFile(path.join(storeRoot, 'amzn-s3-demo-bucket', key), 'utf8');
      expect((await text('unload/venue_pipe_0000_part_00')).split('\n')[0]).to.equal('1|Toyota Park|Bridgeview|IL|0');
      expect(await text('unload/venue_csv_000')).to.equal('venueid|venuename|venuecity|venuestate|venueseats\n');
      expect((await text('unload/event_000')).split('\n')[1]).to.equal('"2"\t"none"\t"2008-10-16 20:00:00"');
      const gz = gunzipSync(await readFile(path.join(storeRoot, 'amzn-s3-demo-bucket', 'unload/venue_manifest_0000_part_00.gz'))).toString(
        'utf8',
      );
      expect(gz.split('\n')[0]).to.equal('1|Toyota Park');
      const manifest = JSON.parse(await text('unload/venue_manifest_manifest')) as {
        entries: Array<{ url: string; meta: { content_length: number } }>;
      };
      expect(manifest.entries[0]?.url).to.equal('s3://amzn-s3-demo-bucket/unload/venue_manifest_0000_part_00.gz');
      expect(manifest.entries[0]?.meta.content_length).to.be.greaterThan(0);
    });

    it('refuses to overwrite UNLOAD output without ALLOWOVERWRITE', async () => {
      const [step] = rewriter().rewrite("unload ('select 1') to 's3://amzn-s3-demo-bucket/unload/venue_pipe_' iam_role default", {
        file: 'u.sql',
        line: 7,
      });
      expect(step?.kind).to.equal('action');
      if (step?.kind !== 'action') return;
      let error: unknown;
      await step.run(session).catch((e: unknown) => (error = e));
      expect(String(error)).to.match(/unload destination on S3 is not empty/);
      expect((error as { line?: number }).line).to.equal(7);
    });
  });
});
