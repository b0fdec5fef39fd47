/**
 * A multi-statement simple query, sent from pieces and keeping only the results a batch can return.
 *
 * Pieces: a round trip of a large migration is megabytes of text. Joined, it is one string that V8
 * allocates in its large-object space, where only a full collection frees it; a 50 MB migration
 * sent in 8 MB round trips left 50 MB of such strings behind (issue 14 defect 13). The pieces are
 * encoded straight into the protocol's Query message instead (PostgreSQL Frontend/Backend
 * Protocol, "Query": 'Q', Int32 length, the text, a NUL), a Buffer freed as soon as it is written.
 *
 * Results: pg's Query holds
 * a Result object per statement until the round trip ends: a round trip of 80,000 one-row INSERTs
 * (one cut of a 50 MB migration) then holds about 16 MB of them long enough to reach V8's old
 * generation, and a migration of 500,000 statements grew the heap by 100 MB before a full
 * collection (issue 14 defect 13). `batch` reads only the last result with columns and the last
 * row count, so earlier results are dropped as each statement completes.
 *
 * pg has no option for this; its Query is subclassed at the submittable protocol's own handler
 * (handleCommandComplete), and `_results` is its documented-in-source accumulator (lib/query.js).
 * test/warehouse/pg-batch-query.test.ts fails if a pg upgrade changes either.
 */
import pg from 'pg';
import type { SqlPieces } from './warehouse';

interface ResultLike {
  fields: unknown[];
}

/** The part of pg's Query this relies on (lib/query.js, pg 8). */
interface QueryInternals {
  _results: ResultLike | ResultLike[];
  handleCommandComplete(msg: unknown, connection: unknown): void;
  submit(connection: pg.Connection): Error | null;
}

/** The Query message for `pieces` as one Buffer ('Q', Int32 length including itself, text, NUL). */
export function queryMessage(pieces: readonly string[]): Buffer {
  let bytes = 0;
  for (const p of pieces) bytes += Buffer.byteLength(p);
  const message = Buffer.allocUnsafe(5 + bytes + 1);
  message[0] = 0x51;
  message.writeInt32BE(4 + bytes + 1, 1);
  let at = 5;
  for (const p of pieces) at += message.write(p, at, 'utf8');
  message[at] = 0;
  return message;
}

/** Results still held by `query` (for tests): 1 for a single statement. */
export function heldResults(query: pg.Query): number {
  const results = (query as unknown as QueryInternals)._results;
  return Array.isArray(results) ? results.length : 1;
}

/**
 * The submittable for `sql`; `done` receives the results pg returns (an array for several
 * statements) or the error. Pass it to `client.query`.
 */
export function batchQuery(sql: SqlPieces, done: (err: Error | undefined, result: unknown) => void): pg.Query {
  const query = new pg.Query(typeof sql === 'string' ? sql : '', (err: Error | undefined, result: unknown) => {
    done(err ?? undefined, result);
  });
  const internals = query as unknown as QueryInternals;
  if (typeof sql !== 'string') {
    // What pg's Connection.query does with a string (lib/connection.js `_send`), from the pieces.
    internals.submit = (connection) => {
      if (connection.stream.writable) connection.stream.write(queryMessage(sql));
      return null;
    };
  }
  const complete = internals.handleCommandComplete.bind(query);
  internals.handleCommandComplete = (msg, connection) => {
    complete(msg, connection);
    const results = internals._results;
    if (!Array.isArray(results) || results.length <= 2) return;
    // Keep the statement that just completed and the last earlier one that returned columns.
    const current = results[results.length - 1] as ResultLike;
    let withFields: ResultLike | undefined;
    for (let k = results.length - 2; k >= 0 && !withFields; k--) if ((results[k] as ResultLike).fields.length > 0) withFields = results[k];
    results.length = 0;
    if (withFields) results.push(withFields);
    results.push(current);
  };
  return query;
}
