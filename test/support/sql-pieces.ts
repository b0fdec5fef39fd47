import type { SqlPieces } from '../../runner/warehouse/warehouse';

/** The one string a batch's pieces stand for, for assertions on what was sent. */
export function joinedSql(sql: SqlPieces): string {
  return typeof sql === 'string' ? sql : sql.join('');
}
