/**
 * What the Data API transport does to SQL text and values: `$n` → `:pn` named parameters, result
 * fields back to pg's JavaScript shapes, a `;`-separated text split into statements (with where
 * each starts, so a failing one can be located), and the statement size limit.
 * API reference: https://docs.aws.amazon.com/redshift-data/latest/APIReference/Welcome.html
 */
import type { ColumnMetadata, Field, SqlParameter } from '@aws-sdk/client-redshift-data';
import { codeTokens, tokenizeSqlAsync } from '../../dialects/sql-tokens';
import { ConfigError } from '../../errors';

/**
 * "The maximum query statement size is 100 KB" (Considerations when calling the Amazon Redshift
 * Data API, https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html); the service answers
 * "Cannot process query string larger than 100kB". Counted in UTF-8 bytes, 100 KB read as 100,000
 * so that either reading of "KB" holds.
 */
export const DATA_API_MAX_STATEMENT_BYTES = 100_000;

/** A statement the warehouse rejected, shaped like pg's DatabaseError where the Data API allows. */
export class DataApiStatementError extends Error {
  /** The Data API reports no SQLSTATE; kept for the same shape as pg errors. */
  readonly code: string | undefined = undefined;
  /**
   * 1-based character position in the text given to `batch()` where the failing statement starts:
   * without SQLSTATE or a server position, this is how callers locate the statement.
   */
  position: number | undefined = undefined;
  /** 0-based index of the failing statement within a `batch()`. */
  statementIndex: number | undefined = undefined;
  constructor(
    message: string,
    readonly statementId: string,
    readonly sql: string,
  ) {
    super(message);
    this.name = 'DataApiStatementError';
  }
}

/**
 * `$1, $2` placeholders become `:p1, :p2` (the Data API binds named parameters only); parameters
 * that are null are written as the keyword NULL, since the API has no null parameter value.
 * Placeholders inside strings, quoted identifiers, comments and dollar bodies are left alone.
 */
export async function toNamedParameters(sql: string, params: readonly unknown[]): Promise<{ sql: string; parameters: SqlParameter[] }> {
  if (params.length === 0) return { sql, parameters: [] };
  const tokens = codeTokens(await tokenizeSqlAsync(sql)).filter((t) => t.kind === 'param');
  let out = '';
  let last = 0;
  const used = new Set<number>();
  for (const t of tokens) {
    const n = Number(t.text.slice(1));
    if (!Number.isInteger(n) || n < 1 || n > params.length) {
      throw new ConfigError(`statement uses ${t.text} but only ${params.length} parameter(s) were given`);
    }
    const value = params[n - 1];
    out += sql.slice(last, t.start) + (value === null || value === undefined ? 'NULL' : `:p${n}`);
    last = t.end;
    if (value !== null && value !== undefined) used.add(n);
  }
  out += sql.slice(last);
  const parameters = [...used].sort((a, b) => a - b).map((n) => ({ name: `p${n}`, value: parameterText(params[n - 1]) }));
  return { sql: out, parameters };
}

function parameterText(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (Buffer.isBuffer(value)) {
    throw new ConfigError('binary parameters cannot be sent over the Data API', { hint: 'use transport = pg for this environment' });
  }
  return JSON.stringify(value);
}

/** A statement over the limit is refused before it is sent, saying what to do instead. */
export function checkStatementSize(sql: string, parameters: readonly SqlParameter[]): void {
  const bytes = Buffer.byteLength(sql) + parameters.reduce((sum, p) => sum + Buffer.byteLength(p.value ?? ''), 0);
  if (bytes <= DATA_API_MAX_STATEMENT_BYTES) return;
  throw new DataApiStatementError(
    `statement of ${bytes} bytes is over the Data API's limit of ${DATA_API_MAX_STATEMENT_BYTES} bytes ("The maximum query statement size is 100 KB", https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html); split it, or use transport = pg for this environment`,
    '',
    sql.slice(0, 200),
  );
}

/** One Data API field as pg would return it: int8 and numeric as strings, timestamps as Dates. */
export function fieldValue(field: Field, column: ColumnMetadata | undefined): unknown {
  if (field.isNull) return null;
  const type = (column?.typeName ?? '').toLowerCase();
  if (field.booleanValue !== undefined) return field.booleanValue;
  if (field.longValue !== undefined) return type === 'int8' || type === 'bigint' ? String(field.longValue) : field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.blobValue !== undefined) return Buffer.from(field.blobValue);
  const text = field.stringValue ?? null;
  if (text !== null && (type === 'timestamptz' || type === 'timestamp')) {
    // '2024-05-01 10:00:00+00' (timestamptz) or '2024-05-01 10:00:00' (timestamp, read as UTC like pg's default parser would for the session zone UTC).
    const iso = text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
    const date = new Date(/([zZ]|[+-]\d\d:\d\d)$/.test(iso) ? iso : `${iso}Z`);
    return Number.isNaN(date.getTime()) ? text : date;
  }
  return text;
}

export { leadingKeyword as firstWord } from '../../dialects/leading-keyword';

export const TRANSACTION_WORDS = new Set(['BEGIN', 'START', 'COMMIT', 'END', 'ROLLBACK', 'ABORT']);

/** Statements of a `;`-separated text with their offsets, split on the tokenizer's `;` so quotes and bodies stay whole. */
export async function splitStatements(sql: string): Promise<{ sql: string; start: number }[]> {
  const out: { sql: string; start: number }[] = [];
  let start = 0;
  let codeStart: number | undefined;
  const push = (end: number) => {
    if (codeStart !== undefined) out.push({ sql: sql.slice(start, end).trim(), start: codeStart });
  };
  for (const t of await tokenizeSqlAsync(sql)) {
    if (t.kind === 'punct' && t.text === ';') {
      push(t.start);
      start = t.end;
      codeStart = undefined;
    } else if (t.kind !== 'comment') {
      codeStart ??= t.start;
    }
  }
  push(sql.length);
  return out;
}

/** Marks where in a batch's text the failing statement starts, for callers that locate it (the engine). */
export function locate(err: unknown, statements: readonly { start: number }[], index: number): unknown {
  if (err instanceof DataApiStatementError && index >= 0 && index < statements.length) {
    err.statementIndex = index;
    err.position = (statements[index] as { start: number }).start + 1;
  }
  return err;
}
