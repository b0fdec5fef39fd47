/**
 * The records of one COPY source object, in the data format the COPY names
 * (copy-parameters-data-format): delimited text (the default), CSV, JSON ('auto',
 * 'auto ignorecase' or a JSONPaths file) and Parquet. A record is the raw line (for
 * STL_LOAD_ERRORS) and one field per target column, NULL where the format says so.
 *
 * CSV parsing is csv-parse's; Parquet is read with hyparquet (pure JavaScript). Delimited text
 * and JSON need Redshift's own rules (no backslash escapes without ESCAPE, REMOVEQUOTES,
 * concatenated JSON objects), so they are read here.
 */
import { parse as parseCsv } from 'csv-parse/sync';

export interface SourceRecord {
  /** 1-based line of the record in its object. */
  line: number;
  raw: string;
  fields: Array<string | null>;
}

export interface RecordFormat {
  format: 'text' | 'csv' | 'json' | 'parquet';
  delimiter: string;
  quote: string;
  ignoreHeader: number;
  removeQuotes: boolean;
  escape: boolean;
  /** JSON: 'auto', 'auto ignorecase', or the JSONPaths of a jsonpaths file. */
  json?: 'auto' | 'auto ignorecase' | string[];
}

/** `columns`: the target columns in load order (JSON 'auto' matches keys to them). */
export async function readRecords(data: Buffer, f: RecordFormat, columns: readonly string[]): Promise<SourceRecord[]> {
  switch (f.format) {
    case 'csv':
      return csvRecords(data.toString('utf8'), f);
    case 'json':
      return jsonRecords(data.toString('utf8'), f, columns);
    case 'parquet':
      return parquetRecords(data);
    default:
      return textRecords(data.toString('utf8'), f);
  }
}

function csvRecords(text: string, f: RecordFormat): SourceRecord[] {
  const rows = parseCsv(text, {
    delimiter: f.delimiter,
    quote: f.quote,
    // A quote character inside a quoted field is doubled (copy-parameters-data-format CSV).
    escape: f.quote,
    relax_column_count: true,
    from_line: f.ignoreHeader + 1,
    skip_empty_lines: false,
    bom: true,
    raw: true,
    info: true,
  }) as unknown as Array<{ record: string[]; raw: string; info: { lines: number } }>;
  return rows.map((r) => ({ line: r.info.lines, raw: r.raw.replace(/\r?\n$/, ''), fields: r.record }));
}

function textRecords(text: string, f: RecordFormat): SourceRecord[] {
  const out: SourceRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let atStart = true;
  let line = 1;
  let lineStart = 0;
  const endRecord = (end: number) => {
    fields.push(field);
    if (line > f.ignoreHeader) out.push({ line, raw: text.slice(lineStart, end), fields });
    fields = [];
    field = '';
    atStart = true;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (f.removeQuotes && atStart && c === '"') {
      const close = text.indexOf('"', i + 1);
      field += text.slice(i + 1, close < 0 ? text.length : close);
      i = close < 0 ? text.length : close;
      atStart = false;
      continue;
    }
    atStart = false;
    if (f.escape && c === '\\' && i + 1 < text.length) {
      field += text.charAt(++i);
    } else if (c === f.delimiter) {
      fields.push(field);
      field = '';
      atStart = true;
    } else if (c === '\n') {
      endRecord(i);
      line++;
      lineStart = i + 1;
    } else field += c;
  }
  if (field !== '' || fields.length > 0) endRecord(text.length);
  return out;
}

/**
 * JSON source data: a sequence of objects (or, with a JSONPaths file, arrays) separated by
 * whitespace (copy-usage_notes-copy-from-json). Scalars become their text, nested objects and
 * arrays their JSON text, null NULL; a key or path that is absent gives NULL.
 */
function jsonRecords(text: string, f: RecordFormat, columns: readonly string[]): SourceRecord[] {
  const out: SourceRecord[] = [];
  for (const { start, end, line } of jsonValues(text)) {
    const raw = text.slice(start, end);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      out.push({ line, raw, fields: [] }); // judged as a bad record (field count) by the caller
      continue;
    }
    let fields: Array<string | null>;
    if (Array.isArray(f.json)) fields = f.json.map((p) => jsonText(jsonPath(value, p)));
    else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const obj = value as Record<string, unknown>;
      const keys = new Map(Object.keys(obj).map((k) => [f.json === 'auto ignorecase' ? k.toLowerCase() : k, k]));
      fields = columns.map((c) => {
        const key = keys.get(c);
        return key === undefined ? null : jsonText(obj[key]);
      });
    } else fields = [];
    out.push({ line, raw, fields });
  }
  return out;
}

/** Top-level JSON values of a text holding several, with the line each starts on. */
function* jsonValues(text: string): Generator<{ start: number; end: number; line: number }> {
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\n') line++;
    if (c !== '{' && c !== '[') {
      i++;
      continue;
    }
    const start = i;
    const startLine = line;
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const d = text[i] as string;
      if (d === '\n') line++;
      if (inString) {
        if (d === '\\') i++;
        else if (d === '"') inString = false;
      } else if (d === '"') inString = true;
      else if (d === '{' || d === '[') depth++;
      else if ((d === '}' || d === ']') && --depth === 0) break;
    }
    i++;
    yield { start, end: i, line: startLine };
  }
}

function jsonText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  // Numbers, booleans, bigints (objects went to JSON above).
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  return String(v);
}

/** A JSONPath of a JSONPaths file: `$['a']['b'][0]` or `$.a.b[0]` (copy-parameters-data-format, JSONPaths file). */
function jsonPath(value: unknown, path: string): unknown {
  const steps = [...path.replace(/^\$/, '').matchAll(/\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]|\[\s*(\d+)\s*\]|\.([^.[]+)/g)];
  let v = value;
  for (const m of steps) {
    if (v === null || typeof v !== 'object') return undefined;
    const key = m[1] ?? m[2] ?? m[4];
    v = key !== undefined ? (v as Record<string, unknown>)[key] : (v as unknown[])[Number(m[3])];
  }
  return v;
}

/**
 * Parquet: columns load by position, in the file's column order (copy-usage_notes-copy-from-columnar:
 * "COPY inserts values into the target table's columns in the same order as the columns occur
 * in the columnar data files").
 */
async function parquetRecords(data: Buffer): Promise<SourceRecord[]> {
  const { parquetReadObjects, parquetMetadata } = await import('hyparquet');
  const file = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const names = parquetMetadata(file)
    .schema.slice(1)
    .filter((s) => s.num_children === undefined)
    .map((s) => s.name);
  const rows = (await parquetReadObjects({ file })) as Array<Record<string, unknown>>;
  return rows.map((row, k) => ({
    line: k + 1,
    raw: JSON.stringify(row, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    fields: names.map((n) => parquetText(row[n])),
  }));
}

function parquetText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date)
    return v
      .toISOString()
      .replace('T', ' ')
      .replace(/\.000Z$|Z$/, '');
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return jsonText(v);
}
