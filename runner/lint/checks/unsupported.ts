/**
 * RS001–RS027: what Redshift refuses. The rule set lives with the dialect
 * (runner/dialects/redshift/refused-sql.ts), so the emulation refuses exactly what the lint flags.
 */
import { findRefusedSql } from '../../dialects/redshift/refused-sql';
import type { Report, StatementView } from '../types';

export function checkUnsupported(v: StatementView, report: Report): void {
  findRefusedSql(v.tokens, report);
}
