/**
 * Multi-row INSERTs cut to what a warehouse accepts in one statement: by encoded size (the Data
 * API refuses statements over 100 KB, https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html;
 * a statement is at most 16 MB on Redshift, c_redshift-sql) and by bind parameter count (Redshift
 * and PostgreSQL accept at most 32767 / 65535). Used for CSV fixtures and staged history rows.
 */

// Well under both engines' bind parameter limits.
const MAX_PARAMS = 30_000;

/**
 * Consecutive rows per INSERT, each batch within `maxBytes` (statement text plus parameter values,
 * UTF-8) and MAX_PARAMS parameters. A single row larger than the limit still goes alone: the
 * warehouse then names the problem.
 */
export function insertBatches<V>(rows: V[][], width: number, prefixBytes: number, maxBytes: number): Generator<V[][], void, undefined> {
  return (function* () {
    let batch: V[][] = [];
    let bytes = prefixBytes;
    let params = 0;
    for (const row of rows) {
      // "($n, $n+1), " costs up to 8 bytes a placeholder; values count as their UTF-8 length.
      const rowBytes = width * 8 + 4 + row.reduce((sum, v) => sum + valueBytes(v), 0);
      if (batch.length > 0 && (bytes + rowBytes > maxBytes || params + width > MAX_PARAMS)) {
        yield batch;
        batch = [];
        bytes = prefixBytes;
        params = 0;
      }
      batch.push(row);
      bytes += rowBytes;
      params += width;
    }
    if (batch.length > 0) yield batch;
  })();
}

function valueBytes(v: unknown): number {
  if (v === null || v === undefined) return 4;
  // An estimate of the bound value's size: numbers, dates and buffers print as what pg sends near enough.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return Buffer.byteLength(typeof v === 'string' ? v : String(v));
}
