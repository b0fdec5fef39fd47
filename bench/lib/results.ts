/**
 * The one table the harness prints: every figure beside its target, pass/fail, and — where the
 * target is relative — the ratio to what was measured side by side in the same run.
 */

export type Verdict = 'pass' | 'FAIL' | 'n/a';

export interface ResultRow {
  scenario: string;
  /** What was measured, e.g. `rsrun round trips per migration`. */
  figure: string;
  /** The measured value as shown, with its unit. */
  value: string;
  /** The target as a sentence fragment, e.g. `≤ 1 + 1/migration`. */
  target: string;
  verdict: Verdict;
  /** The ratio the verdict rests on, as shown (e.g. `5.2× vs sqitch`), or why there is none. */
  ratio: string;
  /** Raw numbers for the JSON file. */
  data?: Record<string, unknown>;
}

/** A row for a figure that could not be measured here, with the reason in place of the value. */
export function unavailable(scenario: string, figure: string, target: string, why: string): ResultRow {
  return { scenario, figure, value: `not available: ${why}`, target, verdict: 'n/a', ratio: '' };
}

export function verdict(ok: boolean): Verdict {
  return ok ? 'pass' : 'FAIL';
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

export function fmtRatio(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)}×` : '—';
}

export function fmtBytes(b: number): string {
  if (b >= 1024 * 1024 * 1024) return `${(b / 1024 / 1024 / 1024).toFixed(2)} GiB`;
  if (b >= 1024 * 1024) return `${(b / 1024 / 1024).toFixed(1)} MiB`;
  return `${(b / 1024).toFixed(0)} KiB`;
}

const COLUMNS: [keyof ResultRow, string][] = [
  ['scenario', 'scenario'],
  ['figure', 'figure'],
  ['value', 'measured'],
  ['target', 'target'],
  ['verdict', 'result'],
  ['ratio', 'side by side'],
];

/** A plain-text table for a terminal (column widths fit the content). */
export function textTable(rows: readonly ResultRow[]): string {
  const cells = rows.map((r) => COLUMNS.map(([k]) => String(r[k] ?? '')));
  const widths = COLUMNS.map(([, h], i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((s, i) => s.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS.map(([, h]) => h)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** The same table in Markdown (for bench/LATEST.md and the README). */
export function markdownTable(rows: readonly ResultRow[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const head = `| ${COLUMNS.map(([, h]) => h).join(' | ')} |`;
  const sep = `| ${COLUMNS.map(() => '---').join(' | ')} |`;
  return [head, sep, ...rows.map((r) => `| ${COLUMNS.map(([k]) => esc(String(r[k] ?? ''))).join(' | ')} |`)].join('\n');
}
