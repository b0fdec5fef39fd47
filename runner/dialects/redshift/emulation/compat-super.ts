/**
 * Part of the compat schema (compat-schema.ts installs it): the SUPER functions, over jsonb, the
 * local form of SUPER (data-types.ts). Each follows its AWS page (docs.aws.amazon.com/redshift/
 * latest/dg/<page>.html):
 *
 * - Type information (c_Type_Info_Functions): IS_ARRAY, IS_OBJECT, IS_SCALAR (r_is_scalar: "true
 *   for any value that is not an array or an object ... false for any other values, including
 *   null"), IS_BOOLEAN, IS_VARCHAR (every string), IS_CHAR (r_is_char: strings of ASCII
 *   characters only), IS_SMALLINT / IS_INTEGER / IS_BIGINT (r_is_integer: "numbers of scale 0 in
 *   the 32-bit range"; 16 and 64 bits for the others), IS_DECIMAL (r_is_decimal: "numbers that are
 *   not floating points"). jsonb keeps every number as numeric, so a number is never a float
 *   locally: IS_FLOAT is refused by name (expressions.ts) rather than answering false for a
 *   FLOAT8 stored in SUPER.
 * - JSON_TYPEOF (r_json_typeof): boolean, number, string, object, array or null — jsonb_typeof's
 *   own words. JSON_SIZE (r_json_size): "functionally identical to OCTET_LENGTH(JSON_SERIALIZE)".
 * - Arrays: ARRAY(a, b, ...) (r_array) is rewritten to jsonb_build_array (expressions.ts);
 *   ARRAY_CONCAT (r_array_concat), ARRAY_FLATTEN (array_flatten: "merges multiple arrays into a
 *   single array", one level), GET_ARRAY_LENGTH (get_array_length), SUBARRAY (r_subarray: 0-based
 *   start, "a negative position counts backward from the end", length optional), SPLIT_TO_ARRAY
 *   (split_to_array: "If no delimiter is present, then the default is a comma").
 */
const S = 'rsrun_compat';

/** Lower-case names of the functions below, called qualified after rewriting (expressions.ts). */
export const SUPER_FUNCTIONS = [
  'is_array',
  'is_object',
  'is_scalar',
  'is_boolean',
  'is_varchar',
  'is_char',
  'is_smallint',
  'is_integer',
  'is_bigint',
  'is_decimal',
  'json_typeof',
  'json_size',
  'array_concat',
  'array_flatten',
  'get_array_length',
  'subarray',
  'split_to_array',
];

const typeTest = (name: string, test: string): string =>
  `CREATE OR REPLACE FUNCTION ${S}.${name}(v jsonb) RETURNS boolean LANGUAGE sql IMMUTABLE AS $f$ SELECT coalesce(${test}, false) $f$;`;

/** A number of scale 0 within [-2^(bits-1), 2^(bits-1) - 1]. */
const integral = (bits: number): string =>
  `jsonb_typeof(v) = 'number' AND scale((v #>> '{}')::numeric) = 0 AND (v #>> '{}')::numeric BETWEEN ${-(2n ** BigInt(bits - 1))} AND ${2n ** BigInt(bits - 1) - 1n}`;

export const SUPER_SQL = [
  typeTest('is_array', "jsonb_typeof(v) = 'array'"),
  typeTest('is_object', "jsonb_typeof(v) = 'object'"),
  typeTest('is_scalar', "jsonb_typeof(v) IN ('string', 'number', 'boolean')"),
  typeTest('is_boolean', "jsonb_typeof(v) = 'boolean'"),
  typeTest('is_varchar', "jsonb_typeof(v) = 'string'"),
  typeTest('is_char', "jsonb_typeof(v) = 'string' AND (v #>> '{}') ~ '^[\\x01-\\x7f]*$'"),
  typeTest('is_smallint', integral(16)),
  typeTest('is_integer', integral(32)),
  typeTest('is_bigint', integral(64)),
  typeTest('is_decimal', "jsonb_typeof(v) = 'number'"),
  `CREATE OR REPLACE FUNCTION ${S}.json_typeof(v jsonb) RETURNS varchar LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT jsonb_typeof(v) $f$;`,
  `CREATE OR REPLACE FUNCTION ${S}.json_size(v jsonb) RETURNS integer LANGUAGE sql IMMUTABLE STRICT AS $f$ SELECT octet_length(${S}.json_serialize(v)) $f$;`,
  `CREATE OR REPLACE FUNCTION ${S}.array_concat(a jsonb, b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE STRICT AS
$f$ SELECT CASE WHEN jsonb_typeof(a) = 'array' AND jsonb_typeof(b) = 'array' THEN a || b END $f$;`,
  `CREATE OR REPLACE FUNCTION ${S}.array_flatten(VARIADIC arrays jsonb[]) RETURNS jsonb LANGUAGE sql IMMUTABLE AS
$f$ SELECT coalesce(jsonb_agg(inner_e ORDER BY n, k, j), '[]'::jsonb)
    FROM unnest(arrays) WITH ORDINALITY AS a(arr, n)
    CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(arr) = 'array' THEN arr ELSE jsonb_build_array(arr) END) WITH ORDINALITY AS o(e, k)
    CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(e) = 'array' THEN e ELSE jsonb_build_array(e) END) WITH ORDINALITY AS f(inner_e, j) $f$;`,
  `CREATE OR REPLACE FUNCTION ${S}.get_array_length(v jsonb) RETURNS integer LANGUAGE sql IMMUTABLE STRICT AS
$f$ SELECT CASE WHEN jsonb_typeof(v) = 'array' THEN jsonb_array_length(v) END $f$;`,
  `CREATE OR REPLACE FUNCTION ${S}.subarray(v jsonb, start_position integer, len integer DEFAULT NULL) RETURNS jsonb LANGUAGE sql IMMUTABLE AS
$f$ SELECT CASE WHEN jsonb_typeof(v) = 'array' THEN (
      SELECT coalesce(jsonb_agg(e ORDER BY k), '[]'::jsonb) FROM jsonb_array_elements(v) WITH ORDINALITY AS a(e, k),
        LATERAL (SELECT CASE WHEN start_position < 0 THEN jsonb_array_length(v) + start_position ELSE start_position END AS first) AS s
      WHERE k - 1 >= s.first AND (len IS NULL OR k - 1 < s.first + len)) END $f$;`,
  `CREATE OR REPLACE FUNCTION ${S}.split_to_array(s text, delimiter text DEFAULT ',') RETURNS jsonb LANGUAGE sql IMMUTABLE STRICT AS
$f$ SELECT to_jsonb(string_to_array(s, delimiter)) $f$;`,
].join('\n');
