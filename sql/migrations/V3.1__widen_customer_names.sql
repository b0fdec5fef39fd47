-- rsrun:no-transaction
-- Redshift can only grow a VARCHAR in place, and not inside a transaction block
-- (https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_TABLE.html): rsrun runs this
-- migration statement by statement and records its progress.
ALTER TABLE sales.customers ALTER COLUMN full_name TYPE VARCHAR(300);
