-- Customers landed in S3 by the CRM export. On the clusters the cluster's default IAM role reads
-- s3://example-landing/; locally rsrun reads the same keys from seeds/s3/ (local_s3_dir in rsrun.ini).
COPY sales.customers (email, full_name, country_code)
FROM 's3://example-landing/customers/'
IAM_ROLE default
FORMAT AS CSV
IGNOREHEADER 1;

-- Landed customers get their tier by the same rule as everyone else (V3).
UPDATE sales.customers
SET loyalty_tier = DECODE(country_code, 'GB', 'gold', 'US', 'silver', 'standard');
