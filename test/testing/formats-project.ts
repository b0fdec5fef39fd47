/** A project with tests of every format, over a small orders/customers schema. */
import { makeProject } from './project';

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
