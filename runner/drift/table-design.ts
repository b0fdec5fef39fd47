/**
 * Distribution, sort keys and encodings, read the same way from a cluster and from the local
 * emulation: PG_TABLE_DEF (docs.aws.amazon.com/redshift/latest/dg/r_PG_TABLE_DEF.html) gives each
 * column's encoding, whether it is the distribution key, and its sort key position ("alternately
 * positive or negative" for an interleaved key, 0 outside the key). PG_TABLE_DEF lists only tables
 * in schemas on the search_path, so the reader sets it to the compared schemas first. The
 * emulation keeps the same view in its compat schema (emulation/system-views.ts).
 *
 * The table's distribution style (EVEN, ALL, KEY, AUTO) is not in PG_TABLE_DEF: on a cluster it
 * comes from PG_CLASS_INFO (r_PG_CLASS_INFO), locally from the design the emulation recorded.
 */
import type { Session } from '../warehouse/warehouse';
import type { TableSnapshot } from './snapshot';

export interface TableDefRow {
  schemaname: string;
  tablename: string;
  column: string;
  encoding: string;
  /** Booleans and integers arrive as text through the Data API. */
  distkey: boolean | string;
  sortkey: number | string;
}

export const TABLE_DEF_COLUMNS = `schemaname::text AS schemaname, tablename::text AS tablename, "column"::text AS "column",
  trim(encoding) AS encoding, distkey, sortkey`;

/** PG_TABLE_DEF's rows for the schemas (`relation`: `pg_table_def`, or the emulation's copy). */
export async function readTableDef(session: Session, relation: string, searchPath: string[]): Promise<TableDefRow[]> {
  if (searchPath.length === 0) return [];
  await session.query(`SET search_path TO ${searchPath.join(', ')}`);
  try {
    const res = await session.query<TableDefRow>(`SELECT ${TABLE_DEF_COLUMNS} FROM ${relation}`);
    return res.rows;
  } finally {
    await session.query('RESET search_path');
  }
}

/** Applies PG_TABLE_DEF rows to the tables they describe (tables keyed `schema.table`). */
export function applyTableDef(tables: Map<string, TableSnapshot>, rows: readonly TableDefRow[]): void {
  const sortPositions = new Map<string, Array<{ column: string; position: number; interleaved: boolean }>>();
  for (const r of rows) {
    const key = `${r.schemaname}.${r.tablename}`;
    const table = tables.get(key);
    if (!table) continue;
    const column = table.columns.find((c) => c.name === r.column);
    if (column) column.encoding = r.encoding.trim().toLowerCase() || 'none';
    if (r.distkey === true || r.distkey === 't' || r.distkey === 'true') table.distkey = r.column;
    const position = Number(r.sortkey);
    if (position !== 0) {
      const list = sortPositions.get(key) ?? [];
      list.push({ column: r.column, position: Math.abs(position), interleaved: position < 0 });
      sortPositions.set(key, list);
    }
  }
  for (const [key, list] of sortPositions) {
    const table = tables.get(key);
    if (!table) continue;
    list.sort((a, b) => a.position - b.position);
    table.sortkeys = list.map((p) => p.column);
    table.sortStyle = list.some((p) => p.interleaved) ? 'INTERLEAVED' : 'COMPOUND';
  }
}

/** `AUTO(ALL)`, `KEY(col)`, `ALL` ... as the style alone: AUTO's current choice is Redshift's, not drift. */
export function diststyleOf(text: string | null | undefined): string {
  const upper = (text ?? 'AUTO').trim().toUpperCase();
  const paren = upper.indexOf('(');
  return paren > 0 ? upper.slice(0, paren) : upper;
}
