/**
 * The history table ("ledger"): which migrations ran, when, by whom, with which checksum.
 * Every statement here is valid on Redshift and PostgreSQL alike: no SERIAL or sequences (the
 * runner assigns installed_rank while it holds the deployment lock), no ON CONFLICT, no RETURNING,
 * no CREATE INDEX, no arrays. Values are bind parameters; identifiers come from configuration.
 */
import type { DialectAdapter } from '../dialects/dialect';
import type { MigrationKind } from '../events';
import type { Session } from '../warehouse/warehouse';

export interface HistoryRow {
  installedRank: number;
  version: string | null;
  description: string;
  type: MigrationKind;
  script: string;
  checksum: string | null;
  installedBy: string;
  installedOn: string;
  executionMs: number;
  success: boolean;
  /** Non-transactional migrations record progress so a re-run after a crash resumes. */
  statementsDone: number | null;
  runId: string | null;
}

/** Values staged for a migration about to be applied (the server fills in time and duration). */
export type StagedRow = Omit<HistoryRow, 'installedOn' | 'executionMs' | 'success' | 'statementsDone' | 'runId'> & {
  statementsDone: number;
  runId: string;
};

/** The history table's columns; the staging table holds the ones known before a migration runs. */
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
const STAGE_COLUMNS = HISTORY_COLUMNS.filter(([, , staged]) => staged)
  .map(([n]) => n)
  .join(', ');
const columnsDdl = (stagedOnly: boolean) =>
  HISTORY_COLUMNS.filter(([, , staged]) => staged || !stagedOnly)
    .map(([n, t]) => `  ${n} ${t}`)
    .join(',\n');
// Keep the bind parameters of one INSERT well under both engines' limits.
const STAGE_ROWS_PER_INSERT = 200;

export class SqlLedger {
  readonly history: string;
  readonly lock: string;
  readonly stage: string;

  constructor(
    readonly dialect: DialectAdapter,
    readonly schema: string,
    historyTable: string,
    lockTable: string,
    stageSuffix: string,
  ) {
    this.history = dialect.qualify(schema, historyTable);
    this.lock = dialect.qualify(schema, lockTable);
    // A session-private temporary table; unqualified so it resolves to the session's temp schema.
    this.stage = dialect.quoteIdent(`rsrun_stage_${stageSuffix}`);
  }

  /** DDL for the schema, history and lock tables, idempotent. */
  ensureSql(): string {
    const q = (s: string) => this.dialect.quoteIdent(s);
    return [
      `CREATE SCHEMA IF NOT EXISTS ${q(this.schema)}`,
      `CREATE TABLE IF NOT EXISTS ${this.history} (\n${columnsDdl(false)},\n  PRIMARY KEY (installed_rank)\n)`,
      `CREATE TABLE IF NOT EXISTS ${this.lock} (
  id INTEGER NOT NULL,
  owner VARCHAR(400),
  run_id VARCHAR(64),
  host VARCHAR(255),
  os_pid INTEGER,
  backend_pid INTEGER,
  db_user VARCHAR(128),
  acquired_at TIMESTAMP,
  expires_at TIMESTAMP,
  PRIMARY KEY (id)
)`,
    ].join(';\n');
  }

  async ensure(session: Session): Promise<void> {
    try {
      await session.batch(this.ensureSql());
    } catch (err) {
      // Two runners creating the tables at the same moment: PostgreSQL can report a duplicate
      // catalog row for the loser even with IF NOT EXISTS. The tables exist now; try once more.
      const code = (err as { code?: string }).code;
      if (code !== '23505' && code !== '42P07' && code !== '42P06') throw err;
      await session.batch(this.ensureSql());
    }
  }

  /** True when the history table exists (read-only commands do not create it). */
  async exists(session: Session): Promise<boolean> {
    const r = await session.query<{ n: string | number }>(
      'SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2',
      [this.schema, this.history.slice(this.history.lastIndexOf('.') + 2, -1).replace(/""/g, '"')],
    );
    return Number(r.rows[0]?.n ?? 0) > 0;
  }

  async list(session: Session): Promise<HistoryRow[]> {
    const r = await session.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM ${this.history} ORDER BY installed_rank`);
    return r.rows.map((row) => ({
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
    }));
  }

  /** Inserts one row now (used outside batches: baseline, progress rows of non-transactional migrations). */
  async insert(session: Session, row: StagedRow, success: boolean, executionMs: number): Promise<void> {
    await session.query(
      `INSERT INTO ${this.history} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, ${this.dialect.nowSql}, $8, $9, $10, $11)`,
      [
        row.installedRank,
        row.version,
        row.description,
        row.type,
        row.script,
        row.checksum,
        row.installedBy,
        executionMs,
        success,
        row.statementsDone,
        row.runId,
      ],
    );
  }

  async updateProgress(session: Session, installedRank: number, statementsDone: number): Promise<void> {
    await session.query(`UPDATE ${this.history} SET statements_done = $1 WHERE installed_rank = $2`, [statementsDone, installedRank]);
  }

  async markSucceeded(
    session: Session,
    installedRank: number,
    statementsDone: number,
    executionMs: number,
    checksum: string | null,
  ): Promise<void> {
    await session.query(
      `UPDATE ${this.history} SET success = TRUE, statements_done = $1, execution_ms = $2, checksum = $3, installed_on = ${this.dialect.nowSql} WHERE installed_rank = $4`,
      [statementsDone, executionMs, checksum, installedRank],
    );
  }

  async deleteFailed(session: Session): Promise<number> {
    const r = await session.query(`DELETE FROM ${this.history} WHERE success = FALSE`);
    return r.rowCount;
  }

  async setChecksum(session: Session, installedRank: number, checksum: string): Promise<void> {
    await session.query(`UPDATE ${this.history} SET checksum = $1 WHERE installed_rank = $2`, [checksum, installedRank]);
  }

  // --- staging: lets a migration's history row travel inside its one-round-trip batch ---------------

  createStageSql(): string {
    return `CREATE TEMP TABLE ${this.stage} (\n${columnsDdl(true)}\n)`;
  }

  /** Stages rows with bind parameters, a few hundred per statement. */
  async stageRows(session: Session, rows: StagedRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += STAGE_ROWS_PER_INSERT) {
      const chunk = rows.slice(i, i + STAGE_ROWS_PER_INSERT);
      const params: unknown[] = [];
      const tuples = chunk.map((r) => {
        const base = params.length;
        params.push(r.installedRank, r.version, r.description, r.type, r.script, r.checksum, r.installedBy, r.statementsDone, r.runId);
        return `(${Array.from({ length: 9 }, (_, k) => `$${base + k + 1}`).join(', ')})`;
      });
      await session.query(`INSERT INTO ${this.stage} (${STAGE_COLUMNS}) VALUES ${tuples.join(', ')}`, params);
    }
  }

  /**
   * SQL appended to a migration's batch: moves the first staged row (stage rows are in apply
   * order) into the history, marked successful, with the server-measured duration of the current
   * transaction. It carries no values at all, so the batch needs no interpolation; if the
   * transaction rolls back, the staged row comes back with it.
   */
  recordNextStagedSql(): string {
    const next = `(SELECT MIN(installed_rank) FROM ${this.stage})`;
    return `INSERT INTO ${this.history} (${COLUMNS})
SELECT installed_rank, version, description, "type", script, checksum, installed_by, ${this.dialect.nowSql}, ${this.dialect.elapsedMsInTransactionSql}, TRUE, statements_done, run_id
FROM ${this.stage} WHERE installed_rank = ${next};
DELETE FROM ${this.stage} WHERE installed_rank = ${next}`;
  }

  /**
   * A statement that fails (division by zero) when the history already holds a row at or after the
   * next staged rank: another session wrote to it since this run read it (a session that outlived
   * its runner, a runner that ignored the lease). Put right after LOCK in a migration's
   * transaction, it stops a double apply before any of the migration's statements run. Two
   * aggregates over small tables: it costs next to nothing per migration.
   */
  guardNextStagedSql(): string {
    return `SELECT 1 / (CASE WHEN (SELECT COALESCE(MAX(installed_rank), 0) FROM ${this.history}) < (SELECT MIN(installed_rank) FROM ${this.stage}) THEN 1 ELSE 0 END) AS rsrun_history_unchanged`;
  }

  /** The first history row another run wrote at or after the next staged rank, if any. */
  async foreignRowAtStage(session: Session, runId: string): Promise<{ script: string; runId: string | null } | undefined> {
    const r = await session.query<{ script: string; run_id: string | null }>(
      `SELECT script, run_id FROM ${this.history} WHERE installed_rank >= (SELECT MIN(installed_rank) FROM ${this.stage}) AND (run_id IS NULL OR run_id <> $1) ORDER BY installed_rank LIMIT 1`,
      [runId],
    );
    const row = r.rows[0];
    return row ? { script: row.script, runId: row.run_id } : undefined;
  }

  dropStageSql(): string {
    return `DROP TABLE IF EXISTS ${this.stage}`;
  }
}
