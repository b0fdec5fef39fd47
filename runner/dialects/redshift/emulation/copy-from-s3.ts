/**
 * `COPY table [(columns)] FROM 's3://bucket/prefix' ...` (r_COPY) → an action that reads the
 * objects from the ObjectStore (copy-load.ts). This file turns the statement into a CopyPlan and
 * refuses, by name, the parameters that cannot be emulated.
 *
 * Supported: data formats text (DELIMITER, ESCAPE, REMOVEQUOTES), CSV [QUOTE], JSON 'auto' |
 * 'auto ignorecase' | 's3://jsonpaths', PARQUET; compressions GZIP, BZIP2, LZOP, ZSTD; IGNOREHEADER,
 * MANIFEST, NULL AS, EMPTYASNULL, BLANKSASNULL, FILLRECORD, TRUNCATECOLUMNS, IGNOREBLANKLINES,
 * MAXERROR (rejected records recorded in STL_LOAD_ERRORS), EXPLICIT_IDS, DATEFORMAT/TIMEFORMAT
 * 'auto' or ISO, REGION and credentials (ignored), COMPUPDATE/STATUPDATE/ACCEPTANYDATE/
 * ACCEPTINVCHARS/COMPROWS/ROUNDEC/TRIMBLANKS (no effect or approximated). Everything else is an
 * InputError naming the parameter.
 */
import type { RewrittenStatement } from '../../rewriter';
import type { Compression } from './decompress';
import { runCopy, type CopyPlan, type LoadMethod } from './copy-load';
import { parseOptions, rejectOptions, singleChar, type ParsedOption } from './load-options';
import { parseS3Url, type ObjectStore } from './object-store';
import type { RewriteContext } from './rewrite-context';
import { stringValue } from './sql-literals';

export type { LoadMethod } from './copy-load';

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

const REJECTED = {
  AVRO: 'convert the data to CSV, JSON or Parquet for local runs',
  ORC: 'convert the data to CSV, JSON or Parquet for local runs',
  FIXEDWIDTH: 'convert the data to CSV for local runs',
  SHAPEFILE: 'spatial data cannot be loaded locally',
  ENCRYPTED: 'client-side encrypted files cannot be read locally',
  MASTER_SYMMETRIC_KEY: 'client-side encrypted files cannot be read locally',
  NOLOAD: 'run the COPY without NOLOAD',
};

const COMPRESSIONS: Compression[] = ['GZIP', 'BZIP2', 'LZOP', 'ZSTD'];

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
  const format = options.has('CSV') ? 'csv' : options.has('JSON') ? 'json' : options.has('PARQUET') ? 'parquet' : 'text';
  const compressions = COMPRESSIONS.filter((c) => options.has(c));
  if (compressions.length > 1)
    throw ctx.invalid(
      (options.get(compressions[1] as Compression) as ParsedOption).at,
      `${compressions.join(' and ')} cannot be combined`,
      'name one compression',
    );
  const plan: CopyPlan = {
    table: ctx.text(1, nameEnd - 1),
    columns: columnsOpen === undefined ? undefined : ctx.args(columnsOpen).map(([a, b]) => ctx.text(a, b)),
    bucket,
    key,
    format: {
      format,
      delimiter: singleChar(ctx, options, 'DELIMITER', format === 'csv' ? ',' : '|'),
      quote: singleChar(ctx, options, 'QUOTE', '"'),
      ignoreHeader: Number(options.get('IGNOREHEADER')?.value ?? 0),
      removeQuotes: options.has('REMOVEQUOTES'),
      escape: options.has('ESCAPE'),
    },
    jsonPaths: undefined,
    compression: compressions[0],
    manifest: options.has('MANIFEST'),
    rules: {
      // NULL AS default '\N' (copy-parameters-data-conversion).
      nullAs: options.get('NULL')?.value ?? '\\N',
      emptyAsNull: options.has('EMPTYASNULL'),
      blanksAsNull: options.has('BLANKSASNULL'),
      fillRecord: options.has('FILLRECORD'),
      truncateColumns: options.has('TRUNCATECOLUMNS'),
    },
    ignoreBlankLines: options.has('IGNOREBLANKLINES'),
    maxError: Number(options.get('MAXERROR')?.value ?? 0),
    explicitIds: options.has('EXPLICIT_IDS'),
    source,
  };
  if (format === 'json') jsonOption(ctx, options.get('JSON') as ParsedOption, plan);
  if (format === 'parquet' && options.has('MAXERROR')) {
    throw ctx.invalid(
      (options.get('MAXERROR') as ParsedOption).at,
      'MAXERROR is not supported for columnar data',
      'see copy-usage_notes-copy-from-columnar',
    );
  }
  if (format === 'csv' && (plan.format.removeQuotes || plan.format.escape)) {
    const o = options.get(plan.format.escape ? 'ESCAPE' : 'REMOVEQUOTES') as ParsedOption;
    throw ctx.invalid(
      o.at,
      `CSV cannot be used with ${plan.format.escape ? 'ESCAPE' : 'REMOVEQUOTES'}`,
      'Redshift rejects this combination (copy-parameters-data-format)',
    );
  }
  return {
    kind: 'action',
    description: `load ${plan.table} from ${source} (local emulation of COPY, store ${store.label})`,
    run: (session) => runCopy(session, store, plan, where, loadWith),
  };
}

/** JSON 'auto' (the default), 'auto ignorecase', or 's3://bucket/jsonpaths.json' (copy-parameters-data-format). */
function jsonOption(ctx: RewriteContext, o: ParsedOption, plan: CopyPlan): void {
  const value = (o.value ?? 'auto').trim();
  if (/^auto( ignorecase)?$/i.test(value)) plan.format.json = value.toLowerCase() as 'auto' | 'auto ignorecase';
  else if (value.startsWith('s3://')) plan.jsonPaths = value;
  else
    throw ctx.invalid(
      o.at,
      `JSON '${value}' is not 'auto', 'auto ignorecase' or an s3:// JSONPaths file`,
      'see copy-parameters-data-format',
    );
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
