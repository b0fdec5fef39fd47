-- Generates p_count orders for the customer with p_email, each with one or two lines.
-- Used by the SQL tests to create data inside their own (rolled back) transaction.
CREATE OR REPLACE PROCEDURE sales.gen_orders(p_email VARCHAR(256), p_count INTEGER)
AS $$
DECLARE
    v_customer INTEGER;
    v_order    BIGINT;
    i          INTEGER := 0;
BEGIN
    SELECT customer_id INTO v_customer FROM sales.customers WHERE email = p_email;
    IF v_customer IS NULL THEN
        RAISE EXCEPTION 'no customer with email %', p_email;
    END IF;
    WHILE i < p_count LOOP
        INSERT INTO sales.orders (customer_id, order_date, status)
        VALUES (v_customer, CURRENT_DATE - (i % 30), 'placed');
        SELECT MAX(order_id) INTO v_order FROM sales.orders WHERE customer_id = v_customer;
        INSERT INTO sales.order_lines (order_id, customer_id, line_no, product_id, quantity, unit_price)
        SELECT v_order, v_customer, 1, product_id, 1 + (i % 3), unit_price
        FROM sales.products WHERE product_id = 1 + (i % 5);
        IF i % 2 = 0 THEN
            INSERT INTO sales.order_lines (order_id, customer_id, line_no, product_id, quantity, unit_price)
            SELECT v_order, v_customer, 2, product_id, 1, unit_price
            FROM sales.products WHERE product_id = 1 + ((i + 2) % 5);
        END IF;
        i := i + 1;
    END LOOP;
END;
$$ LANGUAGE plpgsql;
