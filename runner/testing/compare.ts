/**
 * Comparing what a query returned with what a test expects. Values are compared as text the way
 * an engineer writes them in a test: numbers numerically (`10.50` = `10.5`), booleans as
 * true/false/t/f, dates without a midnight time, NULL only equal to NULL.
 */
import type { TableData } from '../events';
import type { Expectation } from './model';

/** Rows a report keeps of any result; the rest is counted in `truncated`. */
export const DISPLAY_ROWS = 50;
/** Characters a report keeps of one cell. */
export const DISPLAY_CELL_CHARS = 500;

/** The text of a value as pg returned it (JS types) in the runner's time zone. */
export function cellText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return formatDate(v);
  if (Buffer.isBuffer(v)) return `\\x${v.toString('hex')}`;
  return JSON.stringify(v);
}

function formatDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return 'invalid date';
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${p(d.getFullYear(), 4)}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  const ms = d.getMilliseconds();
  const time = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${ms ? `.${p(ms, 3)}` : ''}`;
  return time === '00:00:00' ? date : `${date} ${time}`;
}

const DECIMAL = /^([-+]?)(\d+)(?:\.(\d*))?$/;
const TRUE_WORDS = new Set(['true', 't']);
const FALSE_WORDS = new Set(['false', 'f']);

/** A canonical form so equal values written differently compare equal. */
export function canonical(v: string | null): string {
  if (v === null) return '\u0000NULL';
  const t = v.trim();
  const dec = DECIMAL.exec(t);
  if (dec) {
    const int = (dec[2] as string).replace(/^0+(?=\d)/, '');
    const frac = (dec[3] ?? '').replace(/0+$/, '');
    const s = `${int}${frac ? `.${frac}` : ''}`;
    return s === '0' ? '0' : `${dec[1] === '-' ? '-' : ''}${s}`;
  }
  if (/^[-+]?(\d+\.?\d*|\.\d+)e[-+]?\d+$/i.test(t)) return String(Number(t));
  const lower = t.toLowerCase();
  if (TRUE_WORDS.has(lower)) return 'true';
  if (FALSE_WORDS.has(lower)) return 'false';
  // `2024-01-01 00:00:00` is the date `2024-01-01`; `T` separators as ISO writes them.
  const ts = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)$/.exec(t);
  if (ts) {
    // Only the fraction's trailing zeros go: `00:00:00.000` is `00:00:00`, `12:30:00` stays whole.
    const time = (ts[2] as string).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
    return time === '00:00:00' ? (ts[1] as string) : `${ts[1]} ${time}`;
  }
  return t;
}

export const cellEquals = (a: string | null, b: string | null) => canonical(a) === canonical(b);

export function clipCell(v: string | null): string | null {
  return v !== null && v.length > DISPLAY_CELL_CHARS ? `${v.slice(0, DISPLAY_CELL_CHARS)}…` : v;
}

/** What the executor collected from a streamed result. */
export interface CollectedResult {
  columns: string[];
  /** The first `kept` rows as text. */
  rows: (string | null)[][];
  /** Rows seen in total (may stop counting at `countLimit`). */
  rowCount: number;
  /** True when counting stopped before the end of the result. */
  countCapped: boolean;
}

export interface Verdict {
  passed: boolean;
  message?: string;
  expected?: TableData;
  actual?: TableData;
}

export function toTable(columns: string[], rows: (string | null)[][], total = rows.length): TableData {
  const shown = rows.slice(0, DISPLAY_ROWS).map((r) => r.map(clipCell));
  return { columns, rows: shown, ...(total > shown.length ? { truncated: total - shown.length } : {}) };
}

const rowsWord = (n: number, capped = false) => `${capped ? 'more than ' : ''}${n} row${n === 1 && !capped ? '' : 's'}`;

/** Judges a collected result against an expectation (not `error`: the executor judges errors). */
export function judge(expect: Exclude<Expectation, { kind: 'error' }>, got: CollectedResult): Verdict {
  const actual = toTable(got.columns, got.rows, got.rowCount);
  const first = got.rows[0]?.[0];
  switch (expect.kind) {
    case 'empty':
      return got.rowCount === 0
        ? { passed: true }
        : { passed: false, message: `expected no rows, got ${rowsWord(got.rowCount, got.countCapped)}`, actual };
    case 'count':
      return got.rowCount === expect.count && !got.countCapped
        ? { passed: true }
        : { passed: false, message: `expected ${rowsWord(expect.count)}, got ${rowsWord(got.rowCount, got.countCapped)}`, actual };
    case 'scalar': {
      const expected = { columns: got.columns.slice(0, 1), rows: [[expect.value]] };
      if (got.rowCount === 0) return { passed: false, message: `expected ${show(expect.value)}, got no rows`, expected, actual };
      return cellEquals(expect.value, first ?? null)
        ? { passed: true }
        : { passed: false, message: `expected ${show(expect.value)}, got ${show(first ?? null)}`, expected, actual };
    }
    case 'between': {
      const range = `${expect.min ?? '-∞'}..${expect.max ?? '∞'}`;
      const n = first === undefined || first === null ? NaN : Number(first);
      if (Number.isNaN(n))
        return {
          passed: false,
          message: `expected a number in ${range}, got ${got.rowCount === 0 ? 'no rows' : show(first ?? null)}`,
          actual,
        };
      const ok = (expect.min === undefined || n >= expect.min) && (expect.max === undefined || n <= expect.max);
      return ok ? { passed: true } : { passed: false, message: `expected a value in ${range}, got ${n}`, actual };
    }
    case 'rows':
      return judgeRows(expect, got, actual);
  }
}

function judgeRows(expect: Extract<Expectation, { kind: 'rows' }>, got: CollectedResult, actual: TableData): Verdict {
  const expected = toTable(expect.columns, expect.rows);
  const fail = (message: string): Verdict => ({ passed: false, message, expected, actual });
  if (got.rowCount > 0 && got.columns.length !== expect.columns.length) {
    return fail(
      `expected ${expect.columns.length} columns (${expect.columns.join(', ')}), got ${got.columns.length} (${got.columns.join(', ')})`,
    );
  }
  if (got.rowCount !== expect.rows.length || got.countCapped) {
    return fail(`expected ${rowsWord(expect.rows.length)} from ${expect.source}, got ${rowsWord(got.rowCount, got.countCapped)}`);
  }
  const key = (r: (string | null)[]) => JSON.stringify(r.map(canonical));
  if (expect.ordered) {
    const at = expect.rows.findIndex((r, i) => key(r) !== key(got.rows[i] ?? []));
    return at < 0
      ? { passed: true }
      : fail(`row ${at + 1} differs: expected (${fmtRow(expect.rows[at] ?? [])}), got (${fmtRow(got.rows[at] ?? [])})`);
  }
  // Multiset difference: rows expected but missing, and rows returned but not expected.
  const pending = new Map<string, number>();
  for (const r of expect.rows) pending.set(key(r), (pending.get(key(r)) ?? 0) + 1);
  const unexpected: (string | null)[][] = [];
  for (const r of got.rows) {
    const k = key(r);
    const n = pending.get(k) ?? 0;
    if (n > 0) pending.set(k, n - 1);
    else unexpected.push(r);
  }
  if (unexpected.length === 0) return { passed: true };
  const missing = expect.rows.filter((r) => {
    const k = key(r);
    const n = pending.get(k) ?? 0;
    if (n > 0) {
      pending.set(k, n - 1);
      return true;
    }
    return false;
  });
  const list = (rows: (string | null)[][]) =>
    rows
      .slice(0, 5)
      .map((r) => `(${fmtRow(r)})`)
      .join(', ') + (rows.length > 5 ? `, … ${rows.length - 5} more` : '');
  return fail(`rows differ from ${expect.source}: missing ${list(missing)}; unexpected ${list(unexpected)}`);
}

const show = (v: string | null) => (v === null ? 'NULL' : JSON.stringify(v));
const fmtRow = (r: (string | null)[]) => r.map((c) => (c === null ? 'NULL' : clipCell(c))).join(', ');
