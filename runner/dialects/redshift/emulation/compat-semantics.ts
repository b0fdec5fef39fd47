/**
 * Part of the compat schema (compat-schema.ts installs it): where Redshift gives a different
 * answer than PostgreSQL to the same SQL, for built-in operators and aggregates rather than
 * missing functions.
 *
 * - Trailing blanks of VARCHAR values are insignificant in comparisons: '9516 Magnolia Boulevard  '
 *   equals '9516 Magnolia Boulevard' (r_Examples_with_character_types; r_Character_types,
 *   "Significance of trailing blanks"), while LENGTH still counts them. PostgreSQL compares
 *   varchar exactly, so `=` and `<>` between character values are declared in `public` for
 *   (varchar, varchar) and the varchar/char mixes. They are exact-type matches, so PostgreSQL
 *   picks them over its own text operators; their SQL bodies are inlined into `a::bpchar = b::bpchar`,
 *   so joins keep hash and merge plans. They live in `public` because operators are found through
 *   the search_path, and rsrun_compat is not on it. GROUP BY and DISTINCT still use PostgreSQL's
 *   exact equality (stated in docs/redshift-rules.md).
 * - EXTRACT returns an integer "for the specified date part only, ignoring higher- and lower-level
 *   date parts": EXTRACT(sec ...) of 03.189717 is 3, EXTRACT(ms FROM time '18:25:33.123456') is 123
 *   (r_Dateparts_for_datetime_functions, r_EXTRACT_function). expressions.ts rewrites
 *   EXTRACT(part FROM x) into extract_part('part', x).
 * - MEDIAN and LISTAGG as window functions (r_WF_MEDIAN, r_WF_LISTAGG): PostgreSQL has no ordered
 *   window aggregates, so the partition's values are collected with array_agg and reduced here.
 * - Numbers, dates and timestamps convert implicitly to character strings (c_Supported_data_types,
 *   "General compatibility and conversion rules"): MD5(bigint_column) hashes its digits. PostgreSQL
 *   has no such implicit casts, so the string functions below are called in the compat schema
 *   (expressions.ts), which adds an overload taking any scalar and passing it on as text.
 * - AVG of an integer column is a BIGINT (the fraction is cut off), of a DECIMAL(p, s) a
 *   DECIMAL(38, s), of a floating-point column a DOUBLE PRECISION (r_AVG, "Data types").
 *   expressions.ts rewrites AVG(x) into avg_as(AVG(x), MIN(x)): MIN(x) carries x's type (and
 *   scale) to pick the overload.
 */
const S = 'rsrun_compat';

const CHARACTER_PAIRS: Array<[string, string]> = [
  ['varchar', 'varchar'],
  ['varchar', 'bpchar'],
  ['bpchar', 'varchar'],
];

function characterOperators(): string {
  return CHARACTER_PAIRS.map(([l, r]) => {
    const fn = `${S}.blank_insensitive_${l}_${r}`;
    return `
CREATE OR REPLACE FUNCTION ${fn}_eq(a ${l}, b ${r}) RETURNS boolean LANGUAGE sql IMMUTABLE AS $f$ SELECT a::bpchar = b::bpchar $f$;
CREATE OR REPLACE FUNCTION ${fn}_ne(a ${l}, b ${r}) RETURNS boolean LANGUAGE sql IMMUTABLE AS $f$ SELECT a::bpchar <> b::bpchar $f$;
DO $d$ BEGIN
  IF to_regnamespace('public') IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM pg_operator o WHERE o.oprname = '=' AND o.oprnamespace = 'public'::regnamespace
        AND o.oprleft = '${l}'::regtype AND o.oprright = '${r}'::regtype) THEN
    CREATE OPERATOR public.= (LEFTARG = ${l}, RIGHTARG = ${r}, FUNCTION = ${fn}_eq, NEGATOR = OPERATOR(public.<>));
    CREATE OPERATOR public.<> (LEFTARG = ${l}, RIGHTARG = ${r}, FUNCTION = ${fn}_ne, NEGATOR = OPERATOR(public.=));
  END IF;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE WARNING 'rsrun: cannot create the VARCHAR comparison operators in schema public: trailing blanks stay significant locally';
END $d$;`;
  }).join('\n');
}

const AVERAGES = `
CREATE OR REPLACE FUNCTION ${S}.avg_as(a numeric, s smallint) RETURNS bigint LANGUAGE sql IMMUTABLE AS $f$ SELECT trunc(a)::bigint $f$;
CREATE OR REPLACE FUNCTION ${S}.avg_as(a numeric, s integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS $f$ SELECT trunc(a)::bigint $f$;
CREATE OR REPLACE FUNCTION ${S}.avg_as(a numeric, s bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS $f$ SELECT trunc(a)::bigint $f$;
CREATE OR REPLACE FUNCTION ${S}.avg_as(a numeric, s numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $f$ SELECT round(a, scale(s)) $f$;
CREATE OR REPLACE FUNCTION ${S}.avg_as(a double precision, s real) RETURNS double precision LANGUAGE sql IMMUTABLE AS $f$ SELECT a $f$;
CREATE OR REPLACE FUNCTION ${S}.avg_as(a double precision, s double precision) RETURNS double precision LANGUAGE sql IMMUTABLE AS $f$ SELECT a $f$;
`;

const EXTRACT_PART = `
CREATE OR REPLACE FUNCTION ${S}.extract_part(p text, ts timestamp) RETURNS bigint LANGUAGE sql IMMUTABLE AS $f$
  SELECT CASE ${S}.datepart_checked(p)
    WHEN 'second' THEN floor(date_part('second', ts))
    ELSE trunc(${S}.date_part(p, ts)) END::bigint
$f$;
CREATE OR REPLACE FUNCTION ${S}.extract_part(p text, ts timestamptz) RETURNS bigint LANGUAGE sql STABLE AS $f$
  SELECT CASE WHEN ${S}.datepart_checked(p) IN ('second', 'milliseconds', 'microseconds', 'decade') THEN ${S}.extract_part(p, ts::timestamp)
    ELSE trunc(date_part(${S}.datepart_checked(p), ts))::bigint END
$f$;
CREATE OR REPLACE FUNCTION ${S}.extract_part(p text, d date) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.extract_part(p, d::timestamp) $f$;
CREATE OR REPLACE FUNCTION ${S}.extract_part(p text, t time) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.extract_part(p, date '2000-01-01' + t) $f$;
CREATE OR REPLACE FUNCTION ${S}.extract_part(p text, t timetz) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$f$ SELECT CASE WHEN ${S}.datepart_checked(p) LIKE 'timezone%' THEN trunc(date_part(${S}.datepart_checked(p), t))::bigint
  ELSE ${S}.extract_part(p, t::time) END $f$;
CREATE OR REPLACE FUNCTION ${S}.extract_part(p text, i interval) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$f$ SELECT trunc(date_part(${S}.datepart_checked(p), i))::bigint $f$;
`;

const WINDOW_REDUCTIONS = `
-- MEDIAN: the middle value, or the mean of the two middle values (r_MEDIAN); NULLs ignored. Integer
-- arguments give a DECIMAL (r_WF_MEDIAN shows 10.0 and 17.5), floating-point ones a DOUBLE PRECISION.
CREATE OR REPLACE FUNCTION ${S}.median_of(v double precision[]) RETURNS double precision LANGUAGE sql IMMUTABLE AS $f$
  SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(v) AS u(x)
$f$;
CREATE OR REPLACE FUNCTION ${S}.median_of(v real[]) RETURNS double precision LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.median_of(v::double precision[]) $f$;
CREATE OR REPLACE FUNCTION ${S}.median_of(v numeric[]) RETURNS numeric LANGUAGE sql IMMUTABLE AS $f$
  WITH s AS (SELECT x, row_number() OVER (ORDER BY x) AS r, count(*) OVER () AS n FROM unnest(v) AS u(x) WHERE x IS NOT NULL)
  SELECT round(avg(x), max(scale(x)) + 1) FROM s WHERE r IN ((n + 1) / 2, (n + 2) / 2)
$f$;
CREATE OR REPLACE FUNCTION ${S}.median_of(v smallint[]) RETURNS numeric LANGUAGE sql IMMUTABLE AS $f$ SELECT ${S}.median_of(v::numeric[]) $f$;
CREATE OR REPLACE FUNCTION ${S}.median_of(v integer[]) RETURNS numeric LANGUAGE sql IMMUTABLE AS $f$ SELECT ${S}.median_of(v::numeric[]) $f$;
CREATE OR REPLACE FUNCTION ${S}.median_of(v bigint[]) RETURNS numeric LANGUAGE sql IMMUTABLE AS $f$ SELECT ${S}.median_of(v::numeric[]) $f$;
-- IGNORE NULLS window functions (expressions.ts): the n-th non-NULL value of a frame, from the start
-- or from the end; NULL when there are fewer ("or NULL if all values are NULL", r_WF_first_value).
CREATE OR REPLACE FUNCTION ${S}.nth_non_null(v anyarray, n bigint) RETURNS anyelement LANGUAGE sql IMMUTABLE AS $f$
  SELECT x FROM unnest(v) WITH ORDINALITY AS u(x, i) WHERE x IS NOT NULL ORDER BY i OFFSET n - 1 LIMIT 1
$f$;
CREATE OR REPLACE FUNCTION ${S}.nth_last_non_null(v anyarray, n bigint) RETURNS anyelement LANGUAGE sql IMMUTABLE AS $f$
  SELECT x FROM unnest(v) WITH ORDINALITY AS u(x, i) WHERE x IS NOT NULL ORDER BY i DESC OFFSET n - 1 LIMIT 1
$f$;
-- LISTAGG(DISTINCT ...): the first occurrence of each value, in order.
CREATE OR REPLACE FUNCTION ${S}.array_distinct(v anyarray) RETURNS anyarray LANGUAGE sql IMMUTABLE AS $f$
  SELECT array_agg(x ORDER BY i) FROM (SELECT DISTINCT ON (x) x, i FROM unnest(v) WITH ORDINALITY AS u(x, i) ORDER BY x, i) d
$f$;
`;

/** String functions and their arguments after the first one, for the implicit text conversion. */
export const TEXT_FIRST_FUNCTIONS: Record<string, string[][]> = {
  md5: [[]],
  reverse: [[]],
  upper: [[]],
  lower: [[]],
  initcap: [[]],
  repeat: [['integer']],
  left: [['integer']],
  right: [['integer']],
  lpad: [['integer'], ['integer', 'text']],
  rpad: [['integer'], ['integer', 'text']],
  // LTRIM(listtime, '2008-') on a TIMESTAMP column (r_LTRIM).
  ltrim: [[], ['text']],
  rtrim: [[], ['text']],
  btrim: [[], ['text']],
};

const TEXT_FIRST = Object.entries(TEXT_FIRST_FUNCTIONS)
  .flatMap(([fn, shapes]) =>
    shapes.flatMap((rest) => {
      const params = rest.map((type, k) => `a${k} ${type}`);
      const args = rest.map((_t, k) => `a${k}`);
      return ['text', 'anynonarray'].map(
        (first) =>
          `CREATE OR REPLACE FUNCTION ${S}.${fn}(${['v ' + first, ...params].join(', ')}) RETURNS text LANGUAGE sql IMMUTABLE AS ` +
          `$f$ SELECT pg_catalog.${fn}(${['v::text', ...args].join(', ')}) $f$;`,
      );
    }),
  )
  .join('\n');

/**
 * STL_LOAD_ERRORS with the cluster's columns and types (r_STL_LOAD_ERRORS): COPY ... MAXERROR
 * records the records it rejected here (copy-load.ts). Listed in ../system-relations.ts.
 */
const STL_LOAD_ERRORS = `
CREATE TABLE IF NOT EXISTS ${S}.stl_load_errors (
  userid integer, slice integer, tbl integer, starttime timestamp, session integer, query integer,
  filename character(256), line_number bigint, colname character(127), type character(10), col_length character(10),
  position integer, raw_line character(1024), raw_field_value character(1024), err_code integer, err_reason character(100),
  is_partial integer, start_offset bigint
);
GRANT SELECT, INSERT ON ${S}.stl_load_errors TO PUBLIC;
`;

/**
 * CRC32(string) "is based on the CRC-32C polynomial" and returns 8 hexadecimal characters:
 * CRC32('Amazon Redshift') = 'f2726906' (crc32-function). PostgreSQL 18, the embedded engine's
 * version, has a crc32(bytea) of its own that uses the other polynomial and returns a bigint
 * (853472317 for that string); older servers have none. Bitwise CRC-32C (reflected polynomial
 * 0x82F63B78) over the UTF-8 bytes, so both engines answer the same.
 */
const CRC32 = `
CREATE OR REPLACE FUNCTION ${S}.crc32(s text) RETURNS varchar LANGUAGE plpgsql IMMUTABLE STRICT AS $f$
DECLARE
  bytes bytea := convert_to(s, 'UTF8');
  crc bigint := 4294967295;
BEGIN
  FOR i IN 0 .. length(bytes) - 1 LOOP
    crc := crc # get_byte(bytes, i);
    FOR k IN 1 .. 8 LOOP
      crc := CASE WHEN crc & 1 = 1 THEN (crc >> 1) # 2197175160 ELSE crc >> 1 END;
    END LOOP;
  END LOOP;
  RETURN lpad(to_hex(crc # 4294967295), 8, '0');
END $f$;
`;

/** SQL run after the compat schema exists (it refers to its functions). */
export const SEMANTICS_SQL = `${characterOperators()}\n${AVERAGES}\n${EXTRACT_PART}\n${WINDOW_REDUCTIONS}\n${TEXT_FIRST}\n${STL_LOAD_ERRORS}\n${CRC32}`;
