/**
 * Running an emulated COPY: the objects are listed (prefix or manifest), decompressed, read into
 * records (copy-records.ts), turned into rows by Redshift's rules (copy-values.ts), and loaded with
 * PostgreSQL's COPY FROM STDIN, or with INSERTs on the embedded engine.
 *
 * Rejected records (a wrong field count, a value that does not fit its column) count against
 * MAXERROR (copy-parameters-error-handling); when the load stays within it, each is recorded in
 * STL_LOAD_ERRORS (r_STL_LOAD_ERRORS, codes from r_Load_Error_Reference) in the same transaction.
 * Past MAXERROR the load fails and names the first rejected records: on a cluster they would stay
 * in STL_LOAD_ERRORS, written outside the failed transaction, which PostgreSQL cannot do.
 */
import { Readable } from 'node:stream';
import { InputError } from '../../../errors';
import { quoteIdent } from '../../dialect';
import type { Session } from '../../../warehouse/warehouse';
import { SYSTEM_RELATIONS_SCHEMA } from '../system-relations';
import { readRecords, type RecordFormat, type SourceRecord } from './copy-records';
import { toRow, type FieldRules, type LoadError, type TargetColumn } from './copy-values';
import { decompress, type Compression } from './decompress';
import { parseS3Url, type ObjectStore } from './object-store';

/**
 * How rows reach the table: `copy` streams them through COPY FROM STDIN (PostgreSQL servers);
 * `insert` sends multi-row INSERTs with bind parameters, for the embedded engine, whose socket
 * server (pglite-socket 0.2) loses protocol sync on COPY FROM STDIN.
 */
export type LoadMethod = 'copy' | 'insert';

export interface CopyPlan {
  table: string;
  columns: string[] | undefined;
  bucket: string;
  key: string;
  /** The FROM location as written. */
  source: string;
  format: RecordFormat;
  /** JSON 's3://...' JSONPaths file, read when the COPY runs. */
  jsonPaths: string | undefined;
  compression: Compression | undefined;
  manifest: boolean;
  rules: FieldRules;
  ignoreBlankLines: boolean;
  maxError: number;
  explicitIds: boolean;
}

type Where = { file?: string; line?: number };

interface Rejected {
  key: string;
  record: SourceRecord;
  error: LoadError;
}

export async function runCopy(session: Session, store: ObjectStore, plan: CopyPlan, where: Where, loadWith: LoadMethod): Promise<void> {
  const columns = await targetColumns(session, plan, where);
  if (plan.jsonPaths) plan.format.json = await jsonPaths(store, plan.jsonPaths, where);
  const rows: Array<Array<string | null>> = [];
  const rejected: Rejected[] = [];
  for (const key of await objectKeys(store, plan, where)) {
    const records = await objectRecords(store, plan, key, columns, where);
    for (const record of records) {
      if (plan.ignoreBlankLines && record.raw.trim() === '') continue;
      const row = toRow(record.fields, columns, plan.rules);
      if (row.ok) rows.push(row.values);
      else rejected.push({ key, record, error: row.error });
    }
  }
  if (rejected.length > plan.maxError) {
    const first = rejected
      .slice(0, 3)
      .map(
        (r) =>
          `s3://${plan.bucket}/${r.key} line ${r.record.line}${r.error.colname ? ` column ${r.error.colname}` : ''}: ${r.error.reason} (${r.error.code})`,
      );
    throw new InputError(
      `Load into table '${plan.table}' failed: ${rejected.length} bad record(s), MAXERROR is ${plan.maxError}: ${first.join('; ')}`,
      {
        ...where,
        hint: 'fix the data, or raise MAXERROR to skip bad records (they are then listed in STL_LOAD_ERRORS)',
      },
    );
  }
  if (rejected.length > 0) await recordLoadErrors(session, plan, rejected);
  await load(session, plan, columns, rows, loadWith);
}

async function objectRecords(
  store: ObjectStore,
  plan: CopyPlan,
  key: string,
  columns: TargetColumn[],
  where: Where,
): Promise<SourceRecord[]> {
  let data = await store.get(plan.bucket, key);
  // A zero-byte object holds no rows, compressed or not (UNLOAD writes such files for empty slices).
  if (data.length === 0) return [];
  if (plan.compression) {
    try {
      data = await decompress(data, plan.compression);
    } catch (err) {
      throw new InputError(`s3://${plan.bucket}/${key} is not ${plan.compression.toLowerCase()} data`, {
        ...where,
        cause: err,
        hint: `remove ${plan.compression} or compress the file with it`,
      });
    }
  }
  try {
    return await readRecords(
      data,
      plan.format,
      columns.map((c) => c.name),
    );
  } catch (err) {
    throw new InputError(
      `s3://${plan.bucket}/${key} cannot be read as ${plan.format.format}: ${err instanceof Error ? err.message : String(err)}`,
      {
        ...where,
        cause: err,
        hint: 'check the FORMAT and the file',
      },
    );
  }
}

async function load(
  session: Session,
  plan: CopyPlan,
  columns: TargetColumn[],
  rows: Array<Array<string | null>>,
  loadWith: LoadMethod,
): Promise<void> {
  const columnList = columns.map((c) => quoteIdent(c.name)).join(', ');
  if (loadWith === 'copy') {
    await session.copyFrom(`COPY ${plan.table} (${columnList}) FROM STDIN WITH (FORMAT csv)`, Readable.from(csvChunks(rows)));
    return;
  }
  // Untyped parameters take the column's type, as COPY's text input would.
  const perStatement = Math.max(1, Math.floor(30000 / Math.max(1, columns.length)));
  for (let i = 0; i < rows.length; i += perStatement) {
    const batch = rows.slice(i, i + perStatement);
    const tuples = batch.map((_r, k) => `(${columns.map((_c, j) => `$${k * columns.length + j + 1}`).join(', ')})`);
    await session.query(`INSERT INTO ${plan.table} (${columnList}) VALUES ${tuples.join(', ')}`, batch.flat());
  }
}

/** PostgreSQL CSV: NULL is an unquoted empty field, every value is quoted. */
function* csvChunks(rows: Array<Array<string | null>>): Generator<string> {
  for (let i = 0; i < rows.length; i += 1000) {
    yield rows
      .slice(i, i + 1000)
      .map((values) => `${values.map((v) => (v === null ? '' : `"${v.replace(/"/g, '""')}"`)).join(',')}\n`)
      .join('');
  }
}

/** One STL_LOAD_ERRORS row per rejected record, all of this COPY under one query id. */
async function recordLoadErrors(session: Session, plan: CopyPlan, rejected: Rejected[]): Promise<void> {
  const table = `${SYSTEM_RELATIONS_SCHEMA}.stl_load_errors`;
  const values: unknown[] = [];
  const tuples = rejected.map((r, k) => {
    const row = [
      `s3://${plan.bucket}/${r.key}`,
      r.record.line,
      r.error.colname,
      r.error.type,
      r.error.colLength,
      r.record.raw.slice(0, 1024),
      r.error.value.slice(0, 1024),
      r.error.code,
      r.error.reason.slice(0, 100),
    ];
    values.push(...row);
    const p = (j: number) => `$${k * row.length + j + 2}`;
    return `(100, 0, $1::regclass::oid::int, now()::timestamp, pg_backend_pid(), q.id, ${p(0)}, ${p(1)}::bigint, ${p(2)}, ${p(3)}, ${p(4)}, 0, ${p(5)}, ${p(6)}, ${p(7)}::int, ${p(8)}, 0, 0)`;
  });
  await session.query(
    `INSERT INTO ${table} (userid, slice, tbl, starttime, session, query, filename, line_number, colname, type, col_length, position, raw_line, raw_field_value, err_code, err_reason, is_partial, start_offset)
     SELECT v.* FROM (SELECT coalesce(max(query), 0) + 1 AS id FROM ${table}) q CROSS JOIN LATERAL (VALUES ${tuples.join(', ')}) v`,
    [plan.table, ...values],
  );
}

async function targetColumns(session: Session, plan: CopyPlan, where: Where): Promise<TargetColumn[]> {
  const r = await session.query<{ name: string; typname: string; typmod: number; identity: string }>(
    `SELECT a.attname AS name, t.typname, a.atttypmod AS typmod, a.attidentity AS identity
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [plan.table],
  );
  const all = r.rows.map((c): TargetColumn => {
    const character = c.typname === 'varchar' || c.typname === 'bpchar';
    const numeric = c.typname === 'numeric' && c.typmod > 4;
    return {
      name: c.name,
      typname: c.typname,
      length: character && c.typmod > 4 ? c.typmod - 4 : undefined,
      precision: numeric ? ((c.typmod - 4) >> 16) & 0xffff : undefined,
      scale: numeric ? (c.typmod - 4) & 0xffff : undefined,
      identity: c.identity !== '',
    };
  });
  if (!plan.columns) {
    // Without a column list identity values are generated unless EXPLICIT_IDS (copy-parameters-data-conversion).
    return plan.explicitIds ? all : all.filter((c) => !c.identity);
  }
  return plan.columns.map((written) => {
    const name = written.startsWith('"') ? written.slice(1, -1).replace(/""/g, '"') : written.toLowerCase();
    const c = all.find((x) => x.name === name);
    if (!c)
      throw new InputError(`column "${written}" of the COPY column list is not in ${plan.table}`, {
        ...where,
        hint: 'fix the column list',
      });
    return c;
  });
}

/** The "jsonpaths" array of a JSONPaths file (copy-parameters-data-format, JSONPaths file). */
async function jsonPaths(store: ObjectStore, url: string, where: Where): Promise<string[]> {
  const { bucket, key } = parseS3Url(url, where);
  let parsed: { jsonpaths?: unknown };
  try {
    parsed = JSON.parse((await store.get(bucket, key)).toString('utf8')) as { jsonpaths?: unknown };
  } catch (err) {
    throw new InputError(`JSONPaths file ${url} is not JSON`, { ...where, cause: err, hint: 'write {"jsonpaths": ["$.a", "$[\'b\']"]}' });
  }
  if (!Array.isArray(parsed.jsonpaths) || !parsed.jsonpaths.every((p) => typeof p === 'string')) {
    throw new InputError(`JSONPaths file ${url} has no "jsonpaths" array of strings`, {
      ...where,
      hint: 'write {"jsonpaths": ["$.a", "$.b"]}',
    });
  }
  return parsed.jsonpaths;
}

async function objectKeys(store: ObjectStore, plan: CopyPlan, where: { file?: string; line?: number }): Promise<string[]> {
  if (plan.manifest) {
    // {"entries": [{"url": "s3://bucket/key", "mandatory": true}, ...]} (loading-data-files-using-manifest)
    const text = (await store.get(plan.bucket, plan.key)).toString('utf8');
    let manifest: { entries?: Array<{ url?: string; mandatory?: boolean }> };
    try {
      manifest = JSON.parse(text) as typeof manifest;
    } catch (err) {
      throw new InputError(`manifest s3://${plan.bucket}/${plan.key} is not JSON`, {
        ...where,
        cause: err,
        hint: 'see loading-data-files-using-manifest for the layout',
      });
    }
    const keys: string[] = [];
    for (const entry of manifest.entries ?? []) {
      const { bucket, key } = parseS3Url(entry.url ?? '', where);
      if (bucket !== plan.bucket) {
        throw new InputError(`manifest entry ${entry.url} is in another bucket than the manifest`, {
          ...where,
          hint: 'the local emulation reads one bucket per COPY',
        });
      }
      const exists = (await store.list(bucket, key)).includes(key);
      if (!exists && entry.mandatory)
        throw new InputError(`mandatory manifest entry ${entry.url} does not exist`, {
          ...where,
          hint: `put the object into the store (${store.label})`,
        });
      if (exists) keys.push(key);
    }
    return keys;
  }
  const keys = await store.list(plan.bucket, plan.key);
  if (keys.length === 0) {
    throw new InputError(`The specified S3 prefix 's3://${plan.bucket}/${plan.key}' does not exist`, {
      ...where,
      hint: `put the data file into the object store (${store.label})`,
    });
  }
  return keys;
}
