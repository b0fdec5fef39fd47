/**
 * COPY from the local object store in the forms issue 12 names: every compression Redshift accepts
 * (copy-parameters-file-compression), MAXERROR with rejected records in STL_LOAD_ERRORS
 * (copy-parameters-error-handling, r_STL_LOAD_ERRORS), JSON 'auto' / 'auto ignorecase' / JSONPaths
 * and Parquet (copy-parameters-data-format), lengths counted in bytes (r_Character_types).
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { createRedshiftEmulation, LocalDirectoryStore } from '../../runner/dialects/redshift/emulation';
import type { Session } from '../../runner/warehouse/warehouse';
import { describeEachEngine } from '../support/engines';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'copy');
const VENUES = [
  { venueid: 1, venuename: 'Toyota Park', venuecity: 'Bridgeview' },
  { venueid: 2, venuename: 'Columbus Crew Stadium', venuecity: 'Columbus' },
  { venueid: 3, venuename: 'RFK Stadium', venuecity: 'Washington' },
];

describeEachEngine('COPY sources through the emulation', (db) =>
  describe('from the local object store', () => {
    let root: string;
    let session: Session;
    let rewriter: ReturnType<typeof createRedshiftEmulation>;
    const put = async (key: string, body: string | Buffer) => {
      await mkdir(path.dirname(path.join(root, 'bucket', key)), { recursive: true });
      await writeFile(path.join(root, 'bucket', key), body);
    };
    const run = async (sql: string) => {
      let rows: Array<Record<string, unknown>> = [];
      for (const step of rewriter.rewrite(sql, { file: 'V1__copy.sql', line: 1 })) {
        if (step.kind === 'sql') rows = (await session.query<Record<string, unknown>>(step.sql)).rows;
        else await step.run(session);
      }
      return rows;
    };
    const venues = async (table: string) => run(`select venueid, venuename, venuecity from ${table} order by venueid`);

    before(async () => {
      root = await mkdtemp(path.join(tmpdir(), 'rsrun-copy-'));
      rewriter = createRedshiftEmulation({
        s3Store: new LocalDirectoryStore(root),
        loadWith: db.engine === 'embedded' ? 'insert' : 'copy',
      });
      session = await db.warehouse({ emulateRedshift: true }).acquire();
      await rewriter.prepare(session);
      for (const ext of ['bz2', 'lzo', 'zst']) await mkdir(path.join(root, 'bucket', ext), { recursive: true });
      await copyFile(path.join(FIXTURES, 'venue.txt.bz2'), path.join(root, 'bucket', 'bz2', 'venue.txt.bz2'));
      await copyFile(path.join(FIXTURES, 'venue.txt.lzo'), path.join(root, 'bucket', 'lzo', 'venue.txt.lzo'));
      await copyFile(path.join(FIXTURES, 'venue.txt.zst'), path.join(root, 'bucket', 'zst', 'venue.txt.zst'));
      await put('gz/venue.txt.gz', gzipSync('1|Toyota Park|Bridgeview\n2|Columbus Crew Stadium|Columbus\n3|RFK Stadium|Washington\n'));
    });
    after(async () => {
      await session?.release();
      await rm(root, { recursive: true, force: true });
    });

    for (const [codec, prefix] of [
      ['GZIP', 'gz'],
      ['BZIP2', 'bz2'],
      ['LZOP', 'lzo'],
      ['ZSTD', 'zst'],
    ] as const) {
      it(`loads ${codec} files written by the reference tool`, async () => {
        const table = `venue_${prefix}`;
        await run(`create table ${table} (venueid smallint, venuename varchar(100), venuecity varchar(30))`);
        await run(`copy ${table} from 's3://bucket/${prefix}/' iam_role default delimiter '|' ${codec}`);
        expect(await venues(table)).to.deep.equal(VENUES);
      });
    }

    it('skips up to MAXERROR bad records and lists them in STL_LOAD_ERRORS; one more fails the load', async () => {
      // 'é' is two bytes: 'Créteilé' is 10 bytes, too long for a VARCHAR(8) on Redshift though 8 characters.
      await put('bad/venue.txt', '1|Toyota Park|Bridgevw\nx|Bad Id|Nowhere\n3|Stade Dominique-Duvauchelle|Créteilé\n4|RFK Stadium|DC\n');
      await run('create table venue_bad (venueid smallint, venuename varchar(30), venuecity varchar(8))');
      let error: unknown;
      await run("copy venue_bad from 's3://bucket/bad/' iam_role default delimiter '|' maxerror 1").catch((e: unknown) => (error = e));
      expect(String(error)).to.match(
        /Load into table 'venue_bad' failed: 2 bad record\(s\), MAXERROR is 1: .*line 2 column venueid: Invalid digit/,
      );
      await run("copy venue_bad from 's3://bucket/bad/' iam_role default delimiter '|' maxerror 2");
      expect((await venues('venue_bad')).map((r) => r.venueid)).to.deep.equal([1, 4]);
      const errors = await run(
        'select line_number, trim(colname) as colname, err_code, trim(raw_field_value) as value from stl_load_errors order by line_number',
      );
      expect(errors).to.deep.equal([
        { line_number: '2', colname: 'venueid', err_code: 1207, value: 'x' },
        { line_number: '3', colname: 'venuecity', err_code: 1204, value: 'Créteilé' },
      ]);
    });

    it("loads JSON with 'auto', 'auto ignorecase' and a JSONPaths file", async () => {
      await put(
        'json/auto.json',
        '{"venueid": 1, "venuename": "Toyota Park", "venuecity": "Bridgeview"}\n{"venueid": 2, "venuename": null}',
      );
      await put('json/mixed.json', '[{"VenueId": 3, "VenueName": "RFK Stadium", "VenueCity": "Washington"}]'.slice(1, -1));
      await put('json/paths.json', '{"id": 5, "place": {"name": "Bank of America Stadium", "cities": ["Charlotte"]}}');
      await put('paths/venue_jsonpaths.json', '{"jsonpaths": ["$.id", "$[\'place\'][\'name\']", "$.place.cities[0]"]}');
      await run('create table venue_json (venueid smallint, venuename varchar(100), venuecity varchar(30))');
      await run("copy venue_json from 's3://bucket/json/auto.json' iam_role default format as json 'auto'");
      await run("copy venue_json from 's3://bucket/json/mixed.json' iam_role default json 'auto ignorecase'");
      await run("copy venue_json from 's3://bucket/json/paths.json' iam_role default format json 's3://bucket/paths/venue_jsonpaths.json'");
      expect(await venues('venue_json')).to.deep.equal([
        { venueid: 1, venuename: 'Toyota Park', venuecity: 'Bridgeview' },
        { venueid: 2, venuename: null, venuecity: null },
        { venueid: 3, venuename: 'RFK Stadium', venuecity: 'Washington' },
        { venueid: 5, venuename: 'Bank of America Stadium', venuecity: 'Charlotte' },
      ]);
    });

    it('loads Parquet columns by position', async () => {
      const { parquetWriteBuffer } = await import('hyparquet-writer');
      const file = parquetWriteBuffer({
        columnData: [
          { name: 'id', data: [1, 2], type: 'INT32' },
          { name: 'name', data: ['Toyota Park', 'Columbus Crew Stadium'], type: 'STRING' },
          { name: 'city', data: ['Bridgeview', null], type: 'STRING' },
        ],
      });
      await put('parquet/part-0.parquet', Buffer.from(file));
      await run('create table venue_parquet (venueid smallint, venuename varchar(100), venuecity varchar(30))');
      await run("copy venue_parquet from 's3://bucket/parquet/' iam_role default format as parquet");
      expect(await venues('venue_parquet')).to.deep.equal([
        { venueid: 1, venuename: 'Toyota Park', venuecity: 'Bridgeview' },
        { venueid: 2, venuename: 'Columbus Crew Stadium', venuecity: null },
      ]);
    });
  }),
);
