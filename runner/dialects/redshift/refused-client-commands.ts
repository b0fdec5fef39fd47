/**
 * RS027: commands of a SQL client in a SQL file. `\set`, `\i`, `\echo`, `\if` and `:VAR`
 * substitutions are psql's and Amazon Redshift RSQL's own commands and variables
 * (https://docs.aws.amazon.com/redshift/latest/mgmt/rsql-query-tool-variables.html: "Some keywords
 * act as variables in RSQL ... Most are set with \rset"): the client handles them before anything
 * reaches the server, and the server rejects them as syntax errors. rsrun sends migrations and SQL
 * tests to the warehouse as they are, so such a file fails on the cluster as it would locally; the
 * rule says so by name instead of the server's "syntax error at or near \".
 */
import { isSymbol, type SqlToken } from '../sql-tokens';
import type { RefusalReport } from './refused-sql';

const HINT =
  'migrations and SQL tests are plain SQL: write the value into the SQL, and make each file \\i would read a migration of its own';

/** Reports the first client command or variable of the statement (its code tokens). */
export function findClientCommands(ts: readonly SqlToken[], report: RefusalReport): void {
  let brackets = 0;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i] as SqlToken;
    if (isSymbol(t, '[')) brackets++;
    else if (isSymbol(t, ']')) brackets--;
    else if (t.kind === 'operator' && t.text === '\\' && isAdjacentWord(ts[i + 1], t)) {
      // A backslash alone (a shell-style line continuation) is not a client command; the server
      // rejects it with a syntax error of its own.
      report('RS027', t, `\\${(ts[i + 1] as SqlToken).text} is a psql/RSQL client command, not SQL: ${HINT}`);
      return;
    } else if (isSymbol(t, ':') && brackets === 0 && isVariable(ts[i + 1], t)) {
      report('RS027', t, `:${(ts[i + 1] as SqlToken).text} is a psql/RSQL variable, not SQL: ${HINT}`);
      return;
    }
  }
}

function isAdjacentWord(next: SqlToken | undefined, backslash: SqlToken): boolean {
  return next !== undefined && next.start === backslash.end && next.kind === 'word';
}

/** `:name`, `:'name'` or `:"name"` written without a space. */
function isVariable(next: SqlToken | undefined, colon: SqlToken): boolean {
  return next !== undefined && next.start === colon.end && (next.kind === 'word' || next.kind === 'string' || next.kind === 'quoted-ident');
}
