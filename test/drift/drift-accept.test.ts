/**
 * `rsrun drift --accept` on both engines: after hand changes, it writes one migration (and does not
 * touch the warehouse); deploying that migration to the drifted environment leaves it as it was,
 * and drift is then empty (the expected side now replays the accepted migration too).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describeEachEngine } from '../support/engines';
import { deployedDriftProject, runAsRedshift } from './project';

describeEachEngine('rsrun drift --accept', (db) => {
  const { project, cli } = deployedDriftProject(db);

  it('writes a migration after which the environment shows no drift', async function () {
    this.timeout(300_000);
    const client = await db.client();
    for (const sql of [
      'ALTER TABLE sales.customers ALTER COLUMN email TYPE varchar(200)',
      'ALTER TABLE sales.customers ADD COLUMN country varchar(2)',
      // PostgreSQL deparses IN (...) as = ANY (ARRAY[...]), which Redshift refuses: a plain comparison here.
      "CREATE OR REPLACE VIEW mart.v_open_orders AS SELECT id, customer_id, amount FROM sales.orders WHERE status <> 'closed'",
      "CREATE OR REPLACE PROCEDURE sales.p_close(p_id integer) LANGUAGE plpgsql AS $$ BEGIN UPDATE sales.orders SET status = 'done' WHERE id = p_id; END; $$",
      'CREATE TABLE sales.hand_made (x integer NOT NULL)',
      'DROP VIEW mart.v_items',
      'CREATE OR REPLACE FUNCTION sales.f_net(numeric) RETURNS numeric IMMUTABLE LANGUAGE sql AS $$ SELECT $1 * 0.75 $$',
      "INSERT INTO sales.customers (name, email, country) VALUES ('Ada', 'ada@example.com', 'GB')",
    ]) {
      await client.query(sql);
    }
    await runAsRedshift(db.warehouse(), [
      'ALTER TABLE mart.daily ALTER SORTKEY (total, day)',
      'ALTER TABLE sales.orders ALTER COLUMN amount ENCODE zstd',
      'ALTER TABLE sales.customers ALTER DISTSTYLE EVEN',
    ]);
    const before = await cli('drift', '--env', 'test', '--json');
    expect(before.code, before.stderr).to.equal(9);
    expect((JSON.parse(before.stdout) as { objects: number }).objects).to.equal(8);
    const catalogBefore = await catalog();

    const accepted = await cli('drift', '--env', 'test', '--accept');
    expect(accepted.code, accepted.stderr + accepted.stdout).to.equal(0);
    const written = readdirSync(project().migrationsDir).filter((f) => f.startsWith('V6__'));
    expect(written).to.deep.equal(['V6__accept_drift_test.sql']);
    expect(await catalog(), '--accept changed the warehouse').to.deep.equal(catalogBefore);
    const sql = readFileSync(path.join(project().migrationsDir, 'V6__accept_drift_test.sql'), 'utf8');
    expect(sql).to.include('ALTER TABLE "mart"."daily" ALTER COMPOUND SORTKEY ("total", "day")');

    const deployed = await cli('migrate', '--env', 'test');
    expect(deployed.code, deployed.stderr + deployed.stdout).to.equal(0);
    const after = await cli('drift', '--env', 'test');
    expect(after.stdout + after.stderr).to.include('no drift');
    expect(after.code).to.equal(0);
    // The rebuilt table kept its rows, with the columns the migrations knew (the file says so).
    const rows = await client.query<{ name: string; country: string | null }>('SELECT name, country FROM sales.customers');
    expect(rows.rows).to.deep.equal([{ name: 'Ada', country: null }]);
    expect(sql).to.include('-- WARNING: rows keep the columns the migrations knew; the values of country are not carried over');

    async function catalog(): Promise<unknown[]> {
      const r = await client.query(
        `SELECT c.relname, c.relkind, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
         WHERE n.nspname IN ('sales', 'mart') ORDER BY 1, 3`,
      );
      return r.rows;
    }
  });
});
