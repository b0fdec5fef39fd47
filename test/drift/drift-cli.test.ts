/**
 * `rsrun drift` on both engines: a deployed project of 15 objects reports no drift; after ten
 * hand changes of different kinds it reports exactly those ten objects, each with the migration
 * that last defined it (none for what no migration made), and exits 9.
 */
import { expect } from 'chai';
import type { DriftRecord } from '../../runner/events';
import { describeEachEngine } from '../support/engines';
import { deployedDriftProject, runAsRedshift } from './project';

type JsonItem = DriftRecord['items'][number];

describeEachEngine('rsrun drift', (db) => {
  const { project, cli } = deployedDriftProject(db);

  it('reports no drift on the deployed schema', async function () {
    this.timeout(180_000);
    const r = await cli('drift', '--env', 'test');
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    expect(r.stdout).to.include('no drift');
  });

  it('reports exactly the ten hand changes, each with the migration that last defined the object', async function () {
    this.timeout(180_000);
    const client = await db.client();
    for (const sql of [
      'ALTER TABLE sales.customers ALTER COLUMN email TYPE varchar(200)',
      'ALTER TABLE sales.items ALTER COLUMN qty DROP DEFAULT',
      "CREATE OR REPLACE VIEW mart.v_open_orders AS SELECT id, customer_id, amount FROM sales.orders WHERE status IN ('new', 'held')",
      "CREATE OR REPLACE PROCEDURE sales.p_close(p_id integer) LANGUAGE plpgsql AS $$ BEGIN UPDATE sales.orders SET status = 'done' WHERE id = p_id; END; $$",
      'CREATE TABLE sales.hand_made (x integer)',
      'GRANT SELECT ON sales.orders TO PUBLIC',
      'ALTER TABLE sales.orders ADD COLUMN note varchar(100)',
      'DROP VIEW mart.v_items',
      'CREATE OR REPLACE FUNCTION sales.f_net(numeric) RETURNS numeric IMMUTABLE LANGUAGE sql AS $$ SELECT $1 * 0.75 $$',
    ]) {
      await client.query(sql);
    }
    // A sort key changed by recreating the table, as Redshift SQL (the emulation records the design).
    await runAsRedshift(db.warehouse(), [
      'DROP TABLE mart.daily',
      'CREATE TABLE mart.daily (day DATE NOT NULL, total DECIMAL(14, 2)) SORTKEY (total, day)',
    ]);

    const r = await cli('drift', '--env', 'test', '--json');
    expect(r.code, r.stderr + r.stdout).to.equal(9);
    const report = JSON.parse(r.stdout) as { objects: number; items: JsonItem[] };
    const byObject = new Map<string, Set<string | null>>();
    for (const i of report.items)
      byObject.set(`${i.objectType} ${i.object}`, new Set([...(byObject.get(`${i.objectType} ${i.object}`) ?? []), i.migration]));
    const seen = Object.fromEntries([...byObject].map(([k, v]) => [k, [...v].join(',')]));
    expect(seen).to.deep.equal({
      'table sales.customers': 'V5__customers_phone.sql',
      'table sales.items': 'V2__tables.sql',
      'view mart.v_open_orders': 'V3__views.sql',
      'procedure sales.p_close(integer)': 'V4__routines.sql',
      'table sales.hand_made': '',
      'grant sales.orders': 'V2__tables.sql',
      'table sales.orders': 'V2__tables.sql',
      'view mart.v_items': 'V3__views.sql',
      'function sales.f_net(numeric)': 'V4__routines.sql',
      'table mart.daily': 'V2__tables.sql',
    });
    expect(report.objects).to.equal(10);
    const attr = (object: string, attribute: string) => report.items.find((i) => i.object === object && i.attribute === attribute);
    expect(attr('sales.customers', 'column email: type')).to.include({
      expected: 'character varying(100)',
      actual: 'character varying(200)',
    });
    expect(attr('sales.items', 'column qty: default')).to.include({ expected: '1', actual: null });
    expect(attr('mart.daily', 'sort key')).to.include({ expected: 'COMPOUND (day)', actual: 'COMPOUND (total, day)' });
    expect(attr('sales.orders', 'SELECT to PUBLIC')).to.include({ expected: null, actual: 'granted' });

    const text = await cli('drift', '--env', 'test');
    expect(text.code).to.equal(9);
    expect(text.stdout).to.include('drift: 10 object(s) differ');
    expect(text.stdout).to.include('table sales.hand_made  (no migration defines it)');
  });
});
