/**
 * A schema snapshot: what a warehouse holds in the project's schemas, in one shape whatever engine
 * it was read from (local-catalog.ts for PostgreSQL and the embedded engine, redshift-catalog.ts
 * for a cluster). The comparer (compare.ts) works on two of these, never on catalog rows.
 */

export interface ColumnSnapshot {
  name: string;
  /** `character varying(20)`, `integer`, ... as the catalog formats it (normalise.ts). */
  type: string;
  nullable: boolean;
  /** The default expression, normalised; undefined when none. */
  default: string | undefined;
  /** `identity(seed, step)` for an IDENTITY column, else undefined. */
  identity: string | undefined;
  /** The ENCODE codec (`none` when none was declared). */
  encoding: string;
}

export interface TableSnapshot {
  columns: ColumnSnapshot[];
  /** EVEN, ALL, KEY or AUTO (PG_CLASS_INFO's reldiststyle; AUTO(x) counts as AUTO). */
  diststyle: string;
  distkey: string | undefined;
  /** COMPOUND, INTERLEAVED or NONE (no sort key, or SORTKEY AUTO). */
  sortStyle: string;
  sortkeys: string[];
}

export type ViewKind = 'view' | 'materialized view';

export interface ViewSnapshot {
  kind: ViewKind;
  /** The definition with whitespace and letter case of keywords normalised (normalise.ts). */
  definition: string;
}

export interface RoutineSnapshot {
  kind: 'function' | 'procedure';
  /** The argument list with names (`p_id integer`), for `--accept`; types only where the catalog has no names. */
  signature: string;
  /** Functions: VOLATILE, STABLE or IMMUTABLE. */
  volatility: string;
  returns: string;
  language: string;
  /** SHA-256 of the normalised body: bodies can be long, the report shows that they differ. */
  bodyChecksum: string;
  /** The body as read, for `--accept` (never compared directly). */
  body: string;
}

export interface GrantSnapshot {
  /** `schema.table` or `schema.name(args)`. */
  object: string;
  grantee: string;
  privilege: string;
}

export interface Snapshot {
  schemas: string[];
  /** By `schema.table`. */
  tables: Map<string, TableSnapshot>;
  /** By `schema.view`. */
  views: Map<string, ViewSnapshot>;
  /** By `schema.name(identity arguments)`. */
  routines: Map<string, RoutineSnapshot>;
  grants: GrantSnapshot[];
}

/** Which schemas a snapshot covers: include (all user schemas when empty) minus exclude. */
export interface SchemaScope {
  include: readonly string[];
  exclude: readonly string[];
}

export function emptySnapshot(): Snapshot {
  return { schemas: [], tables: new Map(), views: new Map(), routines: new Map(), grants: [] };
}

/** Whether a schema belongs to the comparison. */
export function inScope(schema: string, scope: SchemaScope): boolean {
  if (scope.exclude.includes(schema)) return false;
  return scope.include.length === 0 || scope.include.includes(schema);
}
