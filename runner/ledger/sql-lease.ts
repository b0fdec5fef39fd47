/**
 * The deployment lease as one row of a small lock table. Redshift has no advisory locks
 * (c_unsupported-postgresql-functions), and `LOCK table` (r_LOCK) lasts only until the end of the
 * transaction that takes it, while a deploy spans many transactions and statements that must run
 * outside one. So the lease is claimed inside a short transaction holding `LOCK <lock table>`:
 * claims are serialised by Redshift's own table lock, and the row names its holder.
 */
import type { DialectAdapter } from '../dialects/dialect';
import type { Session } from '../warehouse/warehouse';
import type { ClaimResult, DeploymentLease, LeaseClaim, LeaseHolder } from './schema-history';

// The lease row's id is the constant 1, written as a literal so the read can share a batch.
const LEASE_ROW = 1;
const UNDEFINED_COLUMN = '42703';
const HOLDER_COLUMNS = 'owner, run_id, host, os_pid, backend_pid, session_start, db_user, acquired_at';
const CLEAR =
  'owner = NULL, run_id = NULL, host = NULL, os_pid = NULL, backend_pid = NULL, session_start = NULL, db_user = NULL, acquired_at = NULL, expires_at = NULL';

export class SqlLease implements DeploymentLease {
  constructor(
    private readonly dialect: DialectAdapter,
    readonly name: string,
  ) {}

  ddl(): string {
    return `CREATE TABLE IF NOT EXISTS ${this.name} (
  id INTEGER NOT NULL,
  owner VARCHAR(400),
  run_id VARCHAR(64),
  host VARCHAR(255),
  os_pid INTEGER,
  backend_pid INTEGER,
  session_start VARCHAR(64),
  db_user VARCHAR(128),
  acquired_at TIMESTAMP,
  expires_at TIMESTAMP,
  PRIMARY KEY (id)
)`;
  }

  claim(session: Session, claim: LeaseClaim, takeOverFrom?: string | null): Promise<ClaimResult> {
    return this.upgrading(session, () => this.claimOnce(session, claim, takeOverFrom));
  }

  async renew(session: Session, runId: string, ttlSeconds: number): Promise<boolean> {
    const r = await session.query(
      `UPDATE ${this.name} SET expires_at = ${this.dialect.addSecondsSql('$1')} WHERE id = $2 AND run_id = $3`,
      [ttlSeconds, LEASE_ROW, runId],
    );
    return r.rowCount > 0;
  }

  async release(session: Session, runId: string): Promise<void> {
    await session.query(`UPDATE ${this.name} SET ${CLEAR} WHERE id = $1 AND run_id = $2`, [LEASE_ROW, runId]);
  }

  forceRelease(session: Session): Promise<LeaseHolder | undefined> {
    return this.upgrading(session, async () => {
      const holder = toHolder((await session.query<Record<string, unknown>>(this.holderSql())).rows[0]);
      await session.query(`UPDATE ${this.name} SET ${CLEAR} WHERE id = $1`, [LEASE_ROW]);
      return holder;
    });
  }

  /** A lock table created before `session_start` existed gets the column once, then `work` runs again. */
  private async upgrading<T>(session: Session, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if ((err as { code?: string }).code !== UNDEFINED_COLUMN) throw err;
      await session.batch(`ALTER TABLE ${this.name} ADD COLUMN session_start VARCHAR(64)`);
      return work();
    }
  }

  /** One short transaction: lock the table, read the lease, write it when it may be taken. */
  private async claimOnce(session: Session, claim: LeaseClaim, takeOverFrom: string | null | undefined): Promise<ClaimResult> {
    try {
      // One round trip: open the transaction, take the table lock, read the lease.
      const holder = toHolder((await session.batch(`BEGIN;\nLOCK TABLE ${this.name};\n${this.holderSql()}`)).rows[0]);
      if (holder && holder.runId !== claim.runId && (takeOverFrom === undefined || holder.runId !== takeOverFrom)) {
        await session.batch('COMMIT');
        return { claimed: false, holder };
      }
      const values = [
        claim.owner,
        claim.runId,
        claim.host,
        claim.osPid,
        claim.backendPid,
        claim.sessionStart,
        claim.dbUser,
        claim.ttlSeconds,
        LEASE_ROW,
      ];
      const now = this.dialect.nowSql;
      const expires = this.dialect.addSecondsSql('$8');
      const updated = await session.query(
        `UPDATE ${this.name} SET owner = $1, run_id = $2, host = $3, os_pid = $4, backend_pid = $5, session_start = $6, db_user = $7, acquired_at = ${now}, expires_at = ${expires} WHERE id = $9`,
        values,
      );
      if (updated.rowCount === 0) {
        await session.query(
          `INSERT INTO ${this.name} (${HOLDER_COLUMNS}, expires_at, id) VALUES ($1, $2, $3, $4, $5, $6, $7, ${now}, ${expires}, $9)`,
          values,
        );
      }
      await session.batch('COMMIT');
      return { claimed: true };
    } catch (err) {
      await session.batch('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  private holderSql(): string {
    return `SELECT ${HOLDER_COLUMNS}, CASE WHEN expires_at < ${this.dialect.nowSql} THEN 1 ELSE 0 END AS expired FROM ${this.name} WHERE id = ${LEASE_ROW}`;
  }
}

function toHolder(row: Record<string, unknown> | undefined): LeaseHolder | undefined {
  if (!row || row.owner === null || row.owner === undefined) return undefined;
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  // Text columns arrive as strings; JSON.stringify only guards against a driver that types them.
  const str = (v: unknown) => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));
  return {
    owner: str(row.owner) ?? '',
    runId: str(row.run_id),
    host: str(row.host),
    osPid: num(row.os_pid),
    backendPid: num(row.backend_pid),
    sessionStart: str(row.session_start),
    dbUser: str(row.db_user),
    acquiredAt: row.acquired_at instanceof Date ? row.acquired_at.toISOString() : str(row.acquired_at),
    expired: Number(row.expired) === 1,
  };
}
