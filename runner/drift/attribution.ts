/**
 * Which migration last defined each object: the last statement, in apply order, that creates,
 * alters, drops, grants on or revokes on it. Read from the statements' text (comments are outside
 * statements already), so it costs nothing; an object no migration names was made by hand.
 */
import type { Migration } from '../migrations/migration';
import type { DriftItem } from './compare';

const NAME = String.raw`("(?:[^"]|"")+"|[A-Za-z_][\w$]*)(?:\s*\.\s*("(?:[^"]|"")+"|[A-Za-z_][\w$]*))?`;

const DDL = new RegExp(
  String.raw`^\s*(?:CREATE|ALTER|DROP)\s+(?:OR\s+REPLACE\s+)?(?:(?:LOCAL\s+)?(?:TEMP|TEMPORARY)\s+)?(?:MATERIALIZED\s+)?(?:TABLE|VIEW|FUNCTION|PROCEDURE|SCHEMA)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?${NAME}`,
  'i',
);
const GRANT = new RegExp(String.raw`^\s*(?:GRANT|REVOKE)\b[\s\S]*?\bON\s+(?:TABLE\s+|FUNCTION\s+|PROCEDURE\s+|SCHEMA\s+)?${NAME}`, 'i');

const RENAME = new RegExp(String.raw`\bRENAME\s+TO\s+${NAME}`, 'i');

function identifier(raw: string): string {
  return raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw.toLowerCase();
}

/** `schema.name` (public when unqualified, as the default search_path resolves it) of a match. */
function qualified(first: string, second: string | undefined, schemaOnly: boolean): string {
  if (schemaOnly) return identifier(first);
  return second === undefined ? `public.${identifier(first)}` : `${identifier(first)}.${identifier(second)}`;
}

/** The objects one statement defines (DDL) or grants on. */
export function definedObjects(sql: string, re: RegExp = DDL): string[] {
  const m = re.exec(sql);
  if (!m?.[1]) return [];
  const schemaOnly = /^\s*(?:CREATE|ALTER|DROP)\s+SCHEMA\b/i.test(sql) || /\bON\s+SCHEMA\b/i.test(m[0]);
  const name = qualified(m[1], m[2], schemaOnly);
  const renamed = re === DDL ? RENAME.exec(sql) : null;
  return renamed?.[1] ? [name, `${name.slice(0, name.lastIndexOf('.'))}.${identifier(renamed[1])}`] : [name];
}

export interface Definitions {
  /** Object (`schema.name`, folded as Redshift folds) → script of the last migration whose DDL names it. */
  ddl: Map<string, string>;
  /** Object → script of the last migration that granted or revoked on it. */
  grants: Map<string, string>;
}

export function lastDefinitions(migrations: readonly Migration[]): Definitions {
  const found: Definitions = { ddl: new Map(), grants: new Map() };
  for (const m of migrations) {
    for (const s of m.statements) {
      for (const name of definedObjects(s.sql)) found.ddl.set(name, m.script);
      for (const name of definedObjects(s.sql, GRANT)) found.grants.set(name, m.script);
    }
  }
  return found;
}

/** Fills in each item's migration: a grant's from the last GRANT/REVOKE on its object, else its DDL. */
export function attribute(items: DriftItem[], found: Definitions): void {
  for (const item of items) {
    const paren = item.object.indexOf('(');
    const key = paren > 0 ? item.object.slice(0, paren) : item.object;
    item.migration = (item.objectType === 'grant' ? found.grants.get(key) : undefined) ?? found.ddl.get(key);
  }
}
