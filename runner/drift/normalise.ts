/**
 * What makes two catalog texts equal when they mean the same: whitespace and a trailing semicolon
 * in view definitions, the cast PostgreSQL adds to a literal default, the layout of a routine body.
 * Anything else that differs is drift.
 */
import { createHash } from 'node:crypto';
import type { RoutineSnapshot } from './snapshot';

/** Collapses whitespace outside quotes and drops a trailing `;`. */
export function normaliseDefinition(sql: string): string {
  let out = '';
  let quote: string | undefined;
  let space = false;
  for (const ch of sql.trim()) {
    if (quote !== undefined) {
      out += ch;
      if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    if (/\s/.test(ch)) {
      space = true;
      continue;
    }
    if (space && out !== '') out += ' ';
    space = false;
    out += ch;
  }
  return out.replace(/\s*;$/, '').replace(/\( /g, '(').replace(/ \)/g, ')');
}

const QUALIFIER = /(^|[^\w$."])([A-Za-z_][\w$]*)\.(?=[A-Za-z_"])/g;

/**
 * A view definition as the comparison sees it. Engines deparse a view's query differently:
 * PostgreSQL 15 qualifies every column with its table (`orders.id`), 16 and later do not, and a
 * cluster keeps its own spelling; so column qualifiers go, lower case outside quotes, and
 * Redshift's `WITH NO SCHEMA BINDING` tail (r_CREATE_VIEW), which local engines cannot keep. A
 * schema that qualifies a table after FROM or JOIN stays: reading another table is drift.
 */
export function canonicalView(definition: string): string {
  const text = normaliseDefinition(definition)
    .replace(/\s+with no schema binding$/i, '')
    .replace(/"([a-z_][a-z0-9_$]*)"/g, '$1');
  return text
    .replace(QUALIFIER, (match, before: string, name: string, offset: number) =>
      /\b(?:from|join)\s*$/i.test(text.slice(0, offset + before.length)) ? match : before,
    )
    .split(/('(?:[^']|'')*')/)
    .map((part, i) => (i % 2 === 1 ? part : part.toLowerCase()))
    .join('');
}

/** A default as written in a migration or read back: `'x'::character varying` and `'x'` are the same default. */
export function normaliseDefault(expr: string): string {
  return normaliseDefinition(expr).replace(/^('(?:[^']|'')*')::[a-z ]+(\([0-9, ]+\))?$/i, '$1');
}

export function routineKey(schema: string, name: string, args: string): string {
  return `${schema}.${name}(${args})`;
}

const VOLATILITY: Record<string, string> = { v: 'VOLATILE', s: 'STABLE', i: 'IMMUTABLE' };

export interface RoutineRow {
  kind: string;
  args: string;
  signature?: unknown;
  volatility?: unknown;
  returns: string;
  language: string;
  body: string;
}

/** A routine as both readers see it: `kind` is PG_PROC_INFO's prokind ('p' procedure, 'f' function). */
export function routineSnapshot(r: RoutineRow): RoutineSnapshot {
  const checksum = createHash('sha256').update(normaliseDefinition(r.body)).digest('hex').slice(0, 16);
  return {
    kind: r.kind === 'p' ? 'procedure' : 'function',
    signature: typeof r.signature === 'string' ? r.signature : r.args,
    volatility: VOLATILITY[String(r.volatility)] ?? 'VOLATILE',
    returns: r.returns.toLowerCase(),
    language: r.language.toLowerCase(),
    bodyChecksum: checksum,
    body: r.body,
  };
}
