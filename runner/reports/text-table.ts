/** Expected/actual tables as plain text, for JUnit bodies and terminals. */
import type { TableData } from '../events';

export function formatTable(table: TableData): string {
  const cells = [table.columns, ...table.rows.map((r) => r.map((c) => c ?? 'NULL'))];
  const widths = table.columns.map((_, i) => Math.min(40, Math.max(...cells.map((r) => (r[i] ?? '').length))));
  const line = (r: string[]) => `| ${r.map((c, i) => c.slice(0, 40).padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const out = [line(table.columns), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)];
  if (table.truncated) out.push(`(${table.truncated} more row${table.truncated === 1 ? '' : 's'} not shown)`);
  return out.join('\n');
}
