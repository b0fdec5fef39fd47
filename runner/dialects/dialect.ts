/**
 * Everything that differs between Redshift and PostgreSQL lives behind this adapter, so the
 * engine has no `if (redshift)` of its own. `DialectAdapterBase` holds the shared defaults.
 */

export interface NonTransactionalMatch {
  /** The command as the documentation names it, e.g. `VACUUM`. */
  command: string;
  /** Where that rule comes from (AWS documentation page). */
  source: string;
}

export interface DialectAdapter {
  readonly name: 'postgres' | 'redshift';
  /** Expression for "now" usable in INSERT ... VALUES/SELECT. */
  readonly nowSql: string;
  /** Expression for milliseconds elapsed since the current transaction began (an integer). */
  readonly elapsedMsInTransactionSql: string;
  /** Expression adding `$n` seconds to now: `addSecondsSql('$2')`. */
  addSecondsSql(param: string): string;
  /** Query with $1 = backend pid returning a row when that session is alive; undefined when not checkable. */
  readonly sessionAliveSql: string | undefined;
  /** Can the runner see other users' sessions with `sessionAliveSql`? */
  readonly sessionCheckSeesOtherUsers: boolean;
  /** Statements that refuse to run inside a transaction block on this engine. */
  nonTransactional(statement: string): NonTransactionalMatch | undefined;
  /** Statements that commit the transaction they run in (e.g. TRUNCATE on Redshift). */
  commitsImplicitly(statement: string): NonTransactionalMatch | undefined;
  quoteIdent(name: string): string;
  /** Qualified, quoted `schema.name`. */
  qualify(schema: string, name: string): string;
}

export abstract class DialectAdapterBase implements DialectAdapter {
  abstract readonly name: 'postgres' | 'redshift';
  abstract readonly nowSql: string;
  abstract readonly elapsedMsInTransactionSql: string;
  abstract addSecondsSql(param: string): string;
  abstract readonly sessionAliveSql: string | undefined;
  readonly sessionCheckSeesOtherUsers: boolean = true;

  abstract nonTransactional(statement: string): NonTransactionalMatch | undefined;

  commitsImplicitly(_statement: string): NonTransactionalMatch | undefined {
    return undefined;
  }

  quoteIdent(name: string): string {
    return quoteIdent(name);
  }

  qualify(schema: string, name: string): string {
    return `${quoteIdent(schema)}.${quoteIdent(name)}`;
  }
}

/**
 * The one identifier-quoting helper. Identifiers come from configuration (schema and table names),
 * never from data; values always travel as bind parameters.
 */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new Error('empty SQL identifier');
  if (name.includes('\u0000')) throw new Error('SQL identifier contains NUL');
  return `"${name.replace(/"/g, '""')}"`;
}
