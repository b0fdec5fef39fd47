-- The sales schema and its customer dimension.
-- Small dimension tables are copied to every node (DISTSTYLE ALL) so joins never redistribute them.
CREATE SCHEMA IF NOT EXISTS sales;

CREATE TABLE sales.customers (
    customer_id   INTEGER IDENTITY(1, 1) NOT NULL,
    email         VARCHAR(256)  NOT NULL ENCODE zstd,
    full_name     VARCHAR(200)           ENCODE zstd,
    country_code  CHAR(2)                ENCODE bytedict,
    created_at    TIMESTAMP DEFAULT GETDATE() ENCODE az64,
    PRIMARY KEY (customer_id)
)
DISTSTYLE ALL
SORTKEY (customer_id);
