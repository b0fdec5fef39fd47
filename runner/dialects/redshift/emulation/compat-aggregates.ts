/**
 * Part of the compat schema (compat-values.ts gathers it): the reductions behind windowed
 * PERCENTILE_CONT and PERCENTILE_DISC (window-percentile.ts collects each partition's values).
 *
 * PERCENTILE_CONT interpolates between the rows at FLOOR and CEILING of RN = 1 + P * (N - 1)
 * (r_WF_PERCENTILE_CONT); an integer or DECIMAL column gives a DECIMAL, a floating-point one a
 * DOUBLE PRECISION (the page's return type table). The page prints 20.0, 17.5 and 25.0 for integer
 * quantities, MEDIAN's scale (compat-semantics.ts): at least one decimal more than the input's,
 * more when the interpolation needs them. PERCENTILE_DISC returns the first value whose cumulative
 * distribution reaches P, in the column's own type (r_WF_PERCENTILE_DISC). NULLs are ignored.
 */
const S = 'rsrun_compat';

/** Called as `rsrun_compat.name(...)` by window-percentile.ts. */
export const AGGREGATE_FUNCTIONS = ['percentile_cont_of', 'percentile_disc_of'];

export const AGGREGATES_SQL = `
CREATE OR REPLACE FUNCTION ${S}.percentile_cont_of(v numeric[], p double precision, descending boolean) RETURNS numeric LANGUAGE sql IMMUTABLE AS $f$
  WITH s AS (
    SELECT x, row_number() OVER (ORDER BY CASE WHEN descending THEN -x ELSE x END) AS r, count(*) OVER () AS n
    FROM unnest(v) AS u(x) WHERE x IS NOT NULL),
  rn AS (SELECT 1 + p::numeric * (max(n) - 1) AS rn, max(scale(x)) AS sc FROM s),
  exact AS (
    SELECT (ceil(rn) - rn) * (SELECT x FROM s WHERE r = floor(rn)) + (rn - floor(rn)) * (SELECT x FROM s WHERE r = ceil(rn))
      + CASE WHEN ceil(rn) = floor(rn) THEN (SELECT x FROM s WHERE r = rn) ELSE 0 END AS x, sc FROM rn)
  SELECT round(x, greatest(scale(trim_scale(x)), sc + 1)) FROM exact
$f$;
CREATE OR REPLACE FUNCTION ${S}.percentile_cont_of(v smallint[], p double precision, descending boolean) RETURNS numeric LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.percentile_cont_of(v::numeric[], p, descending) $f$;
CREATE OR REPLACE FUNCTION ${S}.percentile_cont_of(v integer[], p double precision, descending boolean) RETURNS numeric LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.percentile_cont_of(v::numeric[], p, descending) $f$;
CREATE OR REPLACE FUNCTION ${S}.percentile_cont_of(v bigint[], p double precision, descending boolean) RETURNS numeric LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.percentile_cont_of(v::numeric[], p, descending) $f$;
CREATE OR REPLACE FUNCTION ${S}.percentile_cont_of(v double precision[], p double precision, descending boolean) RETURNS double precision LANGUAGE sql IMMUTABLE AS $f$
  SELECT CASE WHEN descending THEN percentile_cont(1 - p) WITHIN GROUP (ORDER BY x) ELSE percentile_cont(p) WITHIN GROUP (ORDER BY x) END FROM unnest(v) AS u(x)
$f$;
CREATE OR REPLACE FUNCTION ${S}.percentile_cont_of(v real[], p double precision, descending boolean) RETURNS double precision LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.percentile_cont_of(v::double precision[], p, descending) $f$;
CREATE OR REPLACE FUNCTION ${S}.percentile_disc_of(v anyarray, p double precision, descending boolean) RETURNS anyelement LANGUAGE sql IMMUTABLE AS $f$
  SELECT CASE WHEN descending THEN (SELECT percentile_disc(p) WITHIN GROUP (ORDER BY x DESC) FROM unnest(v) AS u(x))
    ELSE (SELECT percentile_disc(p) WITHIN GROUP (ORDER BY x) FROM unnest(v) AS u(x)) END
$f$;
`;
