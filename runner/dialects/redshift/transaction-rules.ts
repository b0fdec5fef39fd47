/**
 * Redshift statements that refuse a transaction block, or end the one they run in.
 * Each rule cites the AWS Database Developer Guide page it comes from
 * (https://docs.aws.amazon.com/redshift/latest/dg/<page>.html). The engine, the test runner, the
 * lint and the local emulation all read these lists, so they never disagree.
 */
import type { NonTransactionalMatch } from '../dialect';
import { statementHead } from '../statement-shape';

interface Rule {
  command: string;
  source: string;
  test: RegExp;
  /**
   * The command as Redshift names it in "<name> cannot run inside a transaction block" (SQLSTATE
   * 25001). Seen verbatim in cluster output for VACUUM, CREATE LIBRARY, CREATE EXTERNAL TABLE and
   * ALTER TABLE ALTER COLUMN (flyway#1367, #1184, #1879, #2438); the others follow the same pattern.
   */
  redshiftName?: string;
}

const DG = 'https://docs.aws.amazon.com/redshift/latest/dg/';

export const REDSHIFT_NON_TRANSACTIONAL: readonly Rule[] = [
  // "You can't run VACUUM within a transaction block (BEGIN ... END)."
  { command: 'VACUUM', source: `${DG}r_VACUUM_command.html`, test: /^VACUUM\b/ },
  // "You can't alter columns within a transaction block (BEGIN ... END)."
  {
    command: 'ALTER TABLE ... ALTER COLUMN ... TYPE',
    source: `${DG}r_ALTER_TABLE.html`,
    test: /^ALTER TABLE\b.*\bALTER (COLUMN )?\S+ TYPE\b/,
    redshiftName: 'ALTER TABLE ALTER COLUMN',
  },
  // "You can't run ALTER TABLE APPEND within a transaction block (BEGIN ... END)."
  { command: 'ALTER TABLE APPEND', source: `${DG}r_ALTER_TABLE_APPEND.html`, test: /^ALTER TABLE\b.*\bAPPEND FROM\b/ },
  // "You can't run CREATE EXTERNAL TABLE inside a transaction (BEGIN … END)."
  { command: 'CREATE EXTERNAL TABLE', source: `${DG}r_CREATE_EXTERNAL_TABLE.html`, test: /^CREATE (OR REPLACE )?EXTERNAL TABLE\b/ },
  // ALTER/DROP of external tables are refused in transactions and in multi-statement requests.
  // r_ALTER_TABLE: "You can't run ALTER TABLE on an external table within a transaction block";
  // r_DROP_TABLE: "DROP TABLE with an external table can't be run inside a transaction". External
  // tables are altered and dropped with plain ALTER/DROP TABLE, so those are only caught when the
  // statement says EXTERNAL; the cluster's own error is the backstop.
  { command: 'DROP EXTERNAL TABLE', source: `${DG}r_SVL_MULTI_STATEMENT_VIOLATIONS.html`, test: /^DROP EXTERNAL TABLE\b/ },
  { command: 'ALTER EXTERNAL TABLE', source: `${DG}r_SVL_MULTI_STATEMENT_VIOLATIONS.html`, test: /^ALTER EXTERNAL TABLE\b/ },
  // "You can't run CREATE DATABASE within a transaction block (BEGIN ... END)." / DROP DATABASE likewise.
  { command: 'CREATE DATABASE', source: `${DG}r_CREATE_DATABASE.html`, test: /^CREATE DATABASE\b/ },
  { command: 'DROP DATABASE', source: `${DG}r_DROP_DATABASE.html`, test: /^DROP DATABASE\b/ },
  // r_ALTER_DATABASE, ISOLATION LEVEL: "You can't alter the isolation level within a transaction block."
  {
    command: 'ALTER DATABASE ... ISOLATION LEVEL',
    source: `${DG}r_ALTER_DATABASE.html`,
    test: /^ALTER DATABASE\b.*\bISOLATION LEVEL\b/,
    redshiftName: 'ALTER DATABASE',
  },
  // "CREATE LIBRARY can't be run inside a transaction block (BEGIN … END)."
  { command: 'CREATE LIBRARY', source: `${DG}r_CREATE_LIBRARY.html`, test: /^CREATE (OR REPLACE )?LIBRARY\b/ },
  // "DROP LIBRARY can't be run inside a transaction block (BEGIN … END)."
  { command: 'DROP LIBRARY', source: `${DG}r_DROP_LIBRARY.html`, test: /^DROP LIBRARY\b/ },
  // r_GRANT: "You can't run GRANT (on an external resource) within a transaction block (BEGIN ... END)."
  {
    command: 'GRANT ... ON EXTERNAL',
    source: `${DG}r_GRANT.html`,
    test: /^GRANT\b.*\bON EXTERNAL (SCHEMA|TABLE)\b/,
    redshiftName: 'GRANT',
  },
  // Checked and NOT refused: REFRESH MATERIALIZED VIEW (materialized-view-refresh-sql-command:
  // "The REFRESH MATERIALIZED VIEW command runs as a transaction of its own", no refusal stated);
  // COPY, although r_SVL_MULTI_STATEMENT_VIOLATIONS lists it, runs inside transactions on every
  // page that shows it (performing-a-deep-copy, r_COPY); INSERT into an external table
  // (r_INSERT_external_table) cannot be told from a local INSERT without the catalog.
  // Not verified here (pages not found): ALTER DATABASE other clauses, CREATE/DROP EXTERNAL
  // SCHEMA, CREATE/DROP EXTERNAL FUNCTION, CREATE EXTERNAL VIEW; the cluster's error is the backstop.
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

/**
 * Statements a stored procedure cannot run: "Any SQL command that requires its own transaction
 * context isn't supported inside a stored procedure. Examples include: PREPARE, CREATE/DROP
 * DATABASE, CREATE EXTERNAL TABLE, VACUUM, SET LOCAL, ALTER TABLE APPEND" (stored-procedure-constraints),
 * so every statement that refuses a transaction block, plus PREPARE and SET LOCAL.
 */
export const REDSHIFT_REFUSED_IN_PROCEDURE: readonly Rule[] = [
  ...REDSHIFT_NON_TRANSACTIONAL,
  { command: 'PREPARE', source: `${DG}stored-procedure-constraints.html`, test: /^PREPARE\b/ },
  { command: 'SET LOCAL', source: `${DG}stored-procedure-constraints.html`, test: /^SET LOCAL\b/ },
];

export interface RedshiftRefusal extends NonTransactionalMatch {
  /** Redshift's error text, e.g. "VACUUM cannot run inside a transaction block". */
  message: string;
}

export function matchRule(rules: readonly Rule[], statement: string): NonTransactionalMatch | undefined {
  const rule = findRule(rules, statement);
  return rule ? { command: rule.command, source: rule.source } : undefined;
}

/** The rule a statement falls under, with Redshift's own error message for it. */
export function refusalOf(rules: readonly Rule[], statement: string): RedshiftRefusal | undefined {
  const rule = findRule(rules, statement);
  if (!rule) return undefined;
  return {
    command: rule.command,
    source: rule.source,
    message: `${rule.redshiftName ?? rule.command} cannot run inside a transaction block`,
  };
}

function findRule(rules: readonly Rule[], statement: string): Rule | undefined {
  const head = statementHead(statement);
  return rules.find((r) => r.test.test(head));
}
