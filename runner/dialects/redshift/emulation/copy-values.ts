/**
 * From a source record's fields to the values of a row, with Redshift's COPY rules
 * (copy-parameters-data-conversion) and its load errors (r_Load_Error_Reference): a record that
 * Redshift would reject is reported with the error code and reason STL_LOAD_ERRORS shows, so
 * MAXERROR can skip it and the rejected rows can be recorded.
 *
 * Rules: an empty CHAR/VARCHAR field is '' unless EMPTYASNULL, an empty field of any other type is
 * NULL; NULL AS (default '\N') marks NULL; BLANKSASNULL; FILLRECORD fills missing trailing fields;
 * TRUNCATECOLUMNS cuts CHAR/VARCHAR values to the column's length. Lengths count bytes
 * (r_Character_types: "VARCHAR strings are measured in bytes, not characters"; t_preparing-input-data).
 */

export interface TargetColumn {
  name: string;
  /** PostgreSQL type name: int4, varchar, numeric, ... */
  typname: string;
  /** Declared length of CHAR/VARCHAR (bytes on Redshift); precision/scale of NUMERIC. */
  length: number | undefined;
  precision: number | undefined;
  scale: number | undefined;
  identity: boolean;
}

export interface FieldRules {
  nullAs: string;
  emptyAsNull: boolean;
  blanksAsNull: boolean;
  fillRecord: boolean;
  truncateColumns: boolean;
}

export interface LoadError {
  /** Column the error is in (empty for a record-level error). */
  colname: string;
  type: string;
  colLength: string;
  value: string;
  code: number;
  reason: string;
}

export type RowResult = { ok: true; values: Array<string | null> } | { ok: false; error: LoadError };

const isCharacter = (c: TargetColumn) => c.typname === 'varchar' || c.typname === 'bpchar' || c.typname === 'text';

export function toRow(fields: ReadonlyArray<string | null>, columns: readonly TargetColumn[], rules: FieldRules): RowResult {
  if (fields.length > columns.length) return recordError(1202, 'Extra column(s) found');
  if (fields.length < columns.length && !rules.fillRecord) return recordError(1203, 'Delimiter not found');
  const values: Array<string | null> = [];
  for (const [k, c] of columns.entries()) {
    const raw = fields[k];
    if (raw === undefined) {
      values.push(isCharacter(c) && !rules.emptyAsNull ? '' : null); // FILLRECORD
      continue;
    }
    const value = fieldValue(raw, c, rules);
    const problem = value === null ? undefined : check(value, c);
    if (problem)
      return {
        ok: false,
        error: {
          colname: c.name,
          type: c.typname,
          colLength: c.length === undefined ? '' : String(c.length),
          value: raw ?? '',
          ...problem,
        },
      };
    values.push(value);
  }
  return { ok: true, values };
}

function recordError(code: number, reason: string): RowResult {
  return { ok: false, error: { colname: '', type: '', colLength: '', value: '', code, reason } };
}

function fieldValue(raw: string | null, c: TargetColumn, rules: FieldRules): string | null {
  if (raw === null || raw === rules.nullAs) return null;
  if (!isCharacter(c)) return raw.trim() === '' ? null : raw;
  if (raw === '' && rules.emptyAsNull) return null;
  if (rules.blanksAsNull && raw.trim() === '') return null;
  if (rules.truncateColumns && c.length !== undefined) return truncateBytes(raw, c.length);
  return raw;
}

/** The longest prefix of `s` that fits in `bytes` UTF-8 bytes, never splitting a character. */
export function truncateBytes(s: string, bytes: number): string {
  if (Buffer.byteLength(s, 'utf8') <= bytes) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (used + n > bytes) break;
    out += ch;
    used += n;
  }
  return out;
}

const INT_RANGE: Record<string, [bigint, bigint]> = {
  int2: [-32768n, 32767n],
  int4: [-2147483648n, 2147483647n],
  int8: [-9223372036854775808n, 9223372036854775807n],
};
const BOOLEAN = /^(t|f|true|false|y|n|yes|no|1|0|on|off)$/i;

/** The load error Redshift reports for a value that does not fit its column, if any. */
function check(v: string, c: TargetColumn): { code: number; reason: string } | undefined {
  const t = v.trim();
  const range = INT_RANGE[c.typname];
  if (range) {
    if (!/^[+-]?\d+$/.test(t)) return { code: 1207, reason: `Invalid digit, Value '${t[0] ?? ''}', Pos 0, Type: Integer` };
    const n = BigInt(t);
    return n < range[0] || n > range[1] ? { code: 1216, reason: `Overflow (Integer valid range ${range[0]} to ${range[1]})` } : undefined;
  }
  switch (c.typname) {
    case 'numeric': {
      if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) return { code: 1207, reason: `Invalid digit, Value '${t}', Type: Decimal` };
      const digits = (t.replace(/^[+-]/, '').split('.')[0] ?? '').replace(/^0+/, '').length;
      if (c.precision !== undefined && digits > c.precision - (c.scale ?? 0))
        return { code: 1216, reason: `Overflow for NUMERIC(${c.precision},${c.scale ?? 0})` };
      return undefined;
    }
    case 'float4':
    case 'float8':
      return Number.isNaN(Number(t)) && !/^[+-]?(nan|inf|infinity)$/i.test(t)
        ? { code: 1208, reason: 'FLOAT data type format error' }
        : undefined;
    case 'bool':
      return BOOLEAN.test(t) ? undefined : { code: 1210, reason: 'BOOLEAN data type format error' };
    case 'date':
      return validDate(t, false) ? undefined : { code: 1205, reason: `Invalid Date Format - length must be 10 or more` };
    case 'timestamp':
    case 'timestamptz':
      return validDate(t, true) ? undefined : { code: 1206, reason: 'Invalid timestamp format or value' };
    case 'varchar':
    case 'bpchar': {
      const bytes = Buffer.byteLength(v, 'utf8');
      return c.length !== undefined && bytes > c.length ? { code: 1204, reason: `String length exceeds DDL length` } : undefined;
    }
    default:
      return undefined;
  }
}

/** DATEFORMAT/TIMEFORMAT 'auto' and ISO forms (copy-parameters-data-conversion, r_DATEFORMAT_and_TIMEFORMAT_strings). */
function validDate(t: string, withTime: boolean): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:\s*(?:Z|[+-]\d{2}(?::?\d{2})?|[A-Z]{3,4}))?$/i.exec(t);
  if (!m) return !Number.isNaN(Date.parse(t)) && /\d/.test(t);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && (withTime || m[4] === undefined || m[4] !== '');
}
