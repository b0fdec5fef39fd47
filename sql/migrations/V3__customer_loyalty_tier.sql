ALTER TABLE sales.customers ADD COLUMN loyalty_tier VARCHAR(10) DEFAULT 'standard' ENCODE bytedict;

UPDATE sales.customers
SET loyalty_tier = DECODE(country_code, 'GB', 'gold', 'US', 'silver', 'standard');
