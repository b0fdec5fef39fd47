/**
 * Redshift statements that refuse a transaction block, or end the one they run in.
 * Each rule cites the AWS Database Developer Guide page it comes from
 * (https://docs.aws.amazon.com/redshift/latest/dg/<page>.html).
 */
import type { NonTransactionalMatch } from '../dialect';
import { statementHead } from '../statement-shape';

interface Rule {
  command: string;
  source: string;
  test: RegExp;
}

const DG = 'https://docs.aws.amazon.com/redshift/latest/dg/';

export const REDSHIFT_NON_TRANSACTIONAL: readonly Rule[] = [
  // "You can't run VACUUM within a transaction block (BEGIN ... END)."
  { command: 'VACUUM', source: `${DG}r_VACUUM_command.html`, test: /^VACUUM\b/ },
  // "You can't run ALTER TABLE ... ALTER COLUMN ... TYPE within a transaction block" (alter column type).
  {
    command: 'ALTER TABLE ... ALTER COLUMN ... TYPE',
    source: `${DG}r_ALTER_TABLE.html`,
    test: /^ALTER TABLE\b.*\bALTER (COLUMN )?\S+ TYPE\b/,
  },
  // "ALTER TABLE APPEND ... can't be run within a transaction block".
  { command: 'ALTER TABLE APPEND', source: `${DG}r_ALTER_TABLE_APPEND.html`, test: /^ALTER TABLE\b.*\bAPPEND FROM\b/ },
  // "CREATE EXTERNAL TABLE can't run within a transaction block (BEGIN … END)".
  { command: 'CREATE EXTERNAL TABLE', source: `${DG}r_CREATE_EXTERNAL_TABLE.html`, test: /^CREATE (OR REPLACE )?EXTERNAL TABLE\b/ },
  // ALTER/DROP of external tables are refused in transactions and in multi-statement requests.
  // r_ALTER_TABLE (checked): "You can't run ALTER TABLE on an external table within a transaction
  // block (BEGIN ... END)." External tables are altered with plain ALTER TABLE, so that case is only
  // caught when the statement says EXTERNAL; the engine's server error is the backstop.
  { command: 'DROP EXTERNAL TABLE', source: `${DG}r_SVL_MULTI_STATEMENT_VIOLATIONS.html`, test: /^DROP EXTERNAL TABLE\b/ },
  { command: 'ALTER EXTERNAL TABLE', source: `${DG}r_SVL_MULTI_STATEMENT_VIOLATIONS.html`, test: /^ALTER EXTERNAL TABLE\b/ },
  // "You can't run CREATE DATABASE within a transaction block" / DROP DATABASE likewise.
  { command: 'CREATE DATABASE', source: `${DG}r_CREATE_DATABASE.html`, test: /^CREATE DATABASE\b/ },
  { command: 'DROP DATABASE', source: `${DG}r_DROP_DATABASE.html`, test: /^DROP DATABASE\b/ },
  // "CREATE LIBRARY can't be run inside a transaction block (BEGIN … END)".
  { command: 'CREATE LIBRARY', source: `${DG}r_CREATE_LIBRARY.html`, test: /^CREATE (OR REPLACE )?LIBRARY\b/ },
  // r_DROP_LIBRARY (checked): "DROP LIBRARY can't be run inside a transaction block (BEGIN … END)."
  { command: 'DROP LIBRARY', source: `${DG}r_DROP_LIBRARY.html`, test: /^DROP LIBRARY\b/ },
  // Checked and NOT refused: REFRESH MATERIALIZED VIEW (materialized-view-refresh-sql-command:
  // "The REFRESH MATERIALIZED VIEW command runs as a transaction of its own", no refusal stated).
  // Not verified here (pages not found with the search tool): ALTER DATABASE, CREATE/DROP EXTERNAL
  // SCHEMA, CREATE/DROP EXTERNAL FUNCTION, CREATE EXTERNAL VIEW; the engine falls back on the
  // server's "cannot run inside a transaction block" error for those.
  // Commands SVL_MULTI_STATEMENT_VIOLATIONS records as refused in transaction/multi-statement requests.
  { command: 'CREATE TABLESPACE', source: `${DG}r_SVL_MULTI_STATEMENT_VIOLATIONS.html`, test: /^CREATE TABLESPACE\b/ },
  { command: 'DROP TABLESPACE', source: `${DG}r_SVL_MULTI_STATEMENT_VIOLATIONS.html`, test: /^DROP TABLESPACE\b/ },
  { command: 'REBUILDCAT', source: `${DG}r_SVL_MULTI_STATEMENT_VIOLATIONS.html`, test: /^REBUILDCAT\b/ },
  { command: 'INDEXCAT', source: `${DG}r_SVL_MULTI_STATEMENT_VIOLATIONS.html`, test: /^INDEXCAT\b/ },
  { command: 'REINDEX DATABASE', source: `${DG}r_SVL_MULTI_STATEMENT_VIOLATIONS.html`, test: /^REINDEX DATABASE\b/ },
];

export const REDSHIFT_IMPLICIT_COMMIT: readonly Rule[] = [
  // "The TRUNCATE command commits the transaction in which it is run."
  { command: 'TRUNCATE', source: `${DG}r_TRUNCATE.html`, test: /^TRUNCATE\b/ },
];

export function matchRule(rules: readonly Rule[], statement: string): NonTransactionalMatch | undefined {
  const head = statementHead(statement);
  const rule = rules.find((r) => r.test.test(head));
  return rule ? { command: rule.command, source: rule.source } : undefined;
}
