/** The pre-initialised cluster that replaces PGlite's initdb for a new embedded warehouse. */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureTemplate, hasCluster, unpackTemplate } from '../../runner/local/pgdata-template';
import { startEmbedded } from '../../runner/warehouse/embedded';

describe('pre-initialised PGlite cluster', function () {
  this.timeout(300_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'rsrun-template-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('unpacks into a cluster the engine opens, with the WAL segment sparse, replacing an empty directory', async () => {
    const template = await ensureTemplate();
    expect(template, 'npm run build writes dist/pgdata/').to.be.a('string');
    const dataDir = path.join(dir, 'pgdata');
    mkdirSync(dataDir);
    await unpackTemplate(template as string, dataDir);
    expect(hasCluster(dataDir)).to.equal(true);
    const wal = statSync(path.join(dataDir, 'pg_wal', '000000010000000000000001'));
    expect(wal.size).to.equal(16 * 1024 * 1024);
    expect(wal.blocks * 512, 'zero pages are holes').to.be.below(wal.size);

    const server = await startEmbedded({ dataDir, fresh: false });
    try {
      const client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database });
      await client.connect();
      await client.query('create table t (a int); insert into t values (1), (2)');
      expect((await client.query('select sum(a)::int as s from t')).rows).to.deep.equal([{ s: 3 }]);
      expect((await client.query('show shared_buffers')).rows).to.deep.equal([{ shared_buffers: '16MB' }]);
      await client.end();
    } finally {
      await server.stop();
    }
  });

  it('leaves no cluster behind when unpacking fails half-way', async () => {
    const dataDir = path.join(dir, 'pgdata');
    let failed = false;
    // A file that is not a gzip tar stands for a run that dies while unpacking.
    await unpackTemplate(path.join(__dirname, 'pgdata-template.test.ts'), dataDir).catch(() => (failed = true));
    expect(failed).to.equal(true);
    expect(hasCluster(dataDir)).to.equal(false);
    expect(() => statSync(`${dataDir}.${process.pid}.unpacking`)).to.throw();
  });
});
