/**
 * `COPY table [(columns)] FROM 's3://bucket/prefix' ...` (r_COPY) → an action that reads the
 * objects from the ObjectStore, applies Redshift's field rules in JavaScript, and loads the rows
 * with PostgreSQL's `COPY ... FROM STDIN (FORMAT csv)` in one stream.
 *
 * Why the fields are parsed here rather than handed to PostgreSQL's COPY options: Redshift's rules
 * differ (an empty CHAR/VARCHAR field is '' unless EMPTYASNULL, an empty field of another type is
 * NULL; NULL AS defaults to '\N'; the non-CSV format has no backslash escapes unless ESCAPE;
 * FILLRECORD, TRUNCATECOLUMNS, MAXERROR), and no combination of PostgreSQL COPY options expresses
 * them. CSV parsing itself is csv-parse's.
 *
 * Supported: FORMAT [AS] CSV [QUOTE [AS] 'c'], DELIMITER, IGNOREHEADER, GZIP, MANIFEST, NULL AS,
 * EMPTYASNULL, BLANKSASNULL, FILLRECORD, TRUNCATECOLUMNS, REMOVEQUOTES, ESCAPE, IGNOREBLANKLINES,
 * MAXERROR (counts rows with the wrong number of fields; type errors are PostgreSQL's and fail
 * the load), EXPLICIT_IDS, DATEFORMAT/TIMEFORMAT 'auto' or ISO, REGION and credentials (ignored),
 * COMPUPDATE/STATUPDATE/ACCEPTANYDATE/ACCEPTINVCHARS/COMPROWS/ROUNDEC/TRIMBLANKS (no effect or
 * approximated). Everything else is an InputError naming the parameter.
 */
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { InputError } from '../../../errors';
import { quoteIdent } from '../../dialect';
import type { RewrittenStatement } from '../../rewriter';
import type { Session } from '../../../warehouse/warehouse';
import { parseOptions, rejectOptions, singleChar, type ParsedOption } from './load-options';
import { parseS3Url, type ObjectStore } from './object-store';
import type { RewriteContext } from './rewrite-context';
import { stringValue } from './sql-literals';

export function isS3Copy(ctx: RewriteContext): boolean {
  if (!ctx.isWord(0, 'COPY')) return false;
  const { fromAt } = copyShape(ctx);
  return ctx.isWord(fromAt, 'FROM') && ctx.tok(fromAt + 1)?.kind === 'string';
}

function copyShape(ctx: RewriteContext): { nameEnd: number; columnsOpen: number | undefined; fromAt: number } {
  const nameEnd = ctx.skipName(1);
  if (ctx.isSymbol(nameEnd, '(')) return { nameEnd, columnsOpen: nameEnd, fromAt: ctx.close(nameEnd) + 1 };
  return { nameEnd, columnsOpen: undefined, fromAt: nameEnd };
}

interface CopyPlan {
  table: string;
  columns: string[] | undefined;
  bucket: string;
  key: string;
  csv: boolean;
  delimiter: string;
  quote: string;
  ignoreHeader: number;
  gzip: boolean;
  manifest: boolean;
  nullAs: string;
  emptyAsNull: boolean;
  blanksAsNull: boolean;
  fillRecord: boolean;
  truncateColumns: boolean;
  removeQuotes: boolean;
  escape: boolean;
  ignoreBlankLines: boolean;
  maxError: number;
  explicitIds: boolean;
}

const REJECTED = {
  JSON: 'load JSON with a CSV export, or keep this COPY for Redshift only',
  AVRO: 'convert the data to CSV for local runs',
  PARQUET: 'convert the data to CSV for local runs',
  ORC: 'convert the data to CSV for local runs',
  FIXEDWIDTH: 'convert the data to CSV for local runs',
  SHAPEFILE: 'spatial data cannot be loaded locally',
  BZIP2: 'use GZIP or uncompressed files',
  LZOP: 'use GZIP or uncompressed files',
  ZSTD: 'use GZIP or uncompressed files',
  ENCRYPTED: 'client-side encrypted files cannot be read locally',
  MASTER_SYMMETRIC_KEY: 'client-side encrypted files cannot be read locally',
  NOLOAD: 'run the COPY without NOLOAD',
};

/**
 * How rows reach the table: `copy` streams them through COPY FROM STDIN (PostgreSQL servers);
 * `insert` sends multi-row INSERTs with bind parameters, for the embedded engine, whose socket
 * server (pglite-socket 0.2) loses protocol sync on COPY FROM STDIN.
 */
export type LoadMethod = 'copy' | 'insert';

export function copyFromS3(ctx: RewriteContext, store: ObjectStore, loadWith: LoadMethod): RewrittenStatement {
  const { nameEnd, columnsOpen, fromAt } = copyShape(ctx);
  const source = stringValue(ctx.tok(fromAt + 1)) as string;
  const where = { file: ctx.where.file, line: ctx.where.line };
  if (!source.startsWith('s3://')) {
    throw ctx.unsupported(
      fromAt + 1,
      `COPY from "${source.split('/')[0]}//..."`,
      'only s3:// sources are emulated (from the local object store or the [s3] endpoint)',
    );
  }
  const { bucket, key } = parseS3Url(source, where);
  const options = parseOptions(ctx, fromAt + 2);
  rejectOptions(ctx, options, REJECTED);
  checkDateFormat(ctx, options.get('DATEFORMAT'), 'DATEFORMAT', ['AUTO', 'YYYY-MM-DD']);
  checkDateFormat(ctx, options.get('TIMEFORMAT'), 'TIMEFORMAT', ['AUTO', 'YYYY-MM-DD HH:MI:SS', 'YYYY-MM-DD HH24:MI:SS']);
  const csv = options.has('CSV');
  const plan: CopyPlan = {
    table: ctx.text(1, nameEnd - 1),
    columns: columnsOpen === undefined ? undefined : ctx.args(columnsOpen).map(([a, b]) => ctx.text(a, b)),
    bucket,
    key,
    csv,
    delimiter: singleChar(ctx, options, 'DELIMITER', csv ? ',' : '|'),
    quote: singleChar(ctx, options, 'QUOTE', '"'),
    ignoreHeader: Number(options.get('IGNOREHEADER')?.value ?? 0),
    gzip: options.has('GZIP'),
    manifest: options.has('MANIFEST'),
    // NULL AS default '\N' (copy-parameters-data-conversion).
    nullAs: options.get('NULL')?.value ?? '\\N',
    emptyAsNull: options.has('EMPTYASNULL'),
    blanksAsNull: options.has('BLANKSASNULL'),
    fillRecord: options.has('FILLRECORD'),
    truncateColumns: options.has('TRUNCATECOLUMNS'),
    removeQuotes: options.has('REMOVEQUOTES'),
    escape: options.has('ESCAPE'),
    ignoreBlankLines: options.has('IGNOREBLANKLINES'),
    maxError: Number(options.get('MAXERROR')?.value ?? 0),
    explicitIds: options.has('EXPLICIT_IDS'),
  };
  if (plan.csv && (plan.removeQuotes || plan.escape)) {
    const o = options.get(plan.escape ? 'ESCAPE' : 'REMOVEQUOTES') as ParsedOption;
    throw ctx.invalid(
      o.at,
      `CSV cannot be used with ${plan.escape ? 'ESCAPE' : 'REMOVEQUOTES'}`,
      'Redshift rejects this combination (copy-parameters-data-format)',
    );
  }
  return {
    kind: 'action',
    description: `load ${plan.table} from ${source} (local emulation of COPY, store ${store.label})`,
    run: (session) => runCopy(session, store, plan, where, loadWith),
  };
}

function checkDateFormat(ctx: RewriteContext, o: ParsedOption | undefined, name: string, accepted: string[]): void {
  if (!o || o.value === undefined) return;
  if (!accepted.includes(o.value.toUpperCase())) {
    throw ctx.unsupported(
      o.at,
      `${name} '${o.value}'`,
      `locally only ${accepted.map((a) => `'${a.toLowerCase()}'`).join(', ')} are understood; store dates in ISO form or load into VARCHAR and convert with TO_DATE`,
    );
  }
}

interface TargetColumn {
  name: string;
  isChar: boolean;
  maxLength: number | undefined;
  identity: boolean;
}

async function runCopy(
  session: Session,
  store: ObjectStore,
  plan: CopyPlan,
  where: { file?: string; line?: number },
  loadWith: LoadMethod,
): Promise<void> {
  const columns = await targetColumns(session, plan, where);
  const keys = await objectKeys(store, plan, where);
  const rows: Array<Array<string | null>> = [];
  const errors: string[] = [];
  for (const key of keys) {
    let data = await store.get(plan.bucket, key);
    // A zero-byte object holds no rows, compressed or not (UNLOAD writes such files for empty slices).
    if (data.length === 0) continue;
    if (plan.gzip) {
      try {
        data = gunzipSync(data);
      } catch (err) {
        throw new InputError(`s3://${plan.bucket}/${key} is not gzip data`, {
          ...where,
          cause: err,
          hint: 'remove GZIP or compress the file',
        });
      }
    }
    const records = splitRecords(data.toString('utf8'), plan);
    records.forEach((fields, n) => {
      const line = n + 1 + plan.ignoreHeader;
      if (plan.ignoreBlankLines && fields.length === 1 && fields[0] === '') return;
      const row = toRow(fields, columns, plan);
      if (row.ok) rows.push(row.values);
      else errors.push(`s3://${plan.bucket}/${key} line ${line}: ${row.reason}`);
    });
  }
  if (errors.length > plan.maxError) {
    throw new InputError(
      `Load into table '${plan.table}' failed: ${errors.length} bad record(s), MAXERROR is ${plan.maxError}: ${errors.slice(0, 3).join('; ')}`,
      {
        ...where,
        hint: 'fix the data, or raise MAXERROR to skip bad records',
      },
    );
  }
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

async function targetColumns(session: Session, plan: CopyPlan, where: { file?: string; line?: number }): Promise<TargetColumn[]> {
  const r = await session.query<{ name: string; category: string; typmod: number; identity: string; typname: string }>(
    `SELECT a.attname AS name, t.typcategory AS category, a.atttypmod AS typmod, a.attidentity AS identity, t.typname
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [plan.table],
  );
  const all = r.rows.map((c) => ({
    name: c.name,
    isChar: c.category === 'S',
    maxLength: c.category === 'S' && c.typmod > 4 ? c.typmod - 4 : undefined,
    identity: c.identity !== '',
  }));
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

function splitRecords(text: string, plan: CopyPlan): string[][] {
  if (plan.csv) {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- csv-parse's typed overload wants `columns`
    return parseCsv(text, {
      delimiter: plan.delimiter,
      quote: plan.quote,
      // A quote character inside a quoted field is doubled (copy-parameters-data-format CSV).
      escape: plan.quote,
      relax_column_count: true,
      from_line: plan.ignoreHeader + 1,
      skip_empty_lines: false,
      bom: true,
    }) as string[][];
  }
  const out: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let atStart = true;
  let skip = plan.ignoreHeader;
  const endRecord = () => {
    fields.push(field);
    if (skip > 0) skip--;
    else out.push(fields);
    fields = [];
    field = '';
    atStart = true;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (plan.removeQuotes && atStart && c === '"') {
      const close = text.indexOf('"', i + 1);
      field += text.slice(i + 1, close < 0 ? text.length : close);
      i = close < 0 ? text.length : close;
      atStart = false;
      continue;
    }
    atStart = false;
    if (plan.escape && c === '\\' && i + 1 < text.length) {
      field += text.charAt(++i);
    } else if (c === plan.delimiter) {
      fields.push(field);
      field = '';
      atStart = true;
    } else if (c === '\n') {
      endRecord();
    } else field += c;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return out;
}

/** One CSV line for PostgreSQL, or the reason the record is rejected. */
function toRow(
  fields: string[],
  columns: TargetColumn[],
  plan: CopyPlan,
): { ok: true; values: Array<string | null> } | { ok: false; reason: string } {
  if (fields.length > columns.length || (fields.length < columns.length && !plan.fillRecord)) {
    return { ok: false, reason: `expected ${columns.length} fields, found ${fields.length}` };
  }
  const values = columns.map((c, k): string | null => {
    const raw = fields[k];
    if (raw === undefined) return c.isChar && !plan.emptyAsNull ? '' : null; // FILLRECORD
    if (raw === plan.nullAs) return null;
    if (!c.isChar) return raw.trim() === '' ? null : raw;
    if (raw === '' && plan.emptyAsNull) return null;
    if (plan.blanksAsNull && raw.trim() === '') return null;
    if (plan.truncateColumns && c.maxLength !== undefined && raw.length > c.maxLength) return raw.slice(0, c.maxLength);
    return raw;
  });
  return { ok: true, values };
}
