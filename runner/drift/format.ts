/**
 * A drift result as text (for a person), JSON (for scripts), JUnit XML (Jenkins' `junit` step:
 * one case per drifted object) and a standalone HTML page (archived by the pipeline).
 */
import { renderJunitXml, type JunitCase } from '../reports/junit-xml';
import { htmlEscape } from '../reports/markup';
import type { DriftItem } from './compare';

/** What the formats show (the operation's result without the snapshot). */
export interface DriftSummary {
  environment: string;
  target: string;
  /** Scripts replayed to build the expected schema, in order. */
  replayed: string[];
  /** Applied versions no project file holds: their objects show as drift. */
  missing: string[];
  items: DriftItem[];
  /** Distinct drifted objects (`table s.t`, `grant s.t`, ...). */
  objects: string[];
}

const show = (v: string | undefined): string => (v === undefined ? '(absent)' : v);

/** Items grouped by object, in a stable order. */
export function byObject(items: readonly DriftItem[]): Array<{ key: string; items: DriftItem[] }> {
  const groups = new Map<string, DriftItem[]>();
  for (const i of items) {
    const key = `${i.objectType} ${i.object}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, list]) => ({ key, items: list }));
}

function origin(items: readonly DriftItem[]): string {
  const m = items[0]?.migration;
  return m === undefined ? 'no migration defines it' : `last defined by ${m}`;
}

export function formatDriftText(r: DriftSummary): string {
  const head = `environment ${r.environment} (${r.target}) against ${r.replayed.length} applied migration(s)`;
  const lines = [head];
  for (const v of r.missing) lines.push(`warning: version ${v} is applied there but no migration file holds it; its objects show as drift`);
  if (r.objects.length === 0) return [...lines, 'no drift: the schema is what the migrations build'].join('\n');
  lines.push(`drift: ${r.objects.length} object(s) differ from what the migrations build`);
  for (const group of byObject(r.items)) {
    lines.push('', `${group.key}  (${origin(group.items)})`);
    for (const i of group.items) lines.push(`  ${i.attribute}: expected ${show(i.expected)}, actual ${show(i.actual)}`);
  }
  return lines.join('\n');
}

export function driftJson(r: DriftSummary): unknown {
  return {
    environment: r.environment,
    target: r.target,
    drifted: r.objects.length > 0,
    objects: r.objects.length,
    replayed: r.replayed,
    missing: r.missing,
    items: r.items.map((i) => ({ ...i, migration: i.migration ?? null, expected: i.expected ?? null, actual: i.actual ?? null })),
  };
}

export function formatDriftJunit(r: DriftSummary): string {
  const cases: JunitCase[] = byObject(r.items).map((g) => ({
    attrs: { classname: `drift.${r.environment}`, name: g.key },
    result: {
      kind: 'failure',
      attrs: { message: `${g.key} drifted (${origin(g.items)})`, type: 'drift' },
      body: g.items.map((i) => `${i.attribute}: expected ${show(i.expected)}, actual ${show(i.actual)}`).join('\n'),
    },
  }));
  if (cases.length === 0) cases.push({ attrs: { classname: `drift.${r.environment}`, name: 'no drift' } });
  const failures = r.objects.length;
  return renderJunitXml({ name: 'rsrun drift', tests: cases.length, failures }, [
    { attrs: { name: `drift ${r.environment}`, tests: cases.length, failures }, cases },
  ]);
}

/** The rows of the Drift table, shared by the standalone page and the run report's section. */
export function driftTableHtml(items: readonly DriftItem[]): string {
  const rows = byObject(items).flatMap((g) =>
    g.items.map(
      (i) =>
        `<tr><td>${htmlEscape(g.key)}</td><td>${htmlEscape(i.attribute)}</td><td>${htmlEscape(show(i.expected))}</td>` +
        `<td>${htmlEscape(show(i.actual))}</td><td>${htmlEscape(i.migration ?? '')}</td></tr>`,
    ),
  );
  return `<table><thead><tr><th>object</th><th>attribute</th><th>expected</th><th>actual</th><th>last defined by</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

export function formatDriftHtml(r: DriftSummary): string {
  const verdict = r.objects.length === 0 ? 'no drift' : `${r.objects.length} drifted object(s)`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rsrun drift: ${htmlEscape(r.environment)}</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}</style>
</head><body>
<h1>Drift: ${htmlEscape(r.environment)}</h1>
<p>${htmlEscape(r.target)} against ${r.replayed.length} applied migration(s): <strong>${htmlEscape(verdict)}</strong></p>
${r.objects.length === 0 ? '' : driftTableHtml(r.items)}
</body></html>
`;
}
