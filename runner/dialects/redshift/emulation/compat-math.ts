/**
 * Part of the compat schema (compat-values.ts gathers it): math functions whose result type, and so
 * whose printed value, differs between Redshift and PostgreSQL.
 *
 * LOG, DLOG10, DLOG1, EXP, DEXP, SQRT and POWER/POW return DOUBLE PRECISION on Redshift (r_LOG,
 * r_DLOG10, r_DLOG1, r_DEXP, r_EXP, r_SQRT, r_POWER). PostgreSQL keeps a DECIMAL argument a NUMERIC:
 * sqrt(round(16.4)) printed 4.000000000000000 where the cluster prints 4. Each is declared here for
 * double precision only, so a DECIMAL argument is converted first, as on the cluster. DLOG1, DLOG10
 * and DEXP do not exist in PostgreSQL at all. LN "returns the same type as the expression" (r_LN:
 * ln(2.718281828) = 0.9999999998311267, PostgreSQL's NUMERIC answer) and CBRT is DOUBLE PRECISION
 * in both, so those two stay PostgreSQL's.
 */
const S = 'rsrun_compat';

const DOUBLE_FUNCTIONS: Array<[name: string, body: string]> = [
  ['log', 'pg_catalog.log(x)'],
  ['dlog10', 'pg_catalog.log(x)'],
  ['dlog1', 'pg_catalog.ln(x)'],
  ['exp', 'pg_catalog.exp(x)'],
  ['dexp', 'pg_catalog.exp(x)'],
  ['sqrt', 'pg_catalog.sqrt(x)'],
];

/** Called as `rsrun_compat.name(...)` after rewriting (expressions.ts). */
export const MATH_FUNCTIONS = [...DOUBLE_FUNCTIONS.map(([name]) => name), 'power', 'pow'];

export const MATH_SQL = [
  ...DOUBLE_FUNCTIONS.map(
    ([name, body]) =>
      `CREATE OR REPLACE FUNCTION ${S}.${name}(x double precision) RETURNS double precision LANGUAGE sql IMMUTABLE AS $f$ SELECT ${body} $f$;`,
  ),
  ...['power', 'pow'].map(
    (name) =>
      `CREATE OR REPLACE FUNCTION ${S}.${name}(x double precision, y double precision) RETURNS double precision LANGUAGE sql IMMUTABLE AS $f$ SELECT pg_catalog.power(x, y) $f$;`,
  ),
].join('\n');
