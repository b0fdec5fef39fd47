/**
 * `UNLOAD ('select ...') TO 's3://bucket/prefix' ...` (r_UNLOAD) → an action that runs the
 * (rewritten) query through `COPY (query) TO STDOUT` and writes the result into the ObjectStore
 * under Redshift's names: `<prefix>000` with PARALLEL OFF, `<prefix>0000_part_00` otherwise (one
 * slice locally), `.gz` with GZIP, `<prefix>manifest` with MANIFEST (r_UNLOAD_command_examples).
 *
 * Output is PostgreSQL's CSV writer with the requested delimiter, HEADER, NULL AS and ADDQUOTES
 * (FORCE_QUOTE *). For the default pipe-delimited text format one difference remains and is
 * documented: a value containing the delimiter, a quote or a newline is CSV-quoted locally where
 * Redshift writes it raw; an empty string is written as "" (Redshift writes nothing).
 */
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { InputError } from '../../../errors';
import type { RewrittenStatement } from '../../rewriter';
import type { Session } from '../../../warehouse/warehouse';
import { parseOptions, rejectOptions, singleChar } from './load-options';
import { parseS3Url, type ObjectStore } from './object-store';
import type { RewriteContext } from './rewrite-context';
import { expressionStringValue, sqlString, stringValue } from './sql-literals';

const REJECTED = {
  PARQUET: 'unload as CSV for local runs',
  JSON: 'unload as CSV for local runs',
  FIXEDWIDTH: 'unload with a DELIMITER for local runs',
  ENCRYPTED: 'client-side encryption is not emulated',
  KMS_KEY_ID: 'server-side KMS encryption is not emulated',
  BZIP2: 'use GZIP or no compression',
  ZSTD: 'use GZIP or no compression',
  ESCAPE: 'use FORMAT CSV, whose quoting round-trips any value',
  CLEANPATH: 'use ALLOWOVERWRITE, or a fresh prefix',
};

export function unloadToS3(ctx: RewriteContext, store: ObjectStore, rewriteSql: (sql: string) => string): RewrittenStatement {
  if (!ctx.isSymbol(1, '(') || ctx.tok(2)?.kind !== 'string' || !ctx.isSymbol(3, ')') || !ctx.isWord(4, 'TO')) {
    throw ctx.invalid(0, "UNLOAD needs ('select ...') TO 's3://...'", 'see r_UNLOAD');
  }
  const partition = ctx.tokens.findIndex((t, i) => t.kind === 'word' && t.upper === 'PARTITION' && ctx.isWord(i + 1, 'BY'));
  if (partition >= 0)
    throw ctx.unsupported(partition, 'UNLOAD ... PARTITION BY', 'unload each partition with its own WHERE clause and prefix');
  const target = stringValue(ctx.tok(5));
  if (target === undefined) throw ctx.invalid(5, "UNLOAD needs TO 's3://bucket/prefix'", 'see r_UNLOAD');
  const where = { file: ctx.where.file, line: ctx.where.line };
  const { bucket, key: prefix } = parseS3Url(target, where);
  const options = parseOptions(ctx, 6);
  rejectOptions(ctx, options, REJECTED);
  const text = expressionStringValue(ctx.tok(2));
  if (text === undefined) throw ctx.invalid(2, 'invalid byte sequence for encoding "UTF8" in the UNLOAD query', 'see r_UNLOAD');
  const query = rewriteSql(text);
  const csv = options.has('CSV');
  const delimiter = singleChar(ctx, options, 'DELIMITER', csv ? ',' : '|');
  const parallel = options.get('PARALLEL')?.value;
  const serial = parallel === 'OFF' || parallel === 'FALSE';
  const gzip = options.has('GZIP');
  const ext = options.get('EXTENSION')?.value;
  const dataKey = `${prefix}${serial ? '000' : '0000_part_00'}${ext ? `.${ext.replace(/^\./, '')}` : ''}${gzip ? '.gz' : ''}`;
  const manifest = options.get('MANIFEST');
  const manifestKey = `${prefix}manifest`;
  const copyOptions = [
    'FORMAT csv',
    `DELIMITER ${sqlString(delimiter)}`,
    `HEADER ${options.has('HEADER') ? 'true' : 'false'}`,
    `NULL ${sqlString(options.get('NULL')?.value ?? '')}`,
    ...(options.has('ADDQUOTES') ? ['FORCE_QUOTE *'] : []),
  ];
  const copySql = `COPY (${query}) TO STDOUT WITH (${copyOptions.join(', ')})`;
  return {
    kind: 'action',
    description: `unload to s3://${bucket}/${dataKey} (local emulation of UNLOAD, store ${store.label})`,
    async run(session: Session): Promise<void> {
      const targets = manifest ? [dataKey, manifestKey] : [dataKey];
      if (!options.has('ALLOWOVERWRITE')) {
        const existing = await store.list(bucket, prefix);
        const clash = targets.find((k) => existing.includes(k));
        if (clash) {
          throw new InputError(`Specified unload destination on S3 is not empty: s3://${bucket}/${clash} exists`, {
            ...where,
            hint: 'use a different prefix, remove the files, or add ALLOWOVERWRITE',
          });
        }
      }
      const parts: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          parts.push(chunk);
          done();
        },
      });
      await session.copyTo(copySql, sink);
      const raw = Buffer.concat(parts);
      const body = gzip ? gzipSync(raw) : raw;
      await store.put(bucket, dataKey, body);
      if (manifest) {
        const entry: Record<string, unknown> = { url: `s3://${bucket}/${dataKey}` };
        if (manifest.value === 'VERBOSE') entry.meta = { content_length: body.length };
        await store.put(bucket, manifestKey, Buffer.from(`${JSON.stringify({ entries: [entry] }, null, 2)}\n`));
      }
    },
  };
}
