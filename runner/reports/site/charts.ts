/**
 * Charts as inline SVG drawn when the page is written: no script, no library, nothing fetched, so
 * they show from S3, from disk and in a mail preview alike. Each point carries a <title> (the
 * browser's tooltip) and links to its run's report when it has one.
 */
import { htmlEscape as e } from '../markup';

const W = 600;
const H = 190;
const M = { left: 46, right: 14, top: 14, bottom: 28 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

export const STATUS_COLORS: Record<string, string> = { passed: '#2da44e', failed: '#cf222e', error: '#bf8700', incomplete: '#8c959f' };

/** 1, 2, 5 × 10^n steps giving at most ~4 gridlines up to `max`. */
export function niceTicks(max: number, count = 4, integer = false): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = integer ? Math.max(1, max / count) : max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const steps = integer && mag < 10 ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  const step = (steps.find((m) => m * mag >= raw) ?? 10) * mag;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function frame(title: string, ticks: number[], format: (v: number) => string, xLabels: { x: number; text: string }[], body: string, legend: string): string {
  const top = ticks[ticks.length - 1] ?? 1;
  const y = (v: number) => M.top + PLOT_H - (v / top) * PLOT_H;
  const grid = ticks
    .map(
      (t) =>
        `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}"/><text class="tick" x="${M.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${e(format(t))}</text>`,
    )
    .join('');
  const xs = xLabels
    .map((l, i) => `<text class="tick" x="${l.x.toFixed(1)}" y="${H - 8}" text-anchor="${i === 0 && xLabels.length > 1 ? 'start' : i === xLabels.length - 1 && xLabels.length > 1 ? 'end' : 'middle'}">${e(l.text)}</text>`)
    .join('');
  return `<figure class="chart"><figcaption>${e(title)}${legend}</figcaption><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${e(title)}" preserveAspectRatio="xMidYMid meet">${grid}${body}${xs}</svg></figure>`;
}

const legendItem = (color: string, label: string) => `<span class="key"><i style="background:${color}"></i>${e(label)}</span>`;

export interface DayBar {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  counts: Record<string, number>;
}

/** Stacked bars, one per day, by run status. */
export function runsPerDayChart(days: DayBar[], statuses: string[]): string {
  const total = (d: DayBar) => statuses.reduce((a, s) => a + (d.counts[s] ?? 0), 0);
  const ticks = niceTicks(Math.max(1, ...days.map(total)), 4, true);
  const top = ticks[ticks.length - 1] as number;
  const slot = PLOT_W / Math.max(1, days.length);
  const bw = Math.max(2, Math.min(22, slot * 0.7));
  const bars = days
    .map((d, i) => {
      let base = M.top + PLOT_H;
      const x = M.left + i * slot + (slot - bw) / 2;
      const segs = statuses
        .filter((s) => (d.counts[s] ?? 0) > 0)
        .map((s) => {
          const h = ((d.counts[s] as number) / top) * PLOT_H;
          base -= h;
          return `<rect x="${x.toFixed(1)}" y="${base.toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}" fill="${STATUS_COLORS[s] ?? '#8c959f'}"/>`;
        })
        .join('');
      const tip = `${d.day}: ${total(d)} run${total(d) === 1 ? '' : 's'}${statuses
        .filter((s) => d.counts[s])
        .map((s) => `, ${d.counts[s]} ${s}`)
        .join('')}`;
      return `<g class="day" data-day="${d.day}" data-runs="${total(d)}"><title>${e(tip)}</title><rect class="hit" x="${(M.left + i * slot).toFixed(1)}" y="${M.top}" width="${slot.toFixed(1)}" height="${PLOT_H}"/>${segs}</g>`;
    })
    .join('');
  const label = (i: number) => ({ x: M.left + i * slot + slot / 2, text: shortDay((days[i] as DayBar).day) });
  const xLabels = days.length ? [label(0), ...(days.length > 2 ? [label(Math.floor((days.length - 1) / 2))] : []), label(days.length - 1)] : [];
  const legend = `<span class="legend">${statuses.map((s) => legendItem(STATUS_COLORS[s] ?? '#8c959f', s)).join('')}</span>`;
  return frame('Runs per day', ticks, (v) => String(v), days.length > 1 ? xLabels : xLabels.slice(0, 1), bars, legend);
}

export interface LinePoint {
  y: number;
  /** Tooltip text. */
  label: string;
  href?: string;
  /** Run id, for tests and tools reading the SVG. */
  run: string;
  /** `YYYY-MM-DD` under the axis. */
  day: string;
}

export interface Series {
  name: string;
  color: string;
  points: (LinePoint | undefined)[];
}

/** Lines over the same x positions (runs, oldest left); a missing point breaks its line. */
export function lineChart(title: string, series: Series[], format: (v: number) => string, options: { max?: number; integer?: boolean } = {}): string {
  const n = Math.max(0, ...series.map((s) => s.points.length));
  const values = series.flatMap((s) => s.points.filter((p): p is LinePoint => p !== undefined).map((p) => p.y));
  const ticks = niceTicks(options.max ?? Math.max(1, ...values), 4, options.integer);
  const top = ticks[ticks.length - 1] as number;
  const x = (i: number) => M.left + (n <= 1 ? PLOT_W / 2 : (i / (n - 1)) * PLOT_W);
  const y = (v: number) => M.top + PLOT_H - (Math.min(v, top) / top) * PLOT_H;
  const body = series
    .map((s, si) => {
      const segments: string[] = [];
      let current: string[] = [];
      s.points.forEach((p, i) => {
        if (!p) {
          if (current.length) segments.push(current.join(' '));
          current = [];
        } else current.push(`${x(i).toFixed(1)},${y(p.y).toFixed(1)}`);
      });
      if (current.length) segments.push(current.join(' '));
      const lines = segments.map((pts) => `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts}"/>`).join('');
      const dots = s.points
        .map((p, i) => {
          if (!p) return '';
          const dot = `<circle class="point" data-series="${si}" data-run="${e(p.run)}" cx="${x(i).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="3.5" fill="${s.color}"><title>${e(p.label)}</title></circle>`;
          return p.href ? `<a href="${e(p.href)}">${dot}</a>` : dot;
        })
        .join('');
      return `<g class="series" data-name="${e(s.name)}">${lines}${dots}</g>`;
    })
    .join('');
  const first = series.map((s) => s.points.findIndex(Boolean)).filter((i) => i >= 0);
  const at = (i: number) => series.map((s) => s.points[i]).find(Boolean);
  const xLabels: { x: number; text: string }[] = [];
  if (n > 0 && first.length) {
    const lo = Math.min(...first);
    xLabels.push({ x: x(lo), text: shortDay(at(lo)?.day ?? '') });
    if (n - 1 > lo) xLabels.push({ x: x(n - 1), text: shortDay(at(n - 1)?.day ?? '') });
  }
  const legend = series.length > 1 ? `<span class="legend">${series.map((s) => legendItem(s.color, s.name)).join('')}</span>` : '';
  const empty = values.length === 0 ? `<text class="none" x="${W / 2}" y="${H / 2}" text-anchor="middle">no runs yet</text>` : '';
  return frame(title, ticks, format, xLabels, body + empty, legend);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export function shortDay(day: string): string {
  const m = /^\d{4}-(\d\d)-(\d\d)/.exec(day);
  return m ? `${MONTHS[Number(m[1]) - 1]} ${Number(m[2])}` : day;
}
