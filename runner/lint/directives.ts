/**
 * `-- rsrun:` directives that steer the lint, read from a file's comments:
 *
 *   -- rsrun:lint-disable RS009, RS016          every statement of this file
 *   -- rsrun:lint-disable-next-statement RS201  the first statement starting on a later line
 *   -- rsrun:allow-drop                         this migration drops tables/columns on purpose (RS201)
 *   -- rsrun:no-transaction                     the migration runs outside a transaction (the engine's directive)
 */
import { readDirective } from '../migrations/directives';
import { statementAfterLine, type SqlComment, type StatementList } from '../migrations/split-sql';
import { RULE_BY_ID } from './rules';

export interface FileDirectives {
  /** Rules disabled for the whole file. */
  disabled: Set<string>;
  /** Statement index → rules disabled for it. */
  disabledFor: Map<number, Set<string>>;
  names: Set<string>;
  /** `lint-disable*` ids that are not rules: reported as RS900. */
  unknown: { id: string; line: number }[];
}

export function readDirectives(
  comments: readonly SqlComment[],
  statements: StatementList,
  known: ReadonlySet<string> = new Set(),
): FileDirectives {
  const out: FileDirectives = { disabled: new Set(), disabledFor: new Map(), names: new Set(known), unknown: [] };
  for (const c of comments) {
    const directive = readDirective(c);
    if (!directive?.name) continue;
    const { name, args: rest } = directive;
    out.names.add(name);
    if (name !== 'lint-disable' && name !== 'lint-disable-next-statement') continue;
    const ids = rest
      .split(/[\s,]+/)
      .filter(Boolean)
      .map((s) => s.toUpperCase());
    for (const id of ids) if (!RULE_BY_ID.has(id)) out.unknown.push({ id, line: c.line });
    const valid = ids.filter((id) => RULE_BY_ID.has(id));
    if (name === 'lint-disable') {
      for (const id of valid) out.disabled.add(id);
      continue;
    }
    const next = statementAfterLine(statements, c.line);
    if (!next) continue;
    const set = out.disabledFor.get(next.index) ?? new Set<string>();
    for (const id of valid) set.add(id);
    out.disabledFor.set(next.index, set);
  }
  return out;
}
