import { expect } from 'chai';
import { silentLogger } from '../../runner/logging/logger';
import { RunContext } from '../../runner/run/run-context';
import { runTests } from '../../runner/testing';
import { DISPLAY_ROWS } from '../../runner/testing/compare';
import { describeEachEngine } from '../support/engines';
import { configFor, makeProject } from './project';
import type { TestSettings } from '../../runner/config/types';
import type { EngineDatabase } from '../support/engines';

async function run(db: EngineDatabase, files: Record<string, string>, tests: Partial<TestSettings> = {}, emulateRedshift = false) {
  const dir = await makeProject(files);
  const config = configFor(dir, db, { tests, env: { emulateRedshift } });
  const ctx = await RunContext.start(config, 'test');
  const started = Date.now();
  const outcomes = await runTests({ config, warehouse: db.warehouse({ emulateRedshift, maxConnections: 10 }), ctx, logger: silentLogger });
  return { outcomes, elapsedMs: Date.now() - started, ctx };
}

describeEachEngine('test execution', (db) => {
  before(async () => {
    const c = await db.client();
    await c.query('CREATE TABLE ledger (id INT, note VARCHAR(50))');
    await c.query("INSERT INTO ledger VALUES (1, 'kept')");
    await c.query('CREATE TABLE scratch_copy (a INT)');
  });

  it('rolls back what each test changed, whatever the order and concurrency', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 6; i++) {
      files[`tests/t${i}.sql`] =
        `-- rsrun:expect scalar 2\nINSERT INTO ledger VALUES (${i + 10}, 'from test ${i}');\nSELECT COUNT(*) FROM ledger;\n`;
    }
    const { outcomes } = await run(db, files, { concurrency: 3 });
    expect(outcomes.map((o) => o.status)).to.deep.equal(new Array(6).fill('passed'));
    const c = await db.client();
    expect((await c.query('SELECT id, note FROM ledger')).rows).to.deep.equal([{ id: 1, note: 'kept' }]);
  });

  it('refuses, before running anything, a test whose TRUNCATE would commit its transaction under Redshift rules', async () => {
    const c = await db.client();
    await c.query('INSERT INTO scratch_copy VALUES (1), (2)');
    const { outcomes } = await run(
      db,
      {
        'tests/truncate.sql':
          "-- rsrun:expect count 0\nINSERT INTO ledger VALUES (99, 'setup');\nTRUNCATE scratch_copy;\nSELECT * FROM scratch_copy;\n",
      },
      {},
      true,
    );
    const [o] = outcomes;
    expect(o?.status).to.equal('error');
    expect(o?.message).to.match(
      /^TRUNCATE at tests\/truncate\.sql:3 commits the transaction it runs in \(https:\/\/docs\.aws\.amazon\.com\/redshift\/latest\/dg\/r_TRUNCATE\.html\)/,
    );
    expect(o?.message).to.contain('-- rsrun:isolation none');
    // Nothing ran: the setup INSERT was not committed by the TRUNCATE, the table kept its rows.
    expect((await c.query('SELECT COUNT(*)::int AS n FROM scratch_copy')).rows).to.deep.equal([{ n: 2 }]);
    expect((await c.query('SELECT COUNT(*)::int AS n FROM ledger WHERE id = 99')).rows).to.deep.equal([{ n: 0 }]);
    await c.query('DELETE FROM scratch_copy');
  });

  it('keeps memory bounded on a failing test that returns 1,000,000 rows', async () => {
    const { outcomes } = await run(db, { 'tests/big.sql': 'SELECT g AS n FROM generate_series(1, 1000000) AS g;\n' });
    const [o] = outcomes;
    expect(o?.status).to.equal('failed');
    expect(o?.message).to.equal('expected no rows, got more than 100000 rows');
    expect(o?.actual?.rows).to.have.length(DISPLAY_ROWS);
    expect(o?.actual?.rows[0]).to.deep.equal(['1']);
  });

  it('runs with several workers and emits start/finish events for every test', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 8; i++) files[`tests/e${i}.sql`] = `-- rsrun:expect scalar ${i}\nSELECT ${i};\n`;
    const dir = await makeProject(files);
    const config = configFor(dir, db, { tests: { concurrency: 4 } });
    const ctx = await RunContext.start(config, 'test');
    const started: string[] = [];
    ctx.events.on('test:start', (e) => started.push(e.id));
    const outcomes = await runTests({ config, warehouse: db.warehouse(), ctx, logger: silentLogger });
    expect(outcomes.every((o) => o.status === 'passed')).to.equal(true);
    expect([...started].sort()).to.deep.equal(outcomes.map((o) => o.id));
    expect(ctx.tests.map((t) => t.id).sort()).to.deep.equal(outcomes.map((o) => o.id));
  });

  if (db.engine === 'embedded') {
    it('reports a test over its timeout as an error (the in-process engine cannot interrupt it)', async () => {
      const { outcomes } = await run(
        db,
        {
          'tests/slow.sql':
            '-- rsrun:test slow\n-- rsrun:expect count 1\nSELECT pg_sleep(0.6);\n-- rsrun:test after\n-- rsrun:expect scalar 1\nSELECT 1;\n',
        },
        { timeoutMs: 200 },
      );
      expect(outcomes.map((o) => [o.name, o.status])).to.deep.equal([
        ['after', 'passed'],
        ['slow', 'error'],
      ]);
      expect(outcomes[1]?.message).to.match(/^timed out: took 0\.\ds, over the limit of 0\.2s/);
    });
  }
});

describeEachEngine(
  'test execution on a PostgreSQL server',
  (db) => {
    it('runs tests that sleep on the server in about total/concurrency', async () => {
      const files: Record<string, string> = {};
      // 10 tests x 0.4 s: 4 s one after another, about 0.8 s with 5 workers.
      for (let i = 0; i < 10; i++) files[`tests/sleep${i}.sql`] = '-- rsrun:expect count 1\nSELECT pg_sleep(0.4);\n';
      const { outcomes, elapsedMs } = await run(db, files, { concurrency: 5 });
      expect(outcomes.every((o) => o.status === 'passed')).to.equal(true);
      expect(elapsedMs).to.be.below(2500);
    });

    it('cancels a hung test on the server and reports it as an error', async () => {
      const marker = `rsrun_hung_${Date.now()}`;
      const { outcomes } = await run(
        db,
        {
          'tests/hung.sql': `-- rsrun:test hung\n-- rsrun:timeout 500ms\nSELECT pg_sleep(60), '${marker}';\n-- rsrun:test next\n-- rsrun:expect scalar 1\nSELECT 1;\n`,
        },
        { concurrency: 1 },
      );
      const hung = outcomes.find((o) => o.name === 'hung');
      expect(hung?.status).to.equal('error');
      expect(hung?.message).to.equal('timed out after 0.5s; cancelled on the server (pg_cancel_backend)');
      expect(hung?.durationMs).to.be.below(10_000);
      expect(outcomes.find((o) => o.name === 'next')?.status).to.equal('passed');
      const c = await db.client();
      const still = await c.query("SELECT pid FROM pg_stat_activity WHERE query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()", [
        marker,
      ]);
      expect(still.rows).to.deep.equal([]);
    });
  },
  ['postgres'],
);
