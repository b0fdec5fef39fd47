CREATE TABLE sales.products (
    product_id    INTEGER       NOT NULL,
    sku           VARCHAR(32)   NOT NULL ENCODE zstd,
    name          VARCHAR(200)  NOT NULL ENCODE zstd,
    category      VARCHAR(64)            ENCODE bytedict,
    unit_price    DECIMAL(12,2) NOT NULL ENCODE az64,
    PRIMARY KEY (product_id)
)
DISTSTYLE ALL
SORTKEY (product_id);
