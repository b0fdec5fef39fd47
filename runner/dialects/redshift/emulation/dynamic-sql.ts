/**
 * Dynamic SQL in a stored procedure (`EXECUTE sql`, `OPEN cursor FOR EXECUTE sql`, `FOR row IN
 * EXECUTE sql LOOP`, c_PLpgSQL-statements) is parsed by the cluster when it runs, so Redshift's
 * parsing rules apply to the string too: while enable_case_sensitive_identifier is off, "Quoted"
 * identifiers fold to lower case (r_enable_case_sensitive_identifier). That matters most for
 * QUOTE_IDENT, which "adds double quotation marks ... when the string ... would otherwise be
 * folded to lowercase" (r_QUOTE_IDENT): `quote_ident('AK')` is `"AK"`, and a pivot built with it
 * names its column `ak` on the cluster. PostgreSQL's EXECUTE keeps the case, so the command string
 * goes through `rsrun_compat.redshift_dynamic_sql` first, which folds the quoted identifiers
 * unless the session's setting (session-settings.ts keeps it as `rsrun_redshift.<name>`) is on.
 *
 * Only the folding is done there: the string is not otherwise rewritten (a Redshift function in
 * dynamic SQL is still PostgreSQL's, or missing, locally).
 */
import type { SqlToken } from '../../sql-tokens';
import { COMPAT_SCHEMA } from './compat-schema-name';
import type { RewriteContext } from './rewrite-context';

const S = COMPAT_SCHEMA;

/**
 * The folding, in PL/pgSQL: string literals (with '' and Redshift's backslash escapes), dollar
 * quotes and comments are copied as they are; "quoted identifiers" are lower-cased whole.
 */
export const DYNAMIC_SQL_SQL = `
CREATE OR REPLACE FUNCTION ${S}.redshift_dynamic_sql(q text) RETURNS text LANGUAGE plpgsql STABLE AS $f$
DECLARE
  n int := length(q);
  i int := 1;
  j int;
  k int;
  c text;
  tag text;
  out text := '';
BEGIN
  IF q IS NULL OR strpos(q, '"') = 0
     OR lower(coalesce(current_setting('rsrun_redshift.enable_case_sensitive_identifier', true), 'false')) IN ('true', 'on', '1', 'yes')
  THEN
    RETURN q;
  END IF;
  WHILE i <= n LOOP
    c := substr(q, i, 1);
    j := i + 1;
    IF c = '"' THEN
      LOOP
        k := strpos(substr(q, j), '"');
        IF k = 0 THEN j := n + 1; EXIT; END IF;
        j := j + k;
        EXIT WHEN substr(q, j, 1) <> '"';
        j := j + 1;
      END LOOP;
      out := out || lower(substr(q, i, j - i));
      i := j;
      CONTINUE;
    ELSIF c = '''' THEN
      LOOP
        EXIT WHEN j > n;
        IF substr(q, j, 1) = E'\\\\' THEN j := j + 2;
        ELSIF substr(q, j, 2) = '''''' THEN j := j + 2;
        ELSIF substr(q, j, 1) = '''' THEN j := j + 1; EXIT;
        ELSE j := j + 1;
        END IF;
      END LOOP;
    ELSIF substr(q, i, 2) = '--' THEN
      k := strpos(substr(q, i), E'\\n');
      j := CASE WHEN k = 0 THEN n + 1 ELSE i + k END;
    ELSIF substr(q, i, 2) = '/*' THEN
      k := strpos(substr(q, i + 2), '*/');
      j := CASE WHEN k = 0 THEN n + 1 ELSE i + 2 + k + 1 END;
    ELSIF c = '$' AND (i = 1 OR substr(q, i - 1, 1) !~ '[[:alnum:]_$]') THEN
      tag := substring(substr(q, i) FROM '^[$]([[:alpha:]_][[:alnum:]_]*)?[$]');
      IF tag IS NOT NULL OR substr(q, i, 2) = '$$' THEN
        tag := '$' || coalesce(tag, '') || '$';
        k := strpos(substr(q, i + length(tag)), tag);
        j := CASE WHEN k = 0 THEN n + 1 ELSE i + length(tag) + k - 1 + length(tag) END;
      END IF;
    END IF;
    out := out || substr(q, i, j - i);
    i := j;
  END LOOP;
  RETURN out;
END $f$;
`;

/** PL/pgSQL words after which EXECUTE starts dynamic SQL. */
const EXECUTE_AFTER = new Set(['BEGIN', 'THEN', 'ELSE', 'LOOP', 'FOR', 'IN']);
/** Words that end the command string of an EXECUTE. */
const COMMAND_END = new Set(['INTO', 'USING', 'LOOP']);

/** Wraps the command string of each dynamic SQL statement of a procedure body in the folding. */
export function foldDynamicSql(body: RewriteContext): void {
  const tokens = body.tokens;
  tokens.forEach((t, i) => {
    if (!body.isWord(i, 'EXECUTE')) return;
    const prev = tokens[i - 1];
    const starts = !prev || (prev.kind === 'punct' && prev.text === ';') || (prev.kind === 'word' && EXECUTE_AFTER.has(prev.upper));
    if (!starts) return;
    const last = commandEnd(tokens, i + 1);
    if (last <= i) return;
    body.insertAfter(i, ` ${S}.redshift_dynamic_sql(`);
    body.insertAfter(last, ')');
  });
}

/** Index of the last token of the expression starting at `from` (top level, up to `;`, INTO, USING or LOOP). */
function commandEnd(tokens: readonly SqlToken[], from: number): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i] as SqlToken;
    if (t.kind === 'punct' && (t.text === '(' || t.text === '[')) depth++;
    else if (t.kind === 'punct' && (t.text === ')' || t.text === ']')) depth--;
    else if (depth === 0 && ((t.kind === 'punct' && t.text === ';') || (t.kind === 'word' && COMMAND_END.has(t.upper)))) return i - 1;
  }
  return tokens.length - 1;
}
