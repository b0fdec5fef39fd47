-- A late-binding view: it survives the tables under it being dropped and recreated,
-- which Redshift otherwise forbids while a view depends on them.
CREATE VIEW sales.daily_revenue AS
SELECT o.order_date,
       COUNT(DISTINCT o.order_id)                    AS orders,
       SUM(l.quantity * l.unit_price)                AS revenue,
       NVL(SUM(l.quantity), 0)                       AS units
FROM sales.orders o
JOIN sales.order_lines l ON l.order_id = o.order_id
GROUP BY o.order_date
WITH NO SCHEMA BINDING;
