-- Product updates land in a stage table; sales.merge_staged_products() applies them and empties
-- the stage. Its TRUNCATE commits the transaction it runs in (r_TRUNCATE), so the procedure's test
-- runs without a transaction around it (tests/merge_staged_products.sql).
CREATE TABLE sales.products_stage (LIKE sales.products);

CREATE OR REPLACE PROCEDURE sales.merge_staged_products()
LANGUAGE plpgsql
AS $$
BEGIN
  DELETE FROM sales.products USING sales.products_stage s WHERE sales.products.product_id = s.product_id;
  INSERT INTO sales.products (product_id, sku, name, category, unit_price)
  SELECT product_id, sku, name, category, unit_price FROM sales.products_stage;
  TRUNCATE sales.products_stage;
END;
$$;
