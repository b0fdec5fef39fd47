/**
 * The `rsrun_compat` schema: Redshift functions PostgreSQL lacks, written in SQL/PL/pgSQL and
 * installed once per database by `prepare(session)`. Rewritten statements call them qualified
 * (`rsrun_compat.dateadd(...)`, see expressions.ts), so nothing depends on the session's
 * search_path and PostgreSQL's own functions are never shadowed.
 *
 * The schema comment carries a hash of this file's SQL: when it matches, `prepare` costs one
 * round trip; otherwise the functions are (re)created under a transaction-scoped advisory lock
 * so concurrent runners do not race. (This code only ever runs on PostgreSQL engines that emulate
 * Redshift, never on Redshift, which has no advisory locks.)
 *
 * Semantics follow the AWS Database Developer Guide pages named next to each function
 * (docs.aws.amazon.com/redshift/latest/dg/<page>.html); test/emulation/compat-functions.test.ts
 * checks them against the values those pages document.
 */
import { createHash } from 'node:crypto';
import type { Session } from '../../../warehouse/warehouse';
import { redshiftRulesSql } from './redshift-rules-sql';
import { SEMANTICS_SQL } from './compat-semantics';
import { SUPER_FUNCTIONS, SUPER_SQL } from './compat-super';
import { DYNAMIC_SQL_SQL } from './dynamic-sql';
import { VALUE_FUNCTIONS, VALUES_SQL } from './compat-values';
import { INFORMATIONAL_CONSTRAINTS_SQL } from './informational-constraints';

import { COMPAT_SCHEMA } from './compat-schema-name';
export { COMPAT_SCHEMA };

/** Lower-case names called as `rsrun_compat.name(...)` after rewriting. */
export const COMPAT_FUNCTIONS = new Set([
  'getdate',
  'nvl2',
  'dateadd',
  'datediff',
  'date_part',
  'date_trunc',
  'convert_timezone',
  'trunc',
  'strtol',
  'charindex',
  'add_months',
  'last_day',
  'months_between',
  'json_extract_path_text',
  'json_extract_array_element_text',
  'json_array_length',
  'is_valid_json',
  'is_valid_json_array',
  'json_parse',
  'json_serialize',
  'next_day',
  'sha2',
  'from_varbyte',
  'to_varbyte',
  'from_hex',
  'to_hex',
  'crc32',
  ...SUPER_FUNCTIONS,
  ...VALUE_FUNCTIONS,
]);

const S = COMPAT_SCHEMA;

// Date part names and abbreviations (r_Dateparts_for_datetime_functions) → PostgreSQL's names.
const DATEPARTS: Record<string, string[]> = {
  millennium: ['millennium', 'millennia', 'mil', 'mils'],
  century: ['century', 'centuries', 'c', 'cent', 'cents'],
  decade: ['decade', 'decades', 'dec', 'decs'],
  epoch: ['epoch'],
  year: ['year', 'years', 'y', 'yr', 'yrs'],
  quarter: ['quarter', 'quarters', 'qtr', 'qtrs'],
  month: ['month', 'months', 'mon', 'mons'],
  week: ['week', 'weeks', 'w'],
  dow: ['dayofweek', 'dow', 'dw', 'weekday'],
  doy: ['dayofyear', 'doy', 'dy', 'yearday'],
  day: ['day', 'days', 'd'],
  hour: ['hour', 'hours', 'h', 'hr', 'hrs'],
  minute: ['minute', 'minutes', 'm', 'min', 'mins'],
  second: ['second', 'seconds', 's', 'sec', 'secs'],
  milliseconds: ['millisecond', 'milliseconds', 'ms', 'msec', 'msecs', 'msecond', 'mseconds', 'millisec', 'millisecs', 'millisecon'],
  microseconds: ['microsecond', 'microseconds', 'microsec', 'microsecs', 'microsecond', 'usecond', 'useconds', 'us', 'usec', 'usecs'],
  timezone: ['timezone'],
  timezone_hour: ['timezone_hour'],
  timezone_minute: ['timezone_minute'],
};

const datepartCase = Object.entries(DATEPARTS)
  .map(([pg, names]) => `WHEN lower(btrim(p)) IN (${[...new Set(names)].map((n) => `'${n}'`).join(', ')}) THEN '${pg}'`)
  .join('\n      ');

/** Overloads taking a datetime argument: timestamp, timestamptz, date, and text for unknown literals. */
const INSTALL_SQL = `
CREATE SCHEMA IF NOT EXISTS ${S};
GRANT USAGE ON SCHEMA ${S} TO PUBLIC;

CREATE OR REPLACE FUNCTION ${S}.datepart_name(p text) RETURNS text LANGUAGE sql IMMUTABLE AS $f$
  SELECT CASE
      ${datepartCase}
      ELSE NULL END
$f$;

CREATE OR REPLACE FUNCTION ${S}.datepart_checked(p text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $f$
DECLARE n text := ${S}.datepart_name(p);
BEGIN
  IF n IS NULL THEN
    RAISE EXCEPTION 'unsupported date part "%"', p USING HINT = 'see r_Dateparts_for_datetime_functions';
  END IF;
  RETURN n;
END $f$;

-- GETDATE: start of the current statement, in the session time zone, without fractional seconds (r_GETDATE).
CREATE OR REPLACE FUNCTION ${S}.getdate() RETURNS timestamp LANGUAGE sql STABLE AS
$f$ SELECT date_trunc('second', statement_timestamp())::timestamp $f$;
-- SYSDATE: start of the current transaction, with microseconds (r_SYSDATE).
CREATE OR REPLACE FUNCTION ${S}.sysdate() RETURNS timestamp LANGUAGE sql STABLE AS
$f$ SELECT now()::timestamp $f$;

-- NVL2(expression, not_null_return_value, null_return_value) (r_NVL2).
CREATE OR REPLACE FUNCTION ${S}.nvl2(e anyelement, a anycompatible, b anycompatible) RETURNS anycompatible LANGUAGE sql IMMUTABLE AS
$f$ SELECT CASE WHEN e IS NOT NULL THEN a ELSE b END $f$;
-- A literal first argument (NVL2(NULL, 1, 2), NVL2('x', ...)) has no type to resolve anyelement from.
CREATE OR REPLACE FUNCTION ${S}.nvl2(e text, a anycompatible, b anycompatible) RETURNS anycompatible LANGUAGE sql IMMUTABLE AS
$f$ SELECT CASE WHEN e IS NOT NULL THEN a ELSE b END $f$;

CREATE OR REPLACE FUNCTION ${S}.add_years(ts timestamp, n bigint) RETURNS timestamp LANGUAGE sql IMMUTABLE AS
$f$ SELECT pg_catalog.date_trunc('month', ts) + make_interval(years => n::int) + (ts - pg_catalog.date_trunc('month', ts)) $f$;

-- DATEADD(datepart, interval, {date|time|timestamp}) → timestamp (r_DATEADD_function).
CREATE OR REPLACE FUNCTION ${S}.dateadd(p text, n bigint, ts timestamp) RETURNS timestamp LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN
  RETURN CASE ${S}.datepart_checked(p)
    -- Years count from the first of the month, so 02-29 plus a year is 03-01 in a common year, while
    -- dateadd(month, 12, ...) stays in February (r_DATEADD_function usage notes, leap year example).
    WHEN 'millennium' THEN ${S}.add_years(ts, n * 1000)
    WHEN 'century' THEN ${S}.add_years(ts, n * 100)
    WHEN 'decade' THEN ${S}.add_years(ts, n * 10)
    WHEN 'year' THEN ${S}.add_years(ts, n)
    WHEN 'quarter' THEN ts + make_interval(months => (n * 3)::int)
    WHEN 'month' THEN ts + make_interval(months => n::int)
    WHEN 'week' THEN ts + make_interval(weeks => n::int)
    WHEN 'day' THEN ts + make_interval(days => n::int)
    WHEN 'hour' THEN ts + n * interval '1 hour'
    WHEN 'minute' THEN ts + n * interval '1 minute'
    WHEN 'second' THEN ts + n * interval '1 second'
    WHEN 'milliseconds' THEN ts + n * interval '1 millisecond'
    WHEN 'microseconds' THEN ts + n * interval '1 microsecond'
  END;
END $f$;
CREATE OR REPLACE FUNCTION ${S}.dateadd(p text, n bigint, d date) RETURNS timestamp LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.dateadd(p, n, d::timestamp) $f$;
CREATE OR REPLACE FUNCTION ${S}.dateadd(p text, n bigint, t text) RETURNS timestamp LANGUAGE sql STABLE AS
$f$ SELECT ${S}.dateadd(p, n, t::timestamp) $f$;
CREATE OR REPLACE FUNCTION ${S}.dateadd(p text, n bigint, ts timestamptz) RETURNS timestamptz LANGUAGE sql STABLE AS
$f$ SELECT ${S}.dateadd(p, n, ts::timestamp)::timestamptz $f$;
-- TIME and TIMETZ wrap around midnight: dateadd(hour, 12, time '13:24:55') = 01:24:55; a TIMETZ
-- result is in UTC: dateadd(hour, 2, timetz '13:24:55 PST') = 23:24:55+00 (r_DATEADD_function).
CREATE OR REPLACE FUNCTION ${S}.dateadd(p text, n bigint, t time) RETURNS time LANGUAGE sql IMMUTABLE AS
$f$ SELECT t + (${S}.dateadd(p, n, timestamp '2000-01-01 00:00:00') - timestamp '2000-01-01 00:00:00') $f$;
CREATE OR REPLACE FUNCTION ${S}.dateadd(p text, n bigint, t timetz) RETURNS timetz LANGUAGE sql IMMUTABLE AS
$f$ SELECT (t AT TIME ZONE 'UTC') + (${S}.dateadd(p, n, timestamp '2000-01-01 00:00:00') - timestamp '2000-01-01 00:00:00') $f$;

-- DATEDIFF(datepart, start, end): the number of datepart boundaries crossed (r_DATEDIFF_function).
CREATE OR REPLACE FUNCTION ${S}.datediff(p text, a timestamp, b timestamp) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $f$
DECLARE part text := ${S}.datepart_checked(p);
BEGIN
  RETURN CASE part
    WHEN 'millennium' THEN floor(extract(year FROM b) / 1000) - floor(extract(year FROM a) / 1000)
    WHEN 'century' THEN floor(extract(year FROM b) / 100) - floor(extract(year FROM a) / 100)
    WHEN 'decade' THEN floor(extract(year FROM b) / 10) - floor(extract(year FROM a) / 10)
    WHEN 'year' THEN extract(year FROM b) - extract(year FROM a)
    WHEN 'quarter' THEN (extract(year FROM b) * 4 + extract(quarter FROM b)) - (extract(year FROM a) * 4 + extract(quarter FROM a))
    WHEN 'month' THEN (extract(year FROM b) * 12 + extract(month FROM b)) - (extract(year FROM a) * 12 + extract(month FROM a))
    WHEN 'week' THEN (date_trunc('week', b)::date - date_trunc('week', a)::date) / 7
    WHEN 'day' THEN b::date - a::date
    WHEN 'hour' THEN (extract(epoch FROM date_trunc('hour', b)) - extract(epoch FROM date_trunc('hour', a))) / 3600
    WHEN 'minute' THEN (extract(epoch FROM date_trunc('minute', b)) - extract(epoch FROM date_trunc('minute', a))) / 60
    WHEN 'second' THEN extract(epoch FROM date_trunc('second', b)) - extract(epoch FROM date_trunc('second', a))
    WHEN 'milliseconds' THEN round((extract(epoch FROM date_trunc('milliseconds', b)) - extract(epoch FROM date_trunc('milliseconds', a))) * 1000)
    WHEN 'microseconds' THEN round((extract(epoch FROM b) - extract(epoch FROM a)) * 1000000)
    ELSE NULL
  END;
END $f$;
CREATE OR REPLACE FUNCTION ${S}.datediff(p text, a date, b date) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.datediff(p, a::timestamp, b::timestamp) $f$;
CREATE OR REPLACE FUNCTION ${S}.datediff(p text, a text, b text) RETURNS bigint LANGUAGE sql STABLE AS
$f$ SELECT ${S}.datediff(p, a::timestamp, b::timestamp) $f$;
CREATE OR REPLACE FUNCTION ${S}.datediff(p text, a timestamptz, b timestamptz) RETURNS bigint LANGUAGE sql STABLE AS
$f$ SELECT ${S}.datediff(p, a::timestamp, b::timestamp) $f$;
-- TIME and TIMETZ (r_DATEDIFF_function): times of one day; TIMETZ values compared in UTC.
CREATE OR REPLACE FUNCTION ${S}.datediff(p text, a time, b time) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.datediff(p, date '2000-01-01' + a, date '2000-01-01' + b) $f$;
CREATE OR REPLACE FUNCTION ${S}.datediff(p text, a timetz, b timetz) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.datediff(p, (a AT TIME ZONE 'UTC')::time, (b AT TIME ZONE 'UTC')::time) $f$;

-- DATE_TRUNC('datepart', timestamp) with Redshift's abbreviations; a date gives a timestamp (r_DATE_TRUNC).
CREATE OR REPLACE FUNCTION ${S}.date_trunc(p text, ts timestamp) RETURNS timestamp LANGUAGE sql IMMUTABLE AS
$f$ SELECT pg_catalog.date_trunc(${S}.datepart_checked(p), ts) $f$;
CREATE OR REPLACE FUNCTION ${S}.date_trunc(p text, d date) RETURNS timestamp LANGUAGE sql IMMUTABLE AS
$f$ SELECT pg_catalog.date_trunc(${S}.datepart_checked(p), d::timestamp) $f$;
CREATE OR REPLACE FUNCTION ${S}.date_trunc(p text, t text) RETURNS timestamp LANGUAGE sql STABLE AS
$f$ SELECT pg_catalog.date_trunc(${S}.datepart_checked(p), t::timestamp) $f$;
CREATE OR REPLACE FUNCTION ${S}.date_trunc(p text, ts timestamptz) RETURNS timestamptz LANGUAGE sql STABLE AS
$f$ SELECT pg_catalog.date_trunc(${S}.datepart_checked(p), ts) $f$;
CREATE OR REPLACE FUNCTION ${S}.date_trunc(p text, i interval) RETURNS interval LANGUAGE sql IMMUTABLE AS
$f$ SELECT pg_catalog.date_trunc(${S}.datepart_checked(p), i) $f$;

-- DATE_PART(datepart, {date|timestamp}) → double precision (r_DATE_PART_function).
-- Milliseconds and microseconds are the fraction of the second only: DATE_PART(microsecond,
-- timestamp '20220502 04:05:06.789') = 789000 (r_DATE_PART_function). Decade 1 is the years 1-9, so
-- 2000 is in decade 201 (r_Dateparts_for_datetime_functions), one more than PostgreSQL's year / 10.
-- The other parts are PostgreSQL's.
CREATE OR REPLACE FUNCTION ${S}.date_part(p text, ts timestamp) RETURNS double precision LANGUAGE sql IMMUTABLE AS $f$
  SELECT CASE ${S}.datepart_checked(p)
    WHEN 'decade' THEN pg_catalog.date_part('decade', ts) + 1
    WHEN 'milliseconds' THEN pg_catalog.date_part('milliseconds', ts) - floor(pg_catalog.date_part('second', ts)) * 1000
    WHEN 'microseconds' THEN pg_catalog.date_part('microseconds', ts) - floor(pg_catalog.date_part('second', ts)) * 1000000
    ELSE pg_catalog.date_part(${S}.datepart_checked(p), ts) END
$f$;
CREATE OR REPLACE FUNCTION ${S}.date_part(p text, d date) RETURNS double precision LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.date_part(p, d::timestamp) $f$;
CREATE OR REPLACE FUNCTION ${S}.date_part(p text, t text) RETURNS double precision LANGUAGE sql STABLE AS
$f$ SELECT ${S}.date_part(p, t::timestamp) $f$;
CREATE OR REPLACE FUNCTION ${S}.date_part(p text, ts timestamptz) RETURNS double precision LANGUAGE sql STABLE AS
$f$ SELECT CASE WHEN ${S}.datepart_checked(p) IN ('milliseconds', 'microseconds', 'decade') THEN ${S}.date_part(p, ts::timestamp)
  ELSE pg_catalog.date_part(${S}.datepart_checked(p), ts) END $f$;
CREATE OR REPLACE FUNCTION ${S}.date_part(p text, i interval) RETURNS double precision LANGUAGE sql IMMUTABLE AS
$f$ SELECT pg_catalog.date_part(${S}.datepart_checked(p), i) $f$;

-- CONVERT_TIMEZONE(['source_timezone',] 'target_timezone', 'timestamp'); source defaults to UTC (r_CONVERT_TIMEZONE).
CREATE OR REPLACE FUNCTION ${S}.convert_timezone(src text, dst text, ts timestamp) RETURNS timestamp LANGUAGE sql IMMUTABLE AS
$f$ SELECT (ts AT TIME ZONE src) AT TIME ZONE dst $f$;
CREATE OR REPLACE FUNCTION ${S}.convert_timezone(src text, dst text, t text) RETURNS timestamp LANGUAGE sql STABLE AS
$f$ SELECT (t::timestamp AT TIME ZONE src) AT TIME ZONE dst $f$;
CREATE OR REPLACE FUNCTION ${S}.convert_timezone(dst text, ts timestamp) RETURNS timestamp LANGUAGE sql IMMUTABLE AS
$f$ SELECT (ts AT TIME ZONE 'UTC') AT TIME ZONE dst $f$;
CREATE OR REPLACE FUNCTION ${S}.convert_timezone(dst text, t text) RETURNS timestamp LANGUAGE sql STABLE AS
$f$ SELECT (t::timestamp AT TIME ZONE 'UTC') AT TIME ZONE dst $f$;
CREATE OR REPLACE FUNCTION ${S}.convert_timezone(dst text, ts timestamptz) RETURNS timestamp LANGUAGE sql STABLE AS
$f$ SELECT ts AT TIME ZONE dst $f$;

-- TRUNC(timestamp) → date (r_TRUNC_date); the numeric forms keep PostgreSQL's meaning (r_TRUNC).
CREATE OR REPLACE FUNCTION ${S}.trunc(ts timestamp) RETURNS date LANGUAGE sql IMMUTABLE AS $f$ SELECT ts::date $f$;
CREATE OR REPLACE FUNCTION ${S}.trunc(ts timestamptz) RETURNS date LANGUAGE sql STABLE AS $f$ SELECT ts::date $f$;
CREATE OR REPLACE FUNCTION ${S}.trunc(n numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $f$ SELECT pg_catalog.trunc(n) $f$;
CREATE OR REPLACE FUNCTION ${S}.trunc(n numeric, s integer) RETURNS numeric LANGUAGE sql IMMUTABLE AS $f$ SELECT pg_catalog.trunc(n, s) $f$;
CREATE OR REPLACE FUNCTION ${S}.trunc(n double precision) RETURNS double precision LANGUAGE sql IMMUTABLE AS $f$ SELECT pg_catalog.trunc(n) $f$;

-- STRTOL(num_string, base) → bigint, base 2..36, optional sign and 0x prefix for base 16 (r_STRTOL).
CREATE OR REPLACE FUNCTION ${S}.strtol(s text, base integer) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $f$
DECLARE
  t text := lower(btrim(s));
  neg boolean := false;
  r numeric := 0;
  d integer;
  c text;
BEGIN
  IF s IS NULL OR base IS NULL THEN RETURN NULL; END IF;
  IF base < 2 OR base > 36 THEN RAISE EXCEPTION 'STRTOL base must be between 2 and 36, got %', base; END IF;
  IF left(t, 1) IN ('-', '+') THEN neg := left(t, 1) = '-'; t := substr(t, 2); END IF;
  IF base = 16 AND left(t, 2) = '0x' THEN t := substr(t, 3); END IF;
  -- "If num_string is empty or begins with the null character, the converted value is 0" (r_STRTOL);
  -- the rewriter ends a literal at its null character (sql-literals.ts), so both arrive here as ''.
  IF t = '' THEN RETURN 0; END IF;
  FOREACH c IN ARRAY regexp_split_to_array(t, '') LOOP
    d := strpos('0123456789abcdefghijklmnopqrstuvwxyz', c) - 1;
    IF d < 0 OR d >= base THEN RAISE EXCEPTION 'STRTOL: "%" is not a number in base %', s, base; END IF;
    r := r * base + d;
  END LOOP;
  RETURN (CASE WHEN neg THEN -r ELSE r END)::bigint;
END $f$;

-- CHARINDEX(substring, string): 1-based position, 0 when absent (r_CHARINDEX).
CREATE OR REPLACE FUNCTION ${S}.charindex(sub text, str text) RETURNS integer LANGUAGE sql IMMUTABLE AS
$f$ SELECT strpos(str, sub) $f$;

-- LAST_DAY(date) (r_LAST_DAY).
CREATE OR REPLACE FUNCTION ${S}.last_day(d timestamp) RETURNS date LANGUAGE sql IMMUTABLE AS
$f$ SELECT (pg_catalog.date_trunc('month', d) + interval '1 month - 1 day')::date $f$;
CREATE OR REPLACE FUNCTION ${S}.last_day(d date) RETURNS date LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.last_day(d::timestamp) $f$;
CREATE OR REPLACE FUNCTION ${S}.last_day(t text) RETURNS date LANGUAGE sql STABLE AS
$f$ SELECT ${S}.last_day(t::timestamp) $f$;

-- ADD_MONTHS({date|timestamp}, n) → timestamp; from a month's last day to the target month's last day (r_ADD_MONTHS).
CREATE OR REPLACE FUNCTION ${S}.add_months(ts timestamp, n bigint) RETURNS timestamp LANGUAGE sql IMMUTABLE AS $f$
  SELECT CASE WHEN ts::date = ${S}.last_day(ts)
    THEN ${S}.last_day(ts + make_interval(months => n::int)) + (ts - pg_catalog.date_trunc('day', ts))
    ELSE ts + make_interval(months => n::int) END
$f$;
CREATE OR REPLACE FUNCTION ${S}.add_months(d date, n bigint) RETURNS timestamp LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.add_months(d::timestamp, n) $f$;
CREATE OR REPLACE FUNCTION ${S}.add_months(t text, n bigint) RETURNS timestamp LANGUAGE sql STABLE AS
$f$ SELECT ${S}.add_months(t::timestamp, n) $f$;

-- MONTHS_BETWEEN(date1, date2): whole when same day of month or both month ends, else a 31-day fraction (r_MONTHS_BETWEEN_function).
CREATE OR REPLACE FUNCTION ${S}.months_between(a date, b date) RETURNS double precision LANGUAGE sql IMMUTABLE AS $f$
  SELECT (extract(year FROM a) - extract(year FROM b)) * 12 + (extract(month FROM a) - extract(month FROM b))
    + CASE WHEN extract(day FROM a) = extract(day FROM b) OR (a = ${S}.last_day(a) AND b = ${S}.last_day(b)) THEN 0
           ELSE (extract(day FROM a) - extract(day FROM b)) / 31.0 END
$f$;
CREATE OR REPLACE FUNCTION ${S}.months_between(a text, b text) RETURNS double precision LANGUAGE sql STABLE AS
$f$ SELECT ${S}.months_between(a::date, b::date) $f$;

-- JSON functions on JSON text (json_functions): Redshift takes VARCHAR holding JSON, PostgreSQL's
-- same-named functions take json; the trailing boolean is null_if_invalid.
CREATE OR REPLACE FUNCTION ${S}.json_or_null(j text, null_if_invalid boolean) RETURNS json LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN
  RETURN j::json;
EXCEPTION WHEN invalid_text_representation THEN
  IF null_if_invalid THEN RETURN NULL; END IF;
  RAISE;
END $f$;
CREATE OR REPLACE FUNCTION ${S}.json_extract_path_text(j text, VARIADIC p text[]) RETURNS text LANGUAGE sql IMMUTABLE AS
$f$ SELECT pg_catalog.json_extract_path_text(${S}.json_or_null(j, false), VARIADIC p) $f$;
CREATE OR REPLACE FUNCTION ${S}.json_extract_path_text(j text, p1 text, n boolean) RETURNS text LANGUAGE sql IMMUTABLE AS
$f$ SELECT pg_catalog.json_extract_path_text(${S}.json_or_null(j, n), p1) $f$;
CREATE OR REPLACE FUNCTION ${S}.json_extract_path_text(j text, p1 text, p2 text, n boolean) RETURNS text LANGUAGE sql IMMUTABLE AS
$f$ SELECT pg_catalog.json_extract_path_text(${S}.json_or_null(j, n), p1, p2) $f$;
CREATE OR REPLACE FUNCTION ${S}.json_extract_path_text(j text, p1 text, p2 text, p3 text, n boolean) RETURNS text LANGUAGE sql IMMUTABLE AS
$f$ SELECT pg_catalog.json_extract_path_text(${S}.json_or_null(j, n), p1, p2, p3) $f$;
CREATE OR REPLACE FUNCTION ${S}.json_extract_path_text(j text, p1 text, p2 text, p3 text, p4 text, n boolean) RETURNS text LANGUAGE sql IMMUTABLE AS
$f$ SELECT pg_catalog.json_extract_path_text(${S}.json_or_null(j, n), p1, p2, p3, p4) $f$;
CREATE OR REPLACE FUNCTION ${S}.json_extract_array_element_text(j text, pos integer, n boolean DEFAULT false) RETURNS text LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.json_or_null(j, n) ->> pos $f$;
CREATE OR REPLACE FUNCTION ${S}.json_array_length(j text, n boolean DEFAULT false) RETURNS integer LANGUAGE sql IMMUTABLE AS
$f$ SELECT pg_catalog.json_array_length(${S}.json_or_null(j, n)) $f$;
CREATE OR REPLACE FUNCTION ${S}.is_valid_json(j text) RETURNS boolean LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.json_or_null(j, true) IS NOT NULL AND json_typeof(${S}.json_or_null(j, true)) = 'object' $f$;
CREATE OR REPLACE FUNCTION ${S}.is_valid_json_array(j text) RETURNS boolean LANGUAGE sql IMMUTABLE AS
$f$ SELECT ${S}.json_or_null(j, true) IS NOT NULL AND json_typeof(${S}.json_or_null(j, true)) = 'array' $f$;
-- SUPER is emulated as jsonb (data-types.ts): JSON_PARSE / JSON_SERIALIZE convert (r_json_parse, r_json_serialize).
CREATE OR REPLACE FUNCTION ${S}.json_parse(j text) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $f$ SELECT j::jsonb $f$;
-- JSON_SERIALIZE writes compact JSON, 'null' for NULL (JSON_SERIALIZE: [10001,10002,"abc"]); jsonb's
-- text form has spaces after ',' and ':'. Object keys come in jsonb's order, not necessarily the
-- order JSON_PARSE read them in (docs/redshift-rules.md, "Still unverified without a cluster").
CREATE OR REPLACE FUNCTION ${S}.json_serialize(v jsonb) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN
  IF v IS NULL THEN RETURN 'null'; END IF;
  CASE jsonb_typeof(v)
    WHEN 'object' THEN
      RETURN '{' || coalesce((SELECT string_agg(to_json(k)::text || ':' || ${S}.json_serialize(e), ',') FROM jsonb_each(v) AS j(k, e)), '') || '}';
    WHEN 'array' THEN
      RETURN '[' || coalesce((SELECT string_agg(${S}.json_serialize(e), ',' ORDER BY i) FROM jsonb_array_elements(v) WITH ORDINALITY AS a(e, i)), '') || ']';
    ELSE RETURN v::text;
  END CASE;
END $f$;

-- NEXT_DAY(date, day) (r_NEXT_DAY): the first such day later than the date, a week later when it
-- is that day already; day names and abbreviations as the page lists them, case ignored.
CREATE OR REPLACE FUNCTION ${S}.next_day(d date, day text) RETURNS date LANGUAGE plpgsql IMMUTABLE STRICT AS $f$
DECLARE
  k text := lower(btrim(day));
  target integer := CASE
    WHEN k IN ('su', 'sun', 'sunday') THEN 0 WHEN k IN ('m', 'mo', 'mon', 'monday') THEN 1
    WHEN k IN ('tu', 'tue', 'tues', 'tuesday') THEN 2 WHEN k IN ('w', 'we', 'wed', 'wednesday') THEN 3
    WHEN k IN ('th', 'thu', 'thurs', 'thursday') THEN 4 WHEN k IN ('f', 'fr', 'fri', 'friday') THEN 5
    WHEN k IN ('sa', 'sat', 'saturday') THEN 6 END;
BEGIN
  IF target IS NULL THEN
    RAISE EXCEPTION 'NEXT_DAY: "%" is not a day name', day USING ERRCODE = '22023',
      HINT = 'Sunday/Sun/Su, Monday/Mon/Mo/M, ... as listed on r_NEXT_DAY';
  END IF;
  RETURN d + ((target - extract(dow FROM d)::integer + 6) % 7 + 1);
END $f$;
CREATE OR REPLACE FUNCTION ${S}.next_day(ts timestamp, day text) RETURNS date LANGUAGE sql IMMUTABLE STRICT AS
$f$ SELECT ${S}.next_day(ts::date, day) $f$;
CREATE OR REPLACE FUNCTION ${S}.next_day(t text, day text) RETURNS date LANGUAGE sql STABLE STRICT AS
$f$ SELECT ${S}.next_day(t::date, day) $f$;

-- VARBYTE functions (varbyte-functions; VARBYTE is BYTEA locally, data-types.ts). Formats, case
-- ignored: hex, binary, utf8 (utf-8, utf_8), base64 (r_FROM_VARBYTE, r_TO_VARBYTE).
CREATE OR REPLACE FUNCTION ${S}.varbyte_format(f text) RETURNS text LANGUAGE plpgsql IMMUTABLE STRICT AS $f$
DECLARE k text := lower(btrim(f));
BEGIN
  IF k IN ('utf-8', 'utf_8') THEN k := 'utf8'; END IF;
  IF k NOT IN ('hex', 'binary', 'utf8', 'base64') THEN
    RAISE EXCEPTION 'invalid format "%": use hex, binary, utf8 or base64', f USING ERRCODE = '22023';
  END IF;
  RETURN k;
END $f$;
CREATE OR REPLACE FUNCTION ${S}.from_varbyte(b bytea, f text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $f$
  SELECT CASE ${S}.varbyte_format(f)
    WHEN 'hex' THEN encode(b, 'hex')
    WHEN 'base64' THEN translate(encode(b, 'base64'), chr(10), '')
    WHEN 'utf8' THEN convert_from(b, 'UTF8')
    ELSE (SELECT coalesce(string_agg(get_byte(b, i)::bit(8)::text, '' ORDER BY i), '') FROM generate_series(0, length(b) - 1) AS g(i))
  END
$f$;
-- A string given where VARBYTE is expected is its UTF-8 bytes: FROM_VARBYTE('ab', 'hex') is 6162.
CREATE OR REPLACE FUNCTION ${S}.from_varbyte(t text, f text) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS
$f$ SELECT ${S}.from_varbyte(convert_to(t, 'UTF8'), f) $f$;
-- An odd number of hex digits gets a leading 0 (r_TO_VARBYTE: TO_VARBYTE('4', 'hex') is 04).
CREATE OR REPLACE FUNCTION ${S}.to_varbyte(s text, f text) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $f$
  SELECT CASE ${S}.varbyte_format(f)
    WHEN 'hex' THEN decode(CASE WHEN length(s) % 2 = 1 THEN '0' || s ELSE s END, 'hex')
    WHEN 'base64' THEN decode(s, 'base64')
    WHEN 'utf8' THEN convert_to(s, 'UTF8')
    ELSE (SELECT coalesce(string_agg(set_byte(decode('00', 'hex'), 0, substr(p, i * 8 + 1, 8)::bit(8)::integer), '' ORDER BY i), '')
          FROM (SELECT lpad(s, ((length(s) + 7) / 8) * 8, '0') AS p) padded, generate_series(0, (length(s) + 7) / 8 - 1) AS g(i))
  END
$f$;
CREATE OR REPLACE FUNCTION ${S}.from_hex(s text) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT ${S}.to_varbyte(s, 'hex') $f$;
-- TO_HEX of a VARBYTE is its hex digits (r_TO_HEX); of a number, PostgreSQL's to_hex.
CREATE OR REPLACE FUNCTION ${S}.to_hex(b bytea) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT encode(b, 'hex') $f$;
CREATE OR REPLACE FUNCTION ${S}.to_hex(n bigint) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT pg_catalog.to_hex(n) $f$;

-- SHA2(string, bits) (SHA2): the hex digest of the string's bytes; bits 0 means 256, and any other
-- number of bits gives an empty string.
CREATE OR REPLACE FUNCTION ${S}.sha2(s text, bits integer) RETURNS text LANGUAGE sql IMMUTABLE STRICT AS $f$
  SELECT CASE bits
    WHEN 0 THEN encode(sha256(convert_to(s, 'UTF8')), 'hex') WHEN 256 THEN encode(sha256(convert_to(s, 'UTF8')), 'hex')
    WHEN 224 THEN encode(sha224(convert_to(s, 'UTF8')), 'hex') WHEN 384 THEN encode(sha384(convert_to(s, 'UTF8')), 'hex')
    WHEN 512 THEN encode(sha512(convert_to(s, 'UTF8')), 'hex') ELSE '' END
$f$;
${SEMANTICS_SQL}
${SUPER_SQL}
${DYNAMIC_SQL_SQL}
${VALUES_SQL}
${INFORMATIONAL_CONSTRAINTS_SQL}
${redshiftRulesSql(S)}`;

export const COMPAT_VERSION = `rsrun compat ${createHash('sha256').update(INSTALL_SQL).digest('hex').slice(0, 16)}`;

/** Installs (or upgrades) the compat schema on the session's database; one query when current. */
export async function installCompatSchema(session: Session): Promise<void> {
  if (await isCurrent(session)) return;
  const body = `${INSTALL_SQL}\nCOMMENT ON SCHEMA ${S} IS '${COMPAT_VERSION}';`;
  if (session.inTransaction()) {
    // Inside the caller's transaction: install as part of it (rolled back with it on failure).
    await session.batch(body);
    return;
  }
  await session.batch(`BEGIN; SELECT pg_advisory_xact_lock(hashtext('${S}')); ${body} COMMIT;`).catch(async (err: unknown) => {
    await session.query('ROLLBACK').catch(() => undefined);
    throw err;
  });
}

async function isCurrent(session: Session): Promise<boolean> {
  const r = await session.query<{ v: string | null }>(
    "SELECT obj_description(oid, 'pg_namespace') AS v FROM pg_namespace WHERE nspname = $1",
    [S],
  );
  return r.rows[0]?.v === COMPAT_VERSION;
}
