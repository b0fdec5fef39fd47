import { expect } from 'chai';
import { rm } from 'node:fs/promises';
import type { TestOutcome } from '../../runner/events';
import { silentLogger } from '../../runner/logging/logger';
import { RunContext } from '../../runner/run/run-context';
import { runTests } from '../../runner/testing';
import { describeEachEngine } from '../support/engines';
import { configFor, makeProject } from './project';

export const SCHEMA = `
  CREATE TABLE customers (customer_id INT, email VARCHAR(100));
  CREATE TABLE orders (order_id INT, customer_id INT, status VARCHAR(20), amount NUMERIC(10,2));
  INSERT INTO customers VALUES (1, 'ann@example.com'), (2, 'bob@example.com'), (3, NULL);
  INSERT INTO orders VALUES (10, 1, 'paid', 10.50), (11, 1, 'shipped', 20.00), (12, 2, 'paid', 5.25), (13, 9, 'lost', 1.00);
`;

const SQL_FILE = `-- rsrun:tags orders
-- rsrun:test no negative amounts
SELECT order_id FROM orders WHERE amount < 0;

-- rsrun:test orphan orders are caught
SELECT o.order_id FROM orders o LEFT JOIN customers c ON c.customer_id = o.customer_id WHERE c.customer_id IS NULL;

-- rsrun:test order count
-- rsrun:expect count 4
SELECT * FROM orders;

-- rsrun:test revenue
-- rsrun:expect scalar 35.75
SELECT SUM(amount) FROM orders WHERE status <> 'lost';

-- rsrun:test revenue is wrong on purpose
-- rsrun:expect scalar 99
SELECT SUM(amount) FROM orders;

-- rsrun:test between
-- rsrun:expect between 1 10
SELECT COUNT(*) FROM orders;

-- rsrun:test paid orders
-- rsrun:expect rows
-- | order_id | amount |
-- |----------|--------|
-- | 12       | 5.25   |
-- | 10       | 10.5   |
SELECT order_id, amount FROM orders WHERE status = 'paid';

-- rsrun:test customers from csv
-- rsrun:expect csv expected/customers.csv ordered
SELECT customer_id, email FROM customers ORDER BY customer_id;

-- rsrun:test division by zero is refused
-- rsrun:expect error 22012
SELECT 1 / 0;

-- rsrun:test unknown table message
-- rsrun:expect error "does not exist"
SELECT * FROM no_such_table;

-- rsrun:test expected error that never comes
-- rsrun:expect error 22012
SELECT 1;

-- rsrun:test setup runs in the same transaction
-- rsrun:tags setup
-- rsrun:expect scalar 6
INSERT INTO orders VALUES (20, 1, 'paid', 1.00), (21, 2, 'paid', 2.00);
SELECT COUNT(*) FROM orders;

-- rsrun:test fixture rows are loaded
-- rsrun:fixture customers ../seeds/more_customers.csv
-- rsrun:expect scalar 5
SELECT COUNT(*) FROM customers;

-- rsrun:test skipped one
-- rsrun:skip waiting for the dialect issue
SELECT 1;
`;

const SEED_INI = `[TESTSUITE_v01]
test0 = select count(*) from orders;
test1 = select max(order_id) from orders;
test2 = select min(email) from customers where email like '%#%';
[RESULTS]
test0=4
test1=13
test2=NULL
`;

const ASSERT_INI = `[assert public.orders]
tags = integrity
row_count = 1..
not_null = order_id, customer_id
unique = order_id
accepted_values.status = paid, shipped
relationships.customer_id = public.customers.customer_id
`;

export async function formatsProject(): Promise<string> {
  return makeProject({
    'tests/orders.sql': SQL_FILE,
    'tests/expected/customers.csv': 'customer_id,email\n1,ann@example.com\n2,bob@example.com\n3,\n',
    'seeds/more_customers.csv': 'customer_id,email\n4,"cat@example.com"\n5,"dan, jr@example.com"\n',
    'tests/test_cases.ini': SEED_INI,
    'tests/assertions.ini': ASSERT_INI,
    'tests/standalone_check.sql': '-- a plain data test: offending rows\nSELECT * FROM customers WHERE customer_id < 0;\n',
  });
}

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
