/**
 * Expected (what the applied migrations build) against actual (what the environment holds): one
 * difference per attribute, each naming the object, the attribute, both values, and (filled in by
 * attribution.ts) the migration that last defined the object.
 */
import { canonicalView } from './normalise';
import type { ColumnSnapshot, Snapshot, TableSnapshot } from './snapshot';

export type ObjectType = 'schema' | 'table' | 'view' | 'materialized view' | 'function' | 'procedure' | 'grant';

export interface DriftItem {
  objectType: ObjectType;
  /** `schema.table`, `schema.name(args)`, `schema`; for a grant, the object granted on. */
  object: string;
  /** What differs: `exists`, `column amount: type`, `sort key`, `definition`, `SELECT to PUBLIC`, ... */
  attribute: string;
  /** Undefined where the object or attribute is absent on that side. */
  expected: string | undefined;
  actual: string | undefined;
  /** The migration that last defined the object (script name), when one did. */
  migration?: string | undefined;
}

const PRESENT = 'present';

export function compareSnapshots(expected: Snapshot, actual: Snapshot): DriftItem[] {
  const items: DriftItem[] = [];
  presence(items, 'schema', new Set(expected.schemas), new Set(actual.schemas));
  for (const name of union(expected.tables.keys(), actual.tables.keys())) {
    const e = expected.tables.get(name);
    const a = actual.tables.get(name);
    if (!e || !a) items.push(existence('table', name, e !== undefined));
    else compareTables(items, name, e, a);
  }
  for (const name of union(expected.views.keys(), actual.views.keys())) {
    const e = expected.views.get(name);
    const a = actual.views.get(name);
    if (!e || !a) items.push(existence((e ?? a)?.kind ?? 'view', name, e !== undefined));
    else {
      attribute(items, e.kind, name, 'kind', e.kind, a.kind);
      if (canonicalView(e.definition) !== canonicalView(a.definition)) {
        items.push({ objectType: e.kind, object: name, attribute: 'definition', expected: e.definition, actual: a.definition });
      }
    }
  }
  for (const name of union(expected.routines.keys(), actual.routines.keys())) {
    const e = expected.routines.get(name);
    const a = actual.routines.get(name);
    if (!e || !a) items.push(existence((e ?? a)?.kind ?? 'function', name, e !== undefined));
    else {
      attribute(items, e.kind, name, 'kind', e.kind, a.kind);
      attribute(items, e.kind, name, 'returns', e.returns, a.returns);
      attribute(items, e.kind, name, 'language', e.language, a.language);
      attribute(items, e.kind, name, 'body checksum', e.bodyChecksum, a.bodyChecksum);
    }
  }
  const grantKey = (g: { object: string; grantee: string; privilege: string }) => `${g.object}\u0000${g.privilege} to ${g.grantee}`;
  const eg = new Set(expected.grants.map(grantKey));
  const ag = new Set(actual.grants.map(grantKey));
  for (const key of union(eg, ag)) {
    const [object = '', what = ''] = key.split('\u0000');
    items.push({
      objectType: 'grant',
      object,
      attribute: what,
      expected: eg.has(key) ? 'granted' : undefined,
      actual: ag.has(key) ? 'granted' : undefined,
    });
  }
  return items;
}

function compareTables(items: DriftItem[], name: string, e: TableSnapshot, a: TableSnapshot): void {
  const ec = new Map(e.columns.map((c) => [c.name, c]));
  const ac = new Map(a.columns.map((c) => [c.name, c]));
  for (const column of union(ec.keys(), ac.keys())) {
    const x = ec.get(column);
    const y = ac.get(column);
    if (!x || !y) {
      items.push({ objectType: 'table', object: name, attribute: `column ${column}`, expected: x?.type, actual: y?.type });
      continue;
    }
    for (const [label, pick] of COLUMN_ATTRIBUTES) attribute(items, 'table', name, `column ${column}: ${label}`, pick(x), pick(y));
    // A column declared without ENCODE gets one Redshift picks (AZ64, LZO, ...: r_PG_TABLE_DEF shows it),
    // so only a declared encoding is something the migrations said.
    if (x.encoding !== 'none') attribute(items, 'table', name, `column ${column}: encoding`, x.encoding, y.encoding);
  }
  attribute(items, 'table', name, 'diststyle', e.diststyle, a.diststyle);
  attribute(items, 'table', name, 'distkey', e.distkey, a.distkey);
  attribute(items, 'table', name, 'sort key', sortKeyText(e), sortKeyText(a));
}

const COLUMN_ATTRIBUTES: Array<[string, (c: ColumnSnapshot) => string | undefined]> = [
  ['type', (c) => c.type],
  ['nullable', (c) => (c.nullable ? 'NULL' : 'NOT NULL')],
  ['default', (c) => c.default],
  ['identity', (c) => c.identity],
];

export function sortKeyText(t: Pick<TableSnapshot, 'sortStyle' | 'sortkeys'>): string {
  return t.sortkeys.length === 0 ? 'none' : `${t.sortStyle} (${t.sortkeys.join(', ')})`;
}

function attribute(
  items: DriftItem[],
  objectType: ObjectType,
  object: string,
  what: string,
  e: string | undefined,
  a: string | undefined,
): void {
  if (e !== a) items.push({ objectType, object, attribute: what, expected: e, actual: a });
}

function existence(objectType: ObjectType, object: string, expected: boolean): DriftItem {
  return { objectType, object, attribute: 'exists', expected: expected ? PRESENT : undefined, actual: expected ? undefined : PRESENT };
}

function presence(items: DriftItem[], objectType: ObjectType, e: Set<string>, a: Set<string>): void {
  for (const name of union(e, a)) if (!e.has(name) || !a.has(name)) items.push(existence(objectType, name, e.has(name)));
}

function union(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])].sort();
}

/** Distinct drifted objects (a table with three changed columns is one object). */
export function driftedObjects(items: readonly DriftItem[]): string[] {
  return [...new Set(items.map((i) => `${i.objectType} ${i.object}`))];
}
