/**
 * What discovery accepts must fit the history table (runner/ledger/sql-schema-history.ts): version
 * VARCHAR(200), description VARCHAR(400), script VARCHAR(1000). Redshift sizes VARCHAR in bytes,
 * not characters ("CHAR and VARCHAR data types are defined in terms of bytes, not characters",
 * https://docs.aws.amazon.com/redshift/latest/dg/r_Character_types.html), so lengths are counted
 * in UTF-8 bytes: a name that fits here fits on both engines. Checked at discovery, so an
 * over-long name stops the run with exit 2 before anything is applied, instead of failing the
 * history insert after the migration's statements ran.
 */
import { InputError } from '../errors';
import type { Migration } from './migration';

export const HISTORY_LIMITS = { version: 200, description: 400, script: 1000 } as const;

export function checkHistoryLengths(m: Migration): void {
  const fields: [keyof typeof HISTORY_LIMITS, string | null][] = [
    ['version', m.version],
    ['description', m.description],
    ['script', m.script],
  ];
  for (const [field, value] of fields) {
    if (value === null) continue;
    const bytes = Buffer.byteLength(value, 'utf8');
    const limit = HISTORY_LIMITS[field];
    if (bytes <= limit) continue;
    const what = field === 'script' ? 'path (relative to the migrations folder)' : field;
    throw new InputError(`the ${what} of this migration is ${bytes} bytes long; the history table holds at most ${limit}`, {
      file: m.file,
      ...(m.source === 'ini' ? { line: m.line } : {}),
      hint:
        field === 'script'
          ? 'move the file to a shallower folder or shorten its name'
          : `shorten the ${m.source === 'ini' ? 'section name' : `file name's ${field}`} (at most ${limit} bytes in UTF-8)`,
    });
  }
}
