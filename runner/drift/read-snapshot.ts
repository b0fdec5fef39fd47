/**
 * Picks the catalog reader by what the catalog holds, not by configuration: a cluster has
 * PG_TABLE_DEF in pg_catalog (r_PG_TABLE_DEF); PostgreSQL and the embedded engine do not (the
 * emulation keeps its copy in its own schema). The probe is plain pg_class, valid on both.
 */
import type { Session } from '../warehouse/warehouse';
import { readLocalSnapshot } from './local-catalog';
import { readRedshiftSnapshot } from './redshift-catalog';
import type { SchemaScope, Snapshot } from './snapshot';

const PROBE = `SELECT count(*) AS n FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'pg_catalog' AND c.relname = 'pg_table_def'`;

export async function readActualSnapshot(session: Session, scope: SchemaScope): Promise<Snapshot> {
  const probe = await session.query<{ n: string | number }>(PROBE);
  const redshift = Number(probe.rows[0]?.n ?? 0) > 0;
  return redshift ? readRedshiftSnapshot(session, scope) : readLocalSnapshot(session, scope);
}
