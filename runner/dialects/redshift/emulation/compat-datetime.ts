/**
 * Part of the compat schema (compat-values.ts gathers it): date and time functions PostgreSQL lacks
 * or spells otherwise, beyond DATEADD/DATEDIFF/DATE_PART (compat-schema.ts).
 *
 * - DATE_PART_YEAR(date) → INTEGER (r_DATE_PART_YEAR).
 * - TO_DATE(string, format [, is_strict]) and TO_TIMESTAMP(string, format [, is_strict])
 *   (r_TO_DATE_function, r_TO_TIMESTAMP): PostgreSQL has no is_strict argument. With is_strict TRUE
 *   an out-of-range value is an error, as PostgreSQL's own functions answer. With is_strict FALSE,
 *   the default, the cluster rolls it over ('20010631' is 2001-07-01, hour 24 is the next day's 00);
 *   PostgreSQL's parser cannot, so such a value is refused naming the function, instead of being
 *   refused with PostgreSQL's message or, worse, read as another date.
 * - TO_TIMESTAMP of a TIMESTAMP (`to_timestamp(sysdate, 'YYYY-MM-DD HH24:MI:SS')`, r_TO_TIMESTAMP):
 *   the timestamp converts implicitly to its text, which PostgreSQL does not do.
 * - MONTHS_BETWEEN of two TIMESTAMPs (r_MONTHS_BETWEEN_function): the time of day counts in the
 *   31-day fraction, months_between(max(starttime), min(starttime)) = 11.12 for 2008-12-25 15:00 and
 *   2008-01-21 19:30 ((4 days - 4.5 hours) / 31); the same day of the month, or two month ends, is a
 *   whole number. compat-schema.ts has the DATE forms only, so PostgreSQL answered "function does not exist".
 * - TO_CHAR (r_TO_CHAR): the currency pattern L prints '$' (`to_char(618.80, 'l99999D99')` is
 *   '$   618.80'), where PostgreSQL prints the locale's symbol, none under the C locale both local
 *   engines run; TZ of a TIMESTAMP prints UTC (`to_char(starttime, 'HH12:MI:SS TZ')` is
 *   '02:30:00 UTC'), where PostgreSQL prints nothing for a timestamp without time zone.
 */
const S = 'rsrun_compat';

/** Called as `rsrun_compat.name(...)` after rewriting (expressions.ts). */
export const DATETIME_FUNCTIONS = ['date_part_year', 'to_date', 'to_timestamp', 'to_char'];

const NUMBER_TYPES = ['numeric', 'integer', 'bigint', 'real', 'double precision'];

/** L (not the L of PL, the plus sign) is the dollar sign: quoted, so PostgreSQL prints it as text. */
const TO_CHAR_SQL = [
  ...NUMBER_TYPES.map(
    (type) =>
      `CREATE OR REPLACE FUNCTION ${S}.to_char(n ${type}, fmt text) RETURNS text LANGUAGE sql IMMUTABLE AS $f$ SELECT pg_catalog.to_char(n, regexp_replace(fmt, '(?<![Pp])[Ll]', '"$"', 'g')) $f$;`,
  ),
  `CREATE OR REPLACE FUNCTION ${S}.to_char(ts timestamp, fmt text) RETURNS text LANGUAGE sql IMMUTABLE AS $f$ SELECT pg_catalog.to_char(ts, regexp_replace(regexp_replace(fmt, 'TZ(?![HM])', '"UTC"', 'g'), 'tz(?![hm])', '"utc"', 'g')) $f$;`,
  `CREATE OR REPLACE FUNCTION ${S}.to_char(ts timestamptz, fmt text) RETURNS text LANGUAGE sql STABLE AS $f$ SELECT pg_catalog.to_char(ts, fmt) $f$;`,
  `CREATE OR REPLACE FUNCTION ${S}.to_char(i interval, fmt text) RETURNS text LANGUAGE sql IMMUTABLE AS $f$ SELECT pg_catalog.to_char(i, fmt) $f$;`,
].join('\n');

/** PostgreSQL's parse when it succeeds or is_strict is TRUE; otherwise the rollover refusal. */
function lenientParse(name: string, type: string, page: string): string {
  return `CREATE OR REPLACE FUNCTION ${S}.${name}(s text, fmt text, is_strict boolean DEFAULT false) RETURNS ${type} LANGUAGE plpgsql STABLE AS $f$
BEGIN
  RETURN pg_catalog.${name}(s, fmt);
EXCEPTION WHEN datetime_field_overflow THEN
  IF is_strict THEN RAISE; END IF;
  PERFORM ${S}.datetime_rollover_refused('${name.toUpperCase()}', s, fmt, '${page}');
  RETURN NULL;
END $f$;`;
}

export const DATETIME_SQL = `
CREATE OR REPLACE FUNCTION ${S}.date_part_year(d date) RETURNS integer LANGUAGE sql IMMUTABLE AS
$f$ SELECT extract(year FROM d)::integer $f$;
CREATE OR REPLACE FUNCTION ${S}.date_part_year(ts timestamp) RETURNS integer LANGUAGE sql IMMUTABLE AS
$f$ SELECT extract(year FROM ts)::integer $f$;
CREATE OR REPLACE FUNCTION ${S}.date_part_year(t text) RETURNS integer LANGUAGE sql STABLE AS
$f$ SELECT extract(year FROM t::timestamp)::integer $f$;

CREATE OR REPLACE FUNCTION ${S}.datetime_rollover_refused(fn text, s text, fmt text, page text) RETURNS void LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN
  RAISE EXCEPTION '%: ''%'' has a field out of range for ''%'': Redshift rolls it over into the next day or month, the local warehouse cannot', fn, s, fmt
    USING ERRCODE = '22008', HINT = 'pass a valid date, or is_strict TRUE to make the cluster refuse it too (' || page || '.html)';
END $f$;

${lenientParse('to_date', 'date', 'r_TO_DATE_function')}
${lenientParse('to_timestamp', 'timestamptz', 'r_TO_TIMESTAMP')}
CREATE OR REPLACE FUNCTION ${S}.to_timestamp(ts timestamp, fmt text, is_strict boolean DEFAULT false) RETURNS timestamptz LANGUAGE sql STABLE AS
$f$ SELECT ${S}.to_timestamp(ts::text, fmt, is_strict) $f$;
-- PostgreSQL's one-argument form (seconds since the epoch) stays reachable once calls are qualified.
CREATE OR REPLACE FUNCTION ${S}.to_timestamp(seconds double precision) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS
$f$ SELECT pg_catalog.to_timestamp(seconds) $f$;
${TO_CHAR_SQL}
CREATE OR REPLACE FUNCTION ${S}.months_between(a timestamp, b timestamp) RETURNS double precision LANGUAGE sql IMMUTABLE AS $f$
  SELECT CASE WHEN extract(day FROM a) = extract(day FROM b) OR (a::date = ${S}.last_day(a) AND b::date = ${S}.last_day(b))
    THEN ${S}.months_between(a::date, b::date)
    ELSE (extract(year FROM a) - extract(year FROM b)) * 12 + (extract(month FROM a) - extract(month FROM b))
      + (extract(day FROM a) - extract(day FROM b) + extract(epoch FROM (a::time - b::time)) / 86400) / 31 END
$f$;
`;
