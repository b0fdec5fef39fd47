/** String constants in rewritten SQL and values read back from string tokens. */
import type { SqlToken } from '../../sql-tokens';

/** A SQL string literal for `value` (standard_conforming_strings on, as PostgreSQL defaults). */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The value of a '...', E'...' or $tag$...$tag$ constant as written (backslashes of '...' kept);
 * undefined for other tokens. COPY/UNLOAD parameters read their strings this way: their own
 * escape rules (r_COPY: DELIMITER '\t', NULL AS '\N') apply on top.
 */
export function stringValue(token: SqlToken | undefined): string | undefined {
  if (!token || token.kind !== 'string') return undefined;
  const t = token.text;
  if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  if (/^[eE]'/.test(t)) return decodeEscapes(t.slice(2, -1));
  const dollar = /^(\$[^$]*\$)([\s\S]*)\1$/.exec(t);
  return dollar ? dollar[2] : undefined;
}

/** Does Redshift read this token with backslash escapes that PostgreSQL (standard strings) would not? */
export function hasRedshiftEscapes(token: SqlToken): boolean {
  return token.kind === 'string' && /^[nN]?'/.test(token.text) && token.text.includes('\\');
}

/**
 * The value Redshift gives an ordinary '...' (or N'...') literal: backslash escapes processed as
 * in PostgreSQL 8.0, from which Redshift's lexer comes (\b \f \n \r \t, octal \ooo, hex \xhh,
 * any other character stands for itself; see dialects/sql-lexer.ts for the AWS pages). Redshift
 * strings are NUL-terminated: a \0 ends the value, which is why r_STRTOL documents
 * STRTOL('\0', 2) = 0 like STRTOL('', 2). Returns undefined when the bytes are not UTF-8
 * (Redshift rejects such a literal too).
 */
export function redshiftLiteralValue(text: string): string | undefined {
  const body = text.slice(text.indexOf("'") + 1, -1).replace(/''/g, "'");
  const value = decodeEscapes(body);
  if (value === undefined) return undefined;
  const nul = value.indexOf('\0');
  return nul < 0 ? value : value.slice(0, nul);
}

/** The value of any string constant as Redshift reads it in an expression (UNLOAD's query, for one). */
export function expressionStringValue(token: SqlToken | undefined): string | undefined {
  if (token && token.kind === 'string' && /^[nN]?'/.test(token.text)) return redshiftLiteralValue(token.text);
  return stringValue(token);
}

const SIMPLE: Record<string, number> = { b: 8, f: 12, n: 10, r: 13, t: 9 };

/** Backslash escapes to bytes, then UTF-8; undefined when the bytes are not valid UTF-8. */
function decodeEscapes(body: string): string | undefined {
  if (!body.includes('\\')) return body;
  const bytes: number[] = [];
  const re = /\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|[\s\S])|[^\\]+/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const esc = m[1];
    if (esc === undefined) bytes.push(...Buffer.from(m[0], 'utf8'));
    else if (esc[0] === 'x' && esc.length > 1) bytes.push(parseInt(esc.slice(1), 16));
    else if (/^[0-7]/.test(esc)) bytes.push(parseInt(esc, 8) & 0xff);
    else if (SIMPLE[esc] !== undefined) bytes.push(SIMPLE[esc]);
    else bytes.push(...Buffer.from(esc, 'utf8'));
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
  } catch {
    return undefined;
  }
}
