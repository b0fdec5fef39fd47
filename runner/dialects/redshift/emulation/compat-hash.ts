/**
 * Part of the compat schema (compat-values.ts gathers it): FNV_HASH(value [, seed]) (r_FNV_HASH)
 * and SHA1 / FUNC_SHA1 / SHA (SHA1, FUNC_SHA1).
 *
 * 64-bit FNV-1a over the value's bytes, the seed being the running hash (the offset basis without
 * one), returned as a signed BIGINT. The bytes are the integer's two's complement, little-endian, in
 * its own width (2, 4 or 8 bytes: "the type of the input determines the number of bytes to hash"),
 * and a string's UTF-8 bytes. That reading reproduces every value the page prints: fnv_hash(1)
 * = -5968735742475085980, fnv_hash(1::smallint), fnv_hash(1::bigint), fnv_hash('Amazon Redshift'),
 * the seeded forms, and fnv_hash('cd', fnv_hash('ab')) = fnv_hash('abcd'). The bytes of other types
 * (DECIMAL, floating point, dates, timestamps, booleans) are not documented, so those are refused
 * naming the function rather than hashed some other way.
 *
 * SHA1(string) "uses the SHA1 cryptographic hash function" and returns the 40 hexadecimal digits of
 * the 160-bit digest; SHA and FUNC_SHA1 are synonyms (SHA1). Core PostgreSQL has SHA-2 but no SHA-1
 * (only the pgcrypto extension, which neither local engine loads), so it is computed here by the
 * FIPS 180-4 algorithm over the string's UTF-8 bytes; the page prints no value, so the tests compare
 * with Node's crypto.
 */
const S = 'rsrun_compat';

/** Called as `rsrun_compat.name(...)` after rewriting (expressions.ts). */
export const HASH_FUNCTIONS = ['fnv_hash', 'sha1', 'func_sha1', 'sha'];

const TWO_64 = '18446744073709551616';
const OFFSET_BASIS = '14695981039346656037';
const PRIME = '1099511628211';

const UNDOCUMENTED_TYPES = ['numeric', 'real', 'double precision', 'date', 'timestamp', 'timestamptz', 'boolean', 'time', 'timetz'];

const SHA1_SQL = `
CREATE OR REPLACE FUNCTION ${S}.sha1(s text) RETURNS varchar LANGUAGE plpgsql IMMUTABLE STRICT AS $f$
DECLARE
  msg bytea := convert_to(s, 'UTF8');
  bits bigint := length(convert_to(s, 'UTF8'))::bigint * 8;
  m constant bigint := 4294967295;
  h bigint[] := ARRAY[1732584193, 4023233417, 2562383102, 271733878, 3285377520];
  w bigint[];
  a bigint; b bigint; c bigint; d bigint; e bigint; f bigint; k bigint; t bigint;
  o integer;
BEGIN
  msg := msg || '\\x80'::bytea;
  WHILE length(msg) % 64 <> 56 LOOP msg := msg || '\\x00'::bytea; END LOOP;
  msg := msg || int8send(bits);
  FOR chunk IN 0 .. length(msg) / 64 - 1 LOOP
    w := array_fill(0::bigint, ARRAY[80]);
    FOR i IN 0 .. 15 LOOP
      o := chunk * 64 + i * 4;
      w[i + 1] := (get_byte(msg, o)::bigint << 24) | (get_byte(msg, o + 1)::bigint << 16) | (get_byte(msg, o + 2)::bigint << 8) | get_byte(msg, o + 3);
    END LOOP;
    FOR i IN 16 .. 79 LOOP
      t := w[i - 2] # w[i - 7] # w[i - 13] # w[i - 15];
      w[i + 1] := ((t << 1) | (t >> 31)) & m;
    END LOOP;
    a := h[1]; b := h[2]; c := h[3]; d := h[4]; e := h[5];
    FOR i IN 0 .. 79 LOOP
      IF i < 20 THEN f := (b & c) | ((~b & m) & d); k := 1518500249;
      ELSIF i < 40 THEN f := b # c # d; k := 1859775393;
      ELSIF i < 60 THEN f := (b & c) | (b & d) | (c & d); k := 2400959708;
      ELSE f := b # c # d; k := 3395469782;
      END IF;
      t := ((((a << 5) | (a >> 27)) & m) + f + e + k + w[i + 1]) & m;
      e := d; d := c; c := ((b << 30) | (b >> 2)) & m; b := a; a := t;
    END LOOP;
    h := ARRAY[(h[1] + a) & m, (h[2] + b) & m, (h[3] + c) & m, (h[4] + d) & m, (h[5] + e) & m];
  END LOOP;
  RETURN (SELECT string_agg(lpad(to_hex(x), 8, '0'), '' ORDER BY i) FROM unnest(h) WITH ORDINALITY AS u(x, i));
END $f$;
-- Synonyms, and a number or date hashed as its text (implicit conversion, c_Supported_data_types).
${['func_sha1', 'sha']
  .map(
    (name) =>
      `CREATE OR REPLACE FUNCTION ${S}.${name}(s text) RETURNS varchar LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT ${S}.sha1(s) $f$;`,
  )
  .join('\n')}
${['sha1', 'func_sha1', 'sha']
  .map(
    (name) =>
      `CREATE OR REPLACE FUNCTION ${S}.${name}(v anynonarray) RETURNS varchar LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT ${S}.sha1(v::text) $f$;`,
  )
  .join('\n')}
`;

export const HASH_SQL = `${SHA1_SQL}
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
