/**
 * Part of the compat schema (compat-values.ts gathers it): FNV_HASH(value [, seed]) (r_FNV_HASH).
 *
 * 64-bit FNV-1a over the value's bytes, the seed being the running hash (the offset basis without
 * one), returned as a signed BIGINT. The bytes are the integer's two's complement, little-endian, in
 * its own width (2, 4 or 8 bytes: "the type of the input determines the number of bytes to hash"),
 * and a string's UTF-8 bytes. That reading reproduces every value the page prints: fnv_hash(1)
 * = -5968735742475085980, fnv_hash(1::smallint), fnv_hash(1::bigint), fnv_hash('Amazon Redshift'),
 * the seeded forms, and fnv_hash('cd', fnv_hash('ab')) = fnv_hash('abcd'). The bytes of other types
 * (DECIMAL, floating point, dates, timestamps, booleans) are not documented, so those are refused
 * naming the function rather than hashed some other way.
 */
const S = 'rsrun_compat';

/** Called as `rsrun_compat.name(...)` after rewriting (expressions.ts). */
export const HASH_FUNCTIONS = ['fnv_hash'];

const TWO_64 = '18446744073709551616';
const OFFSET_BASIS = '14695981039346656037';
const PRIME = '1099511628211';

const UNDOCUMENTED_TYPES = ['numeric', 'real', 'double precision', 'date', 'timestamp', 'timestamptz', 'boolean', 'time', 'timetz'];

export const HASH_SQL = `
-- The hash state is an unsigned 64-bit value held in NUMERIC, as PostgreSQL has no unsigned bigint.
CREATE OR REPLACE FUNCTION ${S}.fnv1a(bytes bytea, seed bigint) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $f$
DECLARE
  h numeric := CASE WHEN seed IS NULL THEN ${OFFSET_BASIS}::numeric WHEN seed < 0 THEN seed + ${TWO_64}::numeric ELSE seed END;
  low integer;
BEGIN
  FOR i IN 0 .. length(bytes) - 1 LOOP
    low := (h % 256)::integer;
    h := ((h - low + (low # get_byte(bytes, i))) * ${PRIME}) % ${TWO_64}::numeric;
  END LOOP;
  RETURN (CASE WHEN h >= 9223372036854775808 THEN h - ${TWO_64}::numeric ELSE h END)::bigint;
END $f$;
CREATE OR REPLACE FUNCTION ${S}.le_bytes(v numeric, width integer) RETURNS bytea LANGUAGE sql IMMUTABLE AS $f$
  SELECT string_agg(set_byte('\\x00'::bytea, 0, (div(u, 256::numeric ^ i) % 256)::integer), ''::bytea ORDER BY i)
  FROM (SELECT CASE WHEN v < 0 THEN v + 2::numeric ^ (8 * width) ELSE v END AS u) unsigned, generate_series(0, width - 1) AS g(i)
$f$;
CREATE OR REPLACE FUNCTION ${S}.fnv_hash(v smallint, seed bigint DEFAULT NULL) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$f$ SELECT CASE WHEN v IS NOT NULL THEN ${S}.fnv1a(${S}.le_bytes(v, 2), seed) END $f$;
CREATE OR REPLACE FUNCTION ${S}.fnv_hash(v integer, seed bigint DEFAULT NULL) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$f$ SELECT CASE WHEN v IS NOT NULL THEN ${S}.fnv1a(${S}.le_bytes(v, 4), seed) END $f$;
CREATE OR REPLACE FUNCTION ${S}.fnv_hash(v bigint, seed bigint DEFAULT NULL) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$f$ SELECT CASE WHEN v IS NOT NULL THEN ${S}.fnv1a(${S}.le_bytes(v, 8), seed) END $f$;
CREATE OR REPLACE FUNCTION ${S}.fnv_hash(v text, seed bigint DEFAULT NULL) RETURNS bigint LANGUAGE sql IMMUTABLE AS
$f$ SELECT CASE WHEN v IS NOT NULL THEN ${S}.fnv1a(convert_to(v, 'UTF8'), seed) END $f$;
${UNDOCUMENTED_TYPES.map(
  (type) => `CREATE OR REPLACE FUNCTION ${S}.fnv_hash(v ${type}, seed bigint DEFAULT NULL) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN
  RAISE EXCEPTION 'FNV_HASH of a ${type.toUpperCase()} value cannot be computed locally: the bytes a cluster hashes for this type are not documented' USING ERRCODE = '0A000',
    HINT = 'cast the value to VARCHAR or BIGINT first (r_FNV_HASH.html)';
END $f$;`,
).join('\n')}
`;
