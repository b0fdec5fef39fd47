-- Reference data every environment starts with.
INSERT INTO sales.products (product_id, sku, name, category, unit_price) VALUES
    (1, 'KB-101', 'Mechanical keyboard', 'peripherals', 89.00),
    (2, 'MS-220', 'Wireless mouse',      'peripherals', 29.50),
    (3, 'MN-270', '27" monitor',         'displays',   249.99),
    (4, 'DK-010', 'Standing desk',       'furniture',  399.00),
    (5, 'CH-550', 'Office chair',        'furniture',  189.00);

INSERT INTO sales.customers (email, full_name, country_code) VALUES
    ('ada@example.com',   'Ada Lovelace',    'GB'),
    ('grace@example.com', 'Grace Hopper',    'US'),
    ('alan@example.com',  'Alan Turing',     'GB'),
    ('edsger@example.com','Edsger Dijkstra', 'NL');
