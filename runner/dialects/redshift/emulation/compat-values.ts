/**
 * The function families checked against AWS's documented values (test/emulation/documented-values/):
 * their names, called in the compat schema after rewriting, and their SQL, installed with the rest
 * of the compat schema (compat-schema.ts).
 */
import { AGGREGATE_FUNCTIONS, AGGREGATES_SQL } from './compat-aggregates';
import { DATETIME_FUNCTIONS, DATETIME_SQL } from './compat-datetime';
import { HASH_FUNCTIONS, HASH_SQL } from './compat-hash';
import { MATH_FUNCTIONS, MATH_SQL } from './compat-math';
import { STRING_FUNCTIONS, STRINGS_SQL } from './compat-strings';

export const VALUE_FUNCTIONS = [...DATETIME_FUNCTIONS, ...STRING_FUNCTIONS, ...MATH_FUNCTIONS, ...HASH_FUNCTIONS, ...AGGREGATE_FUNCTIONS];

export const VALUES_SQL = [DATETIME_SQL, STRINGS_SQL, MATH_SQL, HASH_SQL, AGGREGATES_SQL].join('\n');
