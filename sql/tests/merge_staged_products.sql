-- sales.merge_staged_products() TRUNCATEs its stage, which commits on Redshift (r_TRUNCATE): a test
-- transaction could not undo it, and Redshift refuses the call inside one. So this test runs without
-- a transaction: its setup stages two products, its teardown removes them whatever happened
-- (README "Tests that commit"). Such tests run alone, after the others.
-- rsrun:test merge_staged_products replaces staged products and empties the stage
-- rsrun:tags procedures
-- rsrun:isolation none
-- rsrun:setup
INSERT INTO sales.products_stage (product_id, sku, name, category, unit_price)
VALUES (9001, 'TST-9001', 'Test lamp', 'test', 10.00), (9002, 'TST-9002', 'Test desk', 'test', 20.00);
-- rsrun:teardown
DELETE FROM sales.products WHERE product_id IN (9001, 9002);
DELETE FROM sales.products_stage WHERE product_id IN (9001, 9002);
-- rsrun:expect rows
-- | product_id | name      | staged |
-- | 9001       | Test lamp | 0      |
-- | 9002       | Test desk | 0      |
CALL sales.merge_staged_products();
SELECT product_id, name, (SELECT COUNT(*) FROM sales.products_stage) AS staged
FROM sales.products
WHERE category = 'test';
