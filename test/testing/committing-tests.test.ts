/**
 * Issue 13 (b) 4 and 5 on the strict local behaviour (emulate_redshift): tests that commit declare
 * how they clean up (`-- rsrun:isolation none` with setup/teardown, or `database`); a procedure that
 * commits cannot be called inside a test's transaction; a test over its time inside a transaction
 * block is terminated directly; a test that lost a serialization conflict (1023) runs again.
 */
import { expect } from 'chai';
import { createRewriterForConfig } from '../../runner/dialects/redshift/emulation';
import { silentLogger } from '../../runner/logging/logger';
import { RunContext } from '../../runner/run/run-context';
import { runTests } from '../../runner/testing';
import type { Logger } from '../../runner/logging/logger';
import type { Warehouse } from '../../runner/warehouse/warehouse';
import { applyStatements } from '../emulation/support';
import { describeEachEngine, type EngineDatabase } from '../support/engines';
import { until } from '../support/until';
import { configFor, makeProject } from './project';

async function run(
  db: EngineDatabase,
  files: Record<string, string>,
  extra: { prepareDatabase?: (w: Warehouse) => Promise<void>; logger?: Logger; cancelGraceMs?: number } = {},
) {
  const dir = await makeProject(files);
  const config = configFor(dir, db, { tests: { concurrency: 2 }, env: { emulateRedshift: true } });
  const ctx = await RunContext.start(config, 'test');
  const rewriter = await createRewriterForConfig(config);
  return runTests({
    config,
    warehouse: db.warehouse({ emulateRedshift: true, maxConnections: 4 }),
    ctx,
    logger: silentLogger,
    ...(rewriter ? { rewriter } : {}),
    ...extra,
  });
}

// The blog sample's procedure (guidance-for-devops-on-amazon-redshift): it TRUNCATEs the stage.
const SCHEMA = `
CREATE TABLE ct_products (product_id INT, name VARCHAR(50));
CREATE TABLE ct_stage (product_id INT, name VARCHAR(50));
CREATE OR REPLACE PROCEDURE merge_staged_products() LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM ct_products USING ct_stage WHERE ct_products.product_id = ct_stage.product_id;
  INSERT INTO ct_products SELECT product_id, name FROM ct_stage;
  TRUNCATE ct_stage;
END;
$$;`;

describeEachEngine('tests that commit', (db) => {
  // Created through the emulation, as a migration would create it.
  before(async () => {
    const config = configFor(await makeProject({}), db, { env: { emulateRedshift: true } });
    const rewriter = await createRewriterForConfig(config);
    const session = await db.warehouse({ emulateRedshift: true }).acquire();
    try {
      if (!rewriter) throw new Error('no emulation');
      await rewriter.prepare(session);
      await applyStatements(rewriter, session, SCHEMA, 'schema.sql');
    } finally {
      await session.release();
    }
  });
  afterEach(async () => {
    const c = await db.client();
    await c.query('DELETE FROM ct_products; DELETE FROM ct_stage;');
  });

  it('-- rsrun:isolation none: setup, the committing CALL, the assertion, then teardown (merge_staged_products)', async () => {
    const [o] = await run(db, {
      'tests/merge.sql': [
        '-- rsrun:test merge moves staged rows',
        '-- rsrun:isolation none',
        '-- rsrun:setup',
        "INSERT INTO ct_stage VALUES (1, 'desk'), (2, 'lamp');",
        '-- rsrun:teardown',
        'DELETE FROM ct_products WHERE product_id IN (1, 2);',
        '-- rsrun:expect rows',
        '-- | product_id | name | staged |',
        '-- | 1          | desk | 0      |',
        '-- | 2          | lamp | 0      |',
        'CALL merge_staged_products();',
        'SELECT product_id, name, (SELECT COUNT(*) FROM ct_stage) AS staged FROM ct_products;',
        '',
      ].join('\n'),
    });
    expect(o?.status, o?.message).to.equal('passed');
    const c = await db.client();
    const left = await c.query('SELECT (SELECT COUNT(*) FROM ct_products)::int AS p, (SELECT COUNT(*) FROM ct_stage)::int AS s');
    expect(left.rows, 'the teardown removed what the test committed').to.deep.equal([{ p: 0, s: 0 }]);
  });

  it('-- rsrun:teardown runs also when the test fails', async () => {
    const [o] = await run(db, {
      'tests/merge.sql':
        "-- rsrun:isolation none\n-- rsrun:setup\nINSERT INTO ct_stage VALUES (3, 'chair');\n-- rsrun:teardown\nDELETE FROM ct_products;\n-- rsrun:expect count 5\nCALL merge_staged_products();\nSELECT * FROM ct_products;\n",
    });
    expect(o?.status).to.equal('failed');
    const c = await db.client();
    expect((await c.query('SELECT COUNT(*)::int AS n FROM ct_products')).rows).to.deep.equal([{ n: 0 }]);
  });

  it("a committing procedure called inside the test's transaction fails with Redshift's error and says how to test it", async () => {
    const [o] = await run(db, {
      'tests/merge.sql':
        "INSERT INTO ct_stage VALUES (1, 'desk');\nCALL merge_staged_products();\nSELECT * FROM ct_products WHERE product_id = 9;\n",
    });
    expect(o?.status).to.equal('error');
    expect(o?.message).to.contain('TRUNCATE cannot be invoked from a procedure that is executing in an atomic context.');
    expect(o?.message).to.contain('-- rsrun:isolation none');
    const c = await db.client();
    expect((await c.query('SELECT COUNT(*)::int AS n FROM ct_stage')).rows, 'the transaction was rolled back').to.deep.equal([{ n: 0 }]);
  });

  it('a test that lost a serialization conflict (1023) runs again', async () => {
    const c = await db.client();
    // Raises Redshift's 1023 the first time only: a sequence is not rolled back with the test.
    await c.query(`CREATE SEQUENCE ct_attempts;
CREATE OR REPLACE FUNCTION ct_conflict_once() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  IF nextval('ct_attempts') = 1 THEN
    RAISE EXCEPTION '1023' USING DETAIL = 'Serializable isolation violation on table - 100, transactions forming the cycle are: 1, 2';
  END IF;
  RETURN 1;
END $$;`);
    const [o] = await run(db, { 'tests/conflict.sql': '-- rsrun:expect scalar 1\nSELECT ct_conflict_once();\n' });
    expect(o?.status, o?.message).to.equal('passed');
    expect((await c.query('SELECT last_value::int AS n FROM ct_attempts')).rows).to.deep.equal([{ n: 2 }]);
  });

  if (db.engine === 'postgres') {
    // c_serial_isolation: a real conflict, not an injected error. The test reads ct_rw_a, then waits
    // for ct_rw_gate, which another SERIALIZABLE transaction holds while it reads ct_rw_b, writes
    // ct_rw_a and commits; the test then writes ct_rw_b: a read/write cycle PostgreSQL aborts.
    it('a real serialization conflict with a concurrent transaction surfaces as 1023, and the test runs again and passes', async () => {
      const c = await db.client();
      await c.query(
        'CREATE TABLE ct_rw_a (n INT); CREATE TABLE ct_rw_b (n INT); CREATE TABLE ct_rw_gate (n INT); INSERT INTO ct_rw_gate VALUES (1);',
      );
      const other = await db.client();
      await other.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
      await other.query('LOCK TABLE ct_rw_gate IN ACCESS EXCLUSIVE MODE');
      const logged: string[] = [];
      const logger: Logger = { ...silentLogger, info: (m: string) => void logged.push(m) };
      const running = run(
        db,
        {
          'tests/rw.sql':
            '-- rsrun:expect scalar 1\nSELECT COUNT(*) FROM ct_rw_a;\nINSERT INTO ct_rw_b SELECT n FROM ct_rw_gate;\nSELECT COUNT(*) FROM ct_rw_b;\n',
        },
        { logger },
      );
      const waiting = "SELECT 1 FROM pg_locks l JOIN pg_class r ON r.oid = l.relation WHERE r.relname = 'ct_rw_gate' AND NOT l.granted";
      await until('the test waits for the gate', async () => ((await c.query(waiting)).rowCount ?? 0) > 0);
      await other.query('SELECT COUNT(*) FROM ct_rw_b');
      await other.query('INSERT INTO ct_rw_a VALUES (1)');
      await other.query('COMMIT');
      const [o] = await running;
      await c.query('DROP TABLE ct_rw_a, ct_rw_b, ct_rw_gate');
      expect(o?.status, o?.message).to.equal('passed');
      expect(logged.filter((m) => /lost a serialization conflict \(attempt 1\)/.test(m))).to.have.length(1);
    });
  }

  if (db.engine === 'embedded') {
    it('-- rsrun:isolation database is refused on the embedded engine, which runs one database', async () => {
      const [o] = await run(db, { 'tests/db.sql': '-- rsrun:isolation database\nSELECT 1 WHERE false;\n' });
      expect(o?.status).to.equal('error');
      expect(o?.message).to.match(/tests\/db\.sql:2: -- rsrun:isolation database needs a PostgreSQL server or Redshift/);
    });
  } else {
    it('-- rsrun:isolation database: a disposable database, filled by the command, dropped afterwards', async () => {
      const seen: string[] = [];
      const [o] = await run(
        db,
        {
          'tests/db.sql': [
            '-- rsrun:isolation database',
            '-- rsrun:setup',
            "INSERT INTO ct_stage VALUES (1, 'desk');",
            '-- rsrun:expect scalar 1',
            'CALL merge_staged_products();',
            'SELECT COUNT(*) FROM ct_products;',
            '',
          ].join('\n'),
        },
        {
          prepareDatabase: async (scratch) => {
            const s = await scratch.acquire();
            try {
              seen.push(String((await s.query<{ d: string }>('SELECT current_database() AS d')).rows[0]?.d));
              const rewriter = await createRewriterForConfig(configFor(await makeProject({}), db, { env: { emulateRedshift: true } }));
              if (!rewriter) throw new Error('no emulation');
              await rewriter.prepare(s);
              await applyStatements(rewriter, s, SCHEMA, 'schema.sql');
            } finally {
              await s.release();
            }
          },
        },
      );
      expect(o?.status, o?.message).to.equal('passed');
      expect(seen).to.have.length(1);
      expect(seen[0])
        .to.match(/^rsrun_test_[0-9a-f]{12}$/)
        .and.not.equal(db.database);
      const c = await db.client();
      expect((await c.query('SELECT datname FROM pg_database WHERE datname = $1', [seen[0]])).rows, 'dropped').to.deep.equal([]);
      expect((await c.query('SELECT COUNT(*)::int AS n FROM ct_products')).rows, 'the main database is untouched').to.deep.equal([
        { n: 0 },
      ]);
    });

    it('a test over its time inside a transaction block is terminated directly: "timed out, session terminated" (PG_CANCEL_BACKEND)', async () => {
      // pg_sleep behind a function of the test's own: the emulation refuses a direct call (RS019).
      const c = await db.client();
      await c.query('CREATE OR REPLACE FUNCTION ct_hang() RETURNS int LANGUAGE sql AS $$ SELECT pg_sleep(60); SELECT 1 $$');
      // A loaded machine may take seconds to deliver the termination: wait for it, not for a duration.
      const [hung, next] = await run(
        db,
        { 'tests/a_hung.sql': '-- rsrun:timeout 500ms\nSELECT ct_hang();\n', 'tests/b_next.sql': '-- rsrun:expect scalar 1\nSELECT 1;\n' },
        { cancelGraceMs: 50_000 },
      );
      expect(hung?.status).to.equal('error');
      expect(hung?.message).to.match(/^timed out after 0\.5s, session terminated \(PG_TERMINATE_BACKEND[^;]*$/);
      // Under the 60 s the statement would take: it was stopped, not waited for.
      expect(hung?.durationMs).to.be.below(55_000);
      expect(next?.status).to.equal('passed');
    });
  }
});
