ALTER TABLE sales.customers DROP COLUMN loyalty_tier;
