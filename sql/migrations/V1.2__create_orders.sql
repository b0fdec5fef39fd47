-- Orders and their lines are distributed on customer_id so a customer's facts share a slice,
-- and sorted by date because most reports filter on a date range.
CREATE TABLE sales.orders (
    order_id      BIGINT IDENTITY(1000, 1) NOT NULL,
    customer_id   INTEGER     NOT NULL ENCODE az64,
    order_date    DATE        NOT NULL ENCODE az64,
    status        VARCHAR(16) NOT NULL DEFAULT 'placed' ENCODE bytedict,
    PRIMARY KEY (order_id),
    FOREIGN KEY (customer_id) REFERENCES sales.customers (customer_id)
)
DISTKEY (customer_id)
COMPOUND SORTKEY (order_date, customer_id);

CREATE TABLE sales.order_lines (
    order_id      BIGINT        NOT NULL ENCODE az64,
    customer_id   INTEGER       NOT NULL ENCODE az64,
    line_no       SMALLINT      NOT NULL ENCODE az64,
    product_id    INTEGER       NOT NULL ENCODE az64,
    quantity      INTEGER       NOT NULL ENCODE az64,
    unit_price    DECIMAL(12,2) NOT NULL ENCODE az64,
    PRIMARY KEY (order_id, line_no)
)
DISTKEY (customer_id)
SORTKEY (order_id);
