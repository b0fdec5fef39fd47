-- SQL tests for the sales schema. Each test runs in its own transaction that is rolled back,
-- so the data it creates (CALL gen_orders ...) never reaches the warehouse.
-- Syntax: README "Writing tests".
-- rsrun:tags sales

-- rsrun:test every order line belongs to an order
SELECT l.order_id, l.line_no
FROM sales.order_lines l
LEFT JOIN sales.orders o ON o.order_id = l.order_id
WHERE o.order_id IS NULL;

-- rsrun:test gen_orders creates the requested number of orders
-- rsrun:tags procedures
-- rsrun:expect count 50
CALL sales.gen_orders('ada@example.com', 50);
SELECT o.order_id
FROM sales.orders o
JOIN sales.customers c ON c.customer_id = o.customer_id
WHERE c.email = 'ada@example.com';

-- rsrun:test generated orders show up in daily revenue
-- rsrun:tags procedures
-- rsrun:expect scalar 10
CALL sales.gen_orders('grace@example.com', 10);
SELECT SUM(orders) FROM sales.daily_revenue;

-- rsrun:test gen_orders refuses an unknown customer
-- rsrun:tags procedures
-- rsrun:expect error "no customer with email"
CALL sales.gen_orders('nobody@example.com', 1);

-- rsrun:test product catalogue by category
-- rsrun:expect rows
-- | category    | products | cheapest |
-- |-------------|----------|----------|
-- | displays    | 1        | 249.99   |
-- | furniture   | 2        | 189.00   |
-- | peripherals | 2        | 29.50    |
SELECT category, COUNT(*) AS products, MIN(unit_price) AS cheapest
FROM sales.products
GROUP BY category;

-- rsrun:test loyalty tiers follow the country
-- rsrun:expect csv expected/loyalty_tiers.csv ordered
SELECT email, loyalty_tier FROM sales.customers ORDER BY email;

-- rsrun:test customers loaded from a CSV fixture can order
-- rsrun:fixture sales.customers ../seeds/new_customers.csv
-- rsrun:expect scalar 3
CALL sales.gen_orders('linus@example.com', 3);
SELECT COUNT(*)
FROM sales.orders o
JOIN sales.customers c ON c.customer_id = o.customer_id
WHERE c.email = 'linus@example.com';
