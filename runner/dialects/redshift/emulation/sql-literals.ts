/** String constants in rewritten SQL and values read back from string tokens. */
import type { SqlToken } from '../../sql-tokens';

/** A SQL string literal for `value` (standard_conforming_strings on, as PostgreSQL and Redshift default). */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The value of a '...', E'...' or $tag$...$tag$ constant; undefined for other tokens. */
export function stringValue(token: SqlToken | undefined): string | undefined {
  if (!token || token.kind !== 'string') return undefined;
  const t = token.text;
  if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  if (/^[eE]'/.test(t)) {
    return t
      .slice(2, -1)
      .replace(/''/g, "'")
      .replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
        if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
        if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
        return ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[e] ?? e;
      });
  }
  const dollar = /^(\$[^$]*\$)([\s\S]*)\1$/.exec(t);
  return dollar ? dollar[2] : undefined;
}
