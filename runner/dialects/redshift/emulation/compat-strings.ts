/**
 * Part of the compat schema (compat-schema.ts installs it, compat-values.ts gathers it): string
 * functions whose PostgreSQL namesake answers differently from Redshift, or that PostgreSQL lacks.
 * test/emulation/documented-values/strings.test.ts checks each against its page's values.
 *
 * - REGEXP_REPLACE replaces every occurrence, its replacement defaults to '' and its fifth argument
 *   is the parameters (REGEXP_REPLACE); PostgreSQL's replaces the first occurrence only, needs a
 *   replacement and reads a fifth argument as an occurrence number.
 * - REGEXP_SUBSTR returns '' when nothing matches or the position is past the end, NULL when the
 *   occurrence is below 1 or over the string's length; its 'e' parameter returns the first
 *   subexpression (REGEXP_SUBSTR). PostgreSQL returns NULL for no match and reads 'e' as "the rest
 *   of the pattern is an ERE", so 'this is a (\w+)' matched nothing.
 * - REGEXP_COUNT / REGEXP_INSTR: a position below 1 searches from the first character (PostgreSQL
 *   refuses it); REGEXP_INSTR's 'e' and occurrence rules as for REGEXP_SUBSTR (REGEXP_COUNT,
 *   REGEXP_INSTR).
 * - Parameters are c, i, e (not REGEXP_REPLACE/REGEXP_COUNT) and p. 'p' (PCRE) is read by
 *   PostgreSQL's advanced regular expressions, which have Perl's lookahead, \d, \w and lazy
 *   quantifiers; any other letter, which PostgreSQL would take as one of its own flags (g, n, x,
 *   ...), is refused naming the function.
 * - SPLIT_PART's position "must be an integer greater than 0" (SPLIT_PART); PostgreSQL 14+ counts a
 *   negative one from the end, a value a cluster would not give, so it is refused.
 * - BPCHARCMP returns -1, 0 or 1 (r_BPCHARCMP); PostgreSQL's returns any negative or positive number.
 * - SOUNDEX and DIFFERENCE (SOUNDEX, DIFFERENCE): American Soundex over the ASCII letters only, ''
 *   without any; DIFFERENCE counts the positions where two codes agree, 0 when one string has no
 *   letter and 1 when neither has. PostgreSQL has them only in the fuzzystrmatch extension, which
 *   neither local engine loads.
 */
const S = 'rsrun_compat';

/** Called as `rsrun_compat.name(...)` after rewriting (expressions.ts). */
export const STRING_FUNCTIONS = [
  'regexp_replace',
  'regexp_substr',
  'regexp_count',
  'regexp_instr',
  'split_part',
  'bpcharcmp',
  'soundex',
  'difference',
];

const REGEXP = `
-- Redshift parameters → PostgreSQL flags: 'e' and 'p' are not PostgreSQL flags ('p' is PCRE, read by
-- PostgreSQL's ARE syntax; 'e' is handled by the caller), c and i are the same.
CREATE OR REPLACE FUNCTION ${S}.regexp_flags(fn text, parameters text, allowed text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN
  IF parameters IS NULL THEN RETURN ''; END IF;
  IF parameters !~ ('^[' || allowed || ']*$') THEN
    RAISE EXCEPTION '%: parameters ''%'' are not among ''%''', fn, parameters, allowed USING ERRCODE = '22023',
      HINT = 'Redshift reads c (case-sensitive), i (case-insensitive)' || CASE WHEN strpos(allowed, 'e') > 0 THEN ', e (first subexpression)' ELSE '' END || ' and p (PCRE); see ' || fn || '.html';
  END IF;
  RETURN translate(parameters, 'ep', '');
END $f$;
-- The number of capturing groups: the appended empty alternative always matches, so regexp_match
-- returns one element per group of the pattern plus its own.
CREATE OR REPLACE FUNCTION ${S}.regexp_groups(pattern text) RETURNS integer LANGUAGE sql IMMUTABLE AS
$f$ SELECT array_length(regexp_match('', '(?:' || pattern || ')|()'), 1) - 1 $f$;
CREATE OR REPLACE FUNCTION ${S}.regexp_subexpr(pattern text, parameters text) RETURNS integer LANGUAGE sql IMMUTABLE AS
$f$ SELECT CASE WHEN strpos(coalesce(parameters, ''), 'e') > 0 AND ${S}.regexp_groups(pattern) > 0 THEN 1 ELSE 0 END $f$;

CREATE OR REPLACE FUNCTION ${S}.regexp_replace(s text, pattern text, replacement text DEFAULT '', pos integer DEFAULT 1, parameters text DEFAULT 'c')
RETURNS text LANGUAGE sql IMMUTABLE AS $f$
  SELECT CASE WHEN pos > char_length(s) THEN s
    ELSE pg_catalog.regexp_replace(s, pattern, replacement, greatest(pos, 1), 0, ${S}.regexp_flags('REGEXP_REPLACE', parameters, 'cip')) END
$f$;

CREATE OR REPLACE FUNCTION ${S}.regexp_substr(s text, pattern text, pos integer DEFAULT 1, occurrence integer DEFAULT 1, parameters text DEFAULT 'c')
RETURNS text LANGUAGE sql IMMUTABLE AS $f$
  SELECT CASE
    WHEN s IS NULL OR pattern IS NULL THEN NULL
    WHEN occurrence < 1 OR occurrence > char_length(s) THEN NULL
    WHEN pos > char_length(s) THEN ''
    ELSE coalesce(pg_catalog.regexp_substr(s, pattern, greatest(pos, 1), occurrence,
      ${S}.regexp_flags('REGEXP_SUBSTR', parameters, 'ciep'), ${S}.regexp_subexpr(pattern, parameters)), '') END
$f$;

CREATE OR REPLACE FUNCTION ${S}.regexp_count(s text, pattern text, pos integer DEFAULT 1, parameters text DEFAULT 'c')
RETURNS integer LANGUAGE sql IMMUTABLE AS $f$
  SELECT CASE WHEN pos > char_length(s) THEN 0
    ELSE pg_catalog.regexp_count(s, pattern, greatest(pos, 1), ${S}.regexp_flags('REGEXP_COUNT', parameters, 'cip')) END
$f$;

CREATE OR REPLACE FUNCTION ${S}.regexp_instr(s text, pattern text, pos integer DEFAULT 1, occurrence integer DEFAULT 1, opt integer DEFAULT 0, parameters text DEFAULT 'c')
RETURNS integer LANGUAGE sql IMMUTABLE AS $f$
  SELECT CASE
    WHEN s IS NULL OR pattern IS NULL THEN NULL
    WHEN pos > char_length(s) OR occurrence < 1 OR occurrence > char_length(s) THEN 0
    ELSE pg_catalog.regexp_instr(s, pattern, greatest(pos, 1), occurrence, CASE WHEN opt = 0 THEN 0 ELSE 1 END,
      ${S}.regexp_flags('REGEXP_INSTR', parameters, 'ciep'), ${S}.regexp_subexpr(pattern, parameters)) END
$f$;
`;

const SPLIT_AND_COMPARE = `
CREATE OR REPLACE FUNCTION ${S}.split_part(s text, delimiter text, pos integer) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $f$
BEGIN
  IF pos <= 0 THEN
    RAISE EXCEPTION 'SPLIT_PART: position % is not greater than 0', pos USING ERRCODE = '22023',
      HINT = 'Redshift counts parts from 1 and has no negative positions (SPLIT_PART.html)';
  END IF;
  RETURN pg_catalog.split_part(s, delimiter, pos);
END $f$;

CREATE OR REPLACE FUNCTION ${S}.bpcharcmp(a bpchar, b bpchar) RETURNS integer LANGUAGE sql IMMUTABLE AS
$f$ SELECT sign(pg_catalog.bpcharcmp(a, b))::integer $f$;
`;

const SOUNDEX = `
CREATE OR REPLACE FUNCTION ${S}.soundex(s text) RETURNS varchar LANGUAGE plpgsql IMMUTABLE STRICT AS $f$
DECLARE
  letters text := upper(regexp_replace(s, '[^A-Za-z]', '', 'g'));
  codes constant text := '01230120022455012623010202';
  code text;
  previous text;
  result text;
BEGIN
  IF letters = '' THEN RETURN ''; END IF;
  result := left(letters, 1);
  previous := substr(codes, ascii(left(letters, 1)) - 64, 1);
  FOR i IN 2 .. length(letters) LOOP
    EXIT WHEN length(result) = 4;
    code := substr(codes, ascii(substr(letters, i, 1)) - 64, 1);
    -- H and W do not separate two letters with the same code; vowels (code 0) do.
    CONTINUE WHEN substr(letters, i, 1) IN ('H', 'W');
    IF code <> '0' AND code <> previous THEN result := result || code; END IF;
    previous := code;
  END LOOP;
  RETURN rpad(result, 4, '0');
END $f$;

CREATE OR REPLACE FUNCTION ${S}.difference(a text, b text) RETURNS integer LANGUAGE sql IMMUTABLE STRICT AS $f$
  SELECT CASE
    WHEN ${S}.soundex(a) = '' AND ${S}.soundex(b) = '' THEN 1
    WHEN ${S}.soundex(a) = '' OR ${S}.soundex(b) = '' THEN 0
    ELSE (SELECT count(*)::integer FROM generate_series(1, 4) AS g(i) WHERE substr(${S}.soundex(a), i, 1) = substr(${S}.soundex(b), i, 1)) END
$f$;
`;

/**
 * Numbers, dates and timestamps convert implicitly to strings (c_Supported_data_types): SPLIT_PART of
 * a TIMESTAMP column splits its text (SPLIT_PART's LISTTIME example), as compat-semantics.ts does for
 * PostgreSQL's own string functions.
 */
const IMPLICIT_TEXT: Array<[name: string, rest: string, args: string]> = [
  ['split_part', 'delimiter text, pos integer', 'delimiter, pos'],
  [
    'regexp_replace',
    "pattern text, replacement text DEFAULT '', pos integer DEFAULT 1, parameters text DEFAULT 'c'",
    'pattern, replacement, pos, parameters',
  ],
  [
    'regexp_substr',
    "pattern text, pos integer DEFAULT 1, occurrence integer DEFAULT 1, parameters text DEFAULT 'c'",
    'pattern, pos, occurrence, parameters',
  ],
  ['regexp_count', "pattern text, pos integer DEFAULT 1, parameters text DEFAULT 'c'", 'pattern, pos, parameters'],
  [
    'regexp_instr',
    "pattern text, pos integer DEFAULT 1, occurrence integer DEFAULT 1, opt integer DEFAULT 0, parameters text DEFAULT 'c'",
    'pattern, pos, occurrence, opt, parameters',
  ],
];

const IMPLICIT_TEXT_SQL = IMPLICIT_TEXT.map(
  ([name, rest, args]) =>
    `CREATE OR REPLACE FUNCTION ${S}.${name}(v anynonarray, ${rest}) RETURNS ${name.endsWith('count') || name.endsWith('instr') ? 'integer' : 'text'} LANGUAGE sql IMMUTABLE AS $f$ SELECT ${S}.${name}(v::text, ${args}) $f$;`,
).join('\n');

export const STRINGS_SQL = `${REGEXP}\n${SPLIT_AND_COMPARE}\n${SOUNDEX}\n${IMPLICIT_TEXT_SQL}`;
