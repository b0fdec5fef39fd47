/**
 * The registry of branch environments: one table in the base environment's database (next to the
 * migration history), one row per branch environment. Every statement is valid Redshift SQL: no
 * SERIAL, no ON CONFLICT, no RETURNING; values travel as bind parameters. Changes that must see a
 * consistent set of rows (the `branch_max` count, the "already registered" check) run inside a
 * transaction that first takes `LOCK` on the table (r_LOCK), so two builds serialise on it.
 */
import { quoteIdent } from '../dialects/dialect';
import { createIfMissing } from '../warehouse/retry';
import type { Session } from '../warehouse/warehouse';

export const REGISTRY_TABLE = 'rsrun_environments';

export interface BranchRecord {
  /** The branch name as given (`feature/X-1`): the key. */
  name: string;
  database: string;
  /** The VCS branch the build came from, when known. */
  branch: string | null;
  commit: string | null;
  owner: string | null;
  createdAt: Date;
  lastUsed: Date;
  seeded: boolean;
}

/** Who and what created a branch environment (recorded with it). */
export interface BranchProvenance {
  branch: string | undefined;
  commit: string | undefined;
  owner: string;
}

const COLUMNS = 'name, database_name, vcs_branch, commit_sha, owner, created_at, last_used, seeded_at';

export class BranchRegistry {
  readonly table: string;

  constructor(
    private readonly schema: string,
    private readonly nowSql: string,
  ) {
    this.table = `${quoteIdent(schema)}.${quoteIdent(REGISTRY_TABLE)}`;
  }

  async ensure(session: Session): Promise<void> {
    const ddl = [
      `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.schema)}`,
      `CREATE TABLE IF NOT EXISTS ${this.table} (
  name VARCHAR(512) NOT NULL,
  database_name VARCHAR(128) NOT NULL,
  vcs_branch VARCHAR(512),
  commit_sha VARCHAR(64),
  owner VARCHAR(400),
  created_at TIMESTAMP NOT NULL,
  last_used TIMESTAMP NOT NULL,
  seeded_at TIMESTAMP,
  PRIMARY KEY (name)
)`,
    ].join(';\n');
    await createIfMissing(session, ddl);
  }

  async list(session: Session): Promise<BranchRecord[]> {
    const r = await session.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM ${this.table} ORDER BY name`);
    return r.rows.map(toRecord);
  }

  async find(session: Session, name: string): Promise<BranchRecord | undefined> {
    const r = await session.query<Record<string, unknown>>(`SELECT ${COLUMNS} FROM ${this.table} WHERE name = $1`, [name]);
    return r.rows[0] === undefined ? undefined : toRecord(r.rows[0]);
  }

  /**
   * Registers `name` unless it is already there (then only `last_used` moves). Under the table's
   * lock, so the count that `max` checks cannot change before the insert. Returns whether the row
   * is new, or the count that refused it.
   */
  async register(
    session: Session,
    entry: { name: string; database: string; provenance: BranchProvenance; max: number },
  ): Promise<{ created: boolean; refusedAt?: number }> {
    await session.query('BEGIN');
    try {
      await session.query(`LOCK ${this.table}`);
      const existing = await session.query(`UPDATE ${this.table} SET last_used = ${this.nowSql} WHERE name = $1`, [entry.name]);
      if (existing.rowCount > 0) {
        await session.query('COMMIT');
        return { created: false };
      }
      const count = Number((await session.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${this.table}`)).rows[0]?.n ?? 0);
      if (count >= entry.max) {
        await session.query('ROLLBACK');
        return { created: false, refusedAt: count };
      }
      const p = entry.provenance;
      await session.query(`INSERT INTO ${this.table} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, ${this.nowSql}, ${this.nowSql}, NULL)`, [
        entry.name,
        entry.database,
        p.branch ?? null,
        p.commit ?? null,
        p.owner,
      ]);
      await session.query('COMMIT');
      return { created: true };
    } catch (err) {
      if (session.inTransaction()) await session.query('ROLLBACK');
      throw err;
    }
  }

  /** Moves `last_used` to now; false when `name` is not registered. */
  async touch(session: Session, name: string): Promise<boolean> {
    const r = await session.query(`UPDATE ${this.table} SET last_used = ${this.nowSql} WHERE name = $1`, [name]);
    return r.rowCount > 0;
  }

  /**
   * Runs `seed` once per branch environment: under the table's lock, so a second build of the same
   * branch waits here until the first has seeded and committed, then finds `seeded_at` set. A seed
   * that fails leaves it NULL, and the next run tries again. Returns whether `seed` ran.
   */
  async seedOnce(session: Session, name: string, seed: () => Promise<void>): Promise<boolean> {
    await session.query('BEGIN');
    try {
      await session.query(`LOCK ${this.table}`);
      const r = await session.query(`SELECT name FROM ${this.table} WHERE name = $1 AND seeded_at IS NULL`, [name]);
      if (r.rows.length > 0) {
        await seed();
        await session.query(`UPDATE ${this.table} SET seeded_at = ${this.nowSql} WHERE name = $1`, [name]);
      }
      await session.query('COMMIT');
      return r.rows.length > 0;
    } catch (err) {
      if (session.inTransaction()) await session.query('ROLLBACK');
      throw err;
    }
  }

  async remove(session: Session, name: string): Promise<void> {
    await session.query(`DELETE FROM ${this.table} WHERE name = $1`, [name]);
  }

  /** Names whose `last_used` is more than `seconds` ago, by the server's clock. */
  async unusedFor(session: Session, seconds: number, addSecondsSql: (param: string) => string): Promise<string[]> {
    // last_used + seconds < now  ⇔  last_used < now - seconds: the dialect adds -seconds to now.
    const r = await session.query<{ name: string }>(
      `SELECT name FROM ${this.table} WHERE last_used < ${addSecondsSql('$1')} ORDER BY name`,
      [-Math.floor(seconds)],
    );
    return r.rows.map((row) => row.name);
  }
}

function toRecord(row: Record<string, unknown>): BranchRecord {
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  const date = (v: unknown): Date => (v instanceof Date ? v : new Date(typeof v === 'string' || typeof v === 'number' ? v : NaN));
  return {
    name: text(row.name) ?? '',
    database: text(row.database_name) ?? '',
    branch: text(row.vcs_branch),
    commit: text(row.commit_sha),
    owner: text(row.owner),
    createdAt: date(row.created_at),
    lastUsed: date(row.last_used),
    seeded: row.seeded_at !== null && row.seeded_at !== undefined,
  };
}
