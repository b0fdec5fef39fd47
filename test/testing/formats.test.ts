import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import type { TestOutcome } from '../../runner/events';
import { silentLogger } from '../../runner/logging/logger';
import { RunContext } from '../../runner/run/run-context';
import { runTests } from '../../runner/testing';
import { describeEachEngine } from '../support/engines';
import { formatsProject, SCHEMA } from './formats-project';
import { configFor } from './project';

describeEachEngine('test formats', (db) => {
  let dir: string;
  let byId: Map<string, TestOutcome>;
  let outcomes: TestOutcome[];

  before(async () => {
    const c = await db.client();
    await c.query(SCHEMA);
    dir = await formatsProject();
    const config = configFor(dir, db, {
      extraSections: { 'assert customers': { unique: 'customer_id', not_null: 'email' } },
    });
    const ctx = await RunContext.start(config, 'test');
    outcomes = await runTests({ config, warehouse: db.warehouse(), ctx, logger: silentLogger });
    byId = new Map(outcomes.map((o) => [o.id, o]));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const status = (id: string) => {
    const o = byId.get(id);
    if (!o) throw new Error(`no outcome for ${id}; have ${[...byId.keys()].join(', ')}`);
    return o.status;
  };

  it('runs every declared test once, in id order', () => {
    const ids = outcomes.map((o) => o.id);
    expect(ids).to.deep.equal([...ids].sort());
    expect(ids).to.have.length(14 + 3 + 6 + 2 + 1);
  });

  it('SQL assertion files: zero rows, count, scalar, range, inline rows, CSV rows', () => {
    expect(status('tests/orders.sql::no negative amounts')).to.equal('passed');
    expect(status('tests/orders.sql::order count')).to.equal('passed');
    expect(status('tests/orders.sql::revenue')).to.equal('passed');
    expect(status('tests/orders.sql::between')).to.equal('passed');
    expect(status('tests/orders.sql::paid orders')).to.equal('passed');
    expect(status('tests/orders.sql::customers from csv')).to.equal('passed');
    expect(status('tests/standalone_check.sql::standalone_check')).to.equal('passed');
  });

  it('reports failures with expected and actual values', () => {
    const orphans = byId.get('tests/orders.sql::orphan orders are caught');
    expect(orphans?.status).to.equal('failed');
    expect(orphans?.message).to.equal('expected no rows, got 1 row');
    expect(orphans?.actual).to.deep.equal({ columns: ['order_id'], rows: [['13']] });
    const revenue = byId.get('tests/orders.sql::revenue is wrong on purpose');
    expect(revenue?.status).to.equal('failed');
    expect(revenue?.message).to.equal('expected "99", got "36.75"');
    expect(revenue?.expected?.rows).to.deep.equal([['99']]);
  });

  it('expected errors match by SQLSTATE or message, and fail when no error comes', () => {
    expect(status('tests/orders.sql::division by zero is refused')).to.equal('passed');
    expect(status('tests/orders.sql::unknown table message')).to.equal('passed');
    const never = byId.get('tests/orders.sql::expected error that never comes');
    expect(never?.status).to.equal('failed');
    expect(never?.message).to.match(/expected an error with SQLSTATE 22012, but the query succeeded/);
  });

  it('setup statements and CSV fixtures run inside the test, then roll back', async () => {
    expect(status('tests/orders.sql::setup runs in the same transaction')).to.equal('passed');
    expect(status('tests/orders.sql::fixture rows are loaded')).to.equal('passed');
    const c = await db.client();
    const counts = await c.query('SELECT (SELECT COUNT(*) FROM orders) AS o, (SELECT COUNT(*) FROM customers) AS c');
    expect(counts.rows[0]).to.deep.equal({ o: '4', c: '3' });
  });

  it('skips tests marked skip, with the reason', () => {
    const s = byId.get('tests/orders.sql::skipped one');
    expect(s?.status).to.equal('skipped');
    expect(s?.message).to.equal('waiting for the dialect issue');
  });

  it("the seed sample's INI test cases, read unchanged", () => {
    expect(status('tests/test_cases.ini[TESTSUITE_v01]::test0')).to.equal('passed');
    expect(status('tests/test_cases.ini[TESTSUITE_v01]::test1')).to.equal('passed');
    expect(status('tests/test_cases.ini[TESTSUITE_v01]::test2')).to.equal('passed');
  });

  it('generic column assertions from a tests INI file and from rsrun.ini', () => {
    const suite = 'tests/assertions.ini[assert public.orders]';
    expect(status(`${suite}::row_count`)).to.equal('passed');
    expect(status(`${suite}::not_null(order_id)`)).to.equal('passed');
    expect(status(`${suite}::unique(order_id)`)).to.equal('passed');
    const accepted = byId.get(`${suite}::accepted_values(status)`);
    expect(accepted?.status).to.equal('failed');
    expect(accepted?.actual?.rows).to.deep.equal([['lost', '1']]);
    const rel = byId.get(`${suite}::relationships(customer_id -> public.customers.customer_id)`);
    expect(rel?.status).to.equal('failed');
    expect(rel?.actual?.rows).to.deep.equal([['9', '1']]);
    expect(byId.get(`${suite}::unique(order_id)`)?.tags).to.deep.equal(['integrity']);
    expect(status('rsrun.ini[assert customers]::unique(customer_id)')).to.equal('passed');
    const nn = byId.get('rsrun.ini[assert customers]::not_null(email)');
    expect(nn?.status).to.equal('failed');
    expect(nn?.message).to.equal('expected "0", got "1"');
  });
});
