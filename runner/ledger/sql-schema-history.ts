/**
 * The schema history as tables in the warehouse. Every statement here is valid on Redshift and
 * PostgreSQL alike: no SERIAL or sequences (the runner assigns installed_rank while it holds the
 * deployment lock), no ON CONFLICT, no RETURNING, no CREATE INDEX, no arrays. Values are bind
 * parameters; identifiers come from configuration through the dialect's quoting.
 */
import type { DialectAdapter } from '../dialects/dialect';
import type { MigrationKind } from '../events';
import { createIfMissing } from '../warehouse/retry';
import { insertBatches } from '../warehouse/statement-batches';
import { REDSHIFT_MAX_STATEMENT_BYTES, type Session } from '../warehouse/warehouse';
import type { HistoryRow, InTransactionSql, SchemaHistory, StagedRow } from './schema-history';
import { SqlLease } from './sql-lease';

/** The history table's columns; `staged` ones are known before a migration runs. */
const HISTORY_COLUMNS: readonly [name: string, type: string, staged: boolean][] = [
  ['installed_rank', 'INTEGER NOT NULL', true],
  ['version', 'VARCHAR(200)', true],
  ['description', 'VARCHAR(400) NOT NULL', true],
  ['"type"', 'VARCHAR(20) NOT NULL', true],
  ['script', 'VARCHAR(1000) NOT NULL', true],
  ['checksum', 'VARCHAR(64)', true],
  ['installed_by', 'VARCHAR(128) NOT NULL', true],
  ['installed_on', 'TIMESTAMP NOT NULL', false],
  ['execution_ms', 'INTEGER NOT NULL', false],
  ['success', 'BOOLEAN NOT NULL', false],
  ['statements_done', 'INTEGER', true],
  ['run_id', 'VARCHAR(64)', true],
];
const COLUMNS = HISTORY_COLUMNS.map(([n]) => n).join(', ');
const STAGED = HISTORY_COLUMNS.filter(([, , staged]) => staged);
const STAGE_COLUMNS = STAGED.map(([n]) => n).join(', ');
/** `execution_ms` of a row whose migration's clock is still running (closed by the next transaction). */
const OPEN_CLOCK = -1;

export interface SqlSchemaHistoryOptions {
  schema: string;
  historyTable: string;
  lockTable: string;
  /** Makes the session's temporary staging table's name unique to the run. */
  stageSuffix: string;
}

export class SqlSchemaHistory implements SchemaHistory {
  readonly name: string;
  readonly lease: SqlLease;
  readonly inTransaction: InTransactionSql;
  private readonly schema: string;
  /** A session-private temporary table; unqualified so it resolves to the session's temp schema. */
  private readonly stageTable: string;

  constructor(
    private readonly dialect: DialectAdapter,
    options: SqlSchemaHistoryOptions,
  ) {
    this.schema = options.schema;
    this.name = dialect.qualify(options.schema, options.historyTable);
    this.stageTable = dialect.quoteIdent(`rsrun_stage_${options.stageSuffix}`);
    this.lease = new SqlLease(dialect, dialect.qualify(options.schema, options.lockTable));
    this.inTransaction = this.inTransactionSql();
  }

  async ensure(session: Session): Promise<void> {
    const ddl = [`CREATE SCHEMA IF NOT EXISTS ${this.dialect.quoteIdent(this.schema)}`, this.historyDdl(), this.lease.ddl()].join(';\n');
    await createIfMissing(session, ddl);
  }

  async exists(session: Session): Promise<boolean> {
    const table = this.name.slice(this.name.lastIndexOf('.') + 2, -1).replace(/""/g, '"');
    const r = await session.query<{ n: string | number }>(
      'SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2',
      [this.schema, table],
    );
    return Number(r.rows[0]?.n ?? 0) > 0;
  }

  async list(session: Session): Promise<HistoryRow[]> {
    const r = await session.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM ${this.name} ORDER BY installed_rank`);
    return r.rows.map(toHistoryRow);
  }

  async insert(session: Session, row: StagedRow, outcome: { success: boolean; executionMs: number }): Promise<void> {
    await session.query(
      `INSERT INTO ${this.name} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, ${this.dialect.nowSql}, $8, $9, $10, $11)`,
      [
        row.installedRank,
        row.version,
        row.description,
        row.type,
        row.script,
        row.checksum,
        row.installedBy,
        outcome.executionMs,
        outcome.success,
        row.statementsDone,
        row.runId,
      ],
    );
  }

  async updateProgress(session: Session, installedRank: number, statementsDone: number): Promise<void> {
    await session.query(`UPDATE ${this.name} SET statements_done = $1 WHERE installed_rank = $2`, [statementsDone, installedRank]);
  }

  async markSucceeded(
    session: Session,
    installedRank: number,
    done: { statementsDone: number; executionMs: number; checksum: string | null },
  ): Promise<void> {
    await session.query(
      `UPDATE ${this.name} SET success = TRUE, statements_done = $1, execution_ms = $2, checksum = $3, installed_on = ${this.dialect.nowSql} WHERE installed_rank = $4`,
      [done.statementsDone, done.executionMs, done.checksum, installedRank],
    );
  }

  async deleteFailed(session: Session): Promise<number> {
    return (await session.query(`DELETE FROM ${this.name} WHERE success = FALSE`)).rowCount;
  }

  async setChecksum(session: Session, installedRank: number, checksum: string): Promise<void> {
    await session.query(`UPDATE ${this.name} SET checksum = $1 WHERE installed_rank = $2`, [checksum, installedRank]);
  }

  // --- staging: lets a migration's history row travel inside its one-round-trip batch ------------

  async stage(session: Session, rows: readonly StagedRow[]): Promise<void> {
    // Under the deployment lock no clock of this history can still be running: one left open is a
    // killed run's, whose end nobody saw. 0 says "not measured" rather than a wrong duration.
    await session.batch(
      [
        `DROP TABLE IF EXISTS ${this.stageTable}`,
        `CREATE TEMP TABLE ${this.stageTable} (\n${STAGED.map(([n, t]) => `  ${n} ${t}`).join(',\n')},\n  installed_on TIMESTAMP\n)`,
        `UPDATE ${this.name} SET execution_ms = 0 WHERE execution_ms < 0`,
      ].join(';\n'),
    );
    // Cut by encoded size too: the Data API refuses statements over 100 KB (statement-batches.ts).
    const prefix = `INSERT INTO ${this.stageTable} (${STAGE_COLUMNS}) VALUES `;
    const values = rows.map((r) => [
      r.installedRank,
      r.version,
      r.description,
      r.type,
      r.script,
      r.checksum,
      r.installedBy,
      r.statementsDone,
      r.runId,
    ]);
    const limit = session.maxStatementBytes ?? REDSHIFT_MAX_STATEMENT_BYTES;
    for (const batch of insertBatches(values, 9, Buffer.byteLength(prefix), limit)) {
      const tuples = batch.map((_, r) => `(${Array.from({ length: 9 }, (__, k) => `$${r * 9 + k + 1}`).join(', ')})`);
      await session.query(prefix + tuples.join(', '), batch.flat());
    }
  }

  async unstage(session: Session): Promise<void> {
    await session.batch(`DROP TABLE IF EXISTS ${this.stageTable}`);
  }

  async staged(session: Session): Promise<{ firstRank: number; total: number }> {
    const r = await session.query<{ rank: string | number | null; n: string | number }>(
      `SELECT MIN(installed_rank) AS rank, COUNT(*) AS n FROM ${this.stageTable}`,
    );
    return { firstRank: Number(r.rows[0]?.rank ?? 0), total: Number(r.rows[0]?.n ?? 0) };
  }

  async closeTimings(session: Session): Promise<void> {
    await session.batch(this.inTransaction.close.join(';\n'));
  }

  async executionTimes(session: Session, firstRank: number, count: number): Promise<number[]> {
    if (count === 0) return [];
    const r = await session.query<{ execution_ms: string | number }>(
      `SELECT execution_ms FROM ${this.name} WHERE installed_rank >= $1 AND installed_rank < $2 ORDER BY installed_rank`,
      [firstRank, firstRank + count],
    );
    return r.rows.map((row) => Math.max(0, Number(row.execution_ms)));
  }

  async foreignRowAtStage(session: Session, runId: string): Promise<{ script: string; runId: string | null } | undefined> {
    const r = await session.query<{ script: string; run_id: string | null }>(
      `SELECT script, run_id FROM ${this.name} WHERE installed_rank >= (SELECT MIN(installed_rank) FROM ${this.stageTable}) AND (run_id IS NULL OR run_id <> $1) ORDER BY installed_rank LIMIT 1`,
      [runId],
    );
    const row = r.rows[0];
    return row ? { script: row.script, runId: row.run_id } : undefined;
  }

  private historyDdl(): string {
    return `CREATE TABLE IF NOT EXISTS ${this.name} (\n${HISTORY_COLUMNS.map(([n, t]) => `  ${n} ${t}`).join(',\n')},\n  PRIMARY KEY (installed_rank)\n)`;
  }

  /**
   * Each migration's transaction in a round trip starts by reading the dialect's transaction clock:
   * that instant is when this migration began and when the previous one (committed just before, in
   * the same round trip) ended. So the previous row's clock is closed here, and this row's start is
   * stamped on its staged row; the round trip's last row is closed after its final COMMIT.
   */
  private inTransactionSql(): InTransactionSql {
    const clock = this.dialect.transactionClockSql;
    const next = `(SELECT MIN(installed_rank) FROM ${this.stageTable})`;
    const closeOpen = `UPDATE ${this.name} SET execution_ms = ${this.dialect.millisecondsBetweenSql('installed_on', clock)} WHERE execution_ms < 0`;
    return {
      lock: [`LOCK TABLE ${this.name}`],
      open: [
        `LOCK TABLE ${this.name}`,
        // Fails (division by zero) when the history already holds a row at or after the next
        // staged rank: another session wrote to it since this run read it (a session that outlived
        // its runner, a runner that ignored the lease). Right after LOCK, it stops a double apply
        // before any of the migration's statements run. Two aggregates over small tables.
        `SELECT 1 / (CASE WHEN (SELECT COALESCE(MAX(installed_rank), 0) FROM ${this.name}) < ${next} THEN 1 ELSE 0 END) AS rsrun_history_unchanged`,
        closeOpen,
        `UPDATE ${this.stageTable} SET installed_on = ${clock} WHERE installed_rank = ${next}`,
      ],
      // Moves the first staged row (stage rows are in apply order) into the history. It carries no
      // values, so the batch needs no interpolation; if the transaction rolls back, the row comes back.
      record: [
        `INSERT INTO ${this.name} (${COLUMNS})
SELECT installed_rank, version, description, "type", script, checksum, installed_by, installed_on, ${OPEN_CLOCK}, TRUE, statements_done, run_id
FROM ${this.stageTable} WHERE installed_rank = ${next}`,
        `DELETE FROM ${this.stageTable} WHERE installed_rank = ${next}`,
      ],
      close: [closeOpen],
    };
  }
}

function toHistoryRow(row: Record<string, unknown>): HistoryRow {
  return {
    installedRank: Number(row.installed_rank),
    version: (row.version as string | null) ?? null,
    description: String(row.description),
    type: String(row.type) as MigrationKind,
    script: String(row.script),
    checksum: (row.checksum as string | null) ?? null,
    installedBy: String(row.installed_by),
    installedOn: row.installed_on instanceof Date ? row.installed_on.toISOString() : String(row.installed_on),
    executionMs: Number(row.execution_ms),
    success: row.success === true || row.success === 't' || row.success === 'true',
    statementsDone: row.statements_done === null || row.statements_done === undefined ? null : Number(row.statements_done),
    runId: (row.run_id as string | null) ?? null,
  };
}
