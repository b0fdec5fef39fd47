/**
 * CSV fixtures: a CSV (header row = column names) loaded into a table before a test runs. Through
 * COPY FROM STDIN where the connection supports it, else as multi-row INSERTs with bind parameters
 * (valid on Redshift too), cut by encoded size: the Data API refuses statements over 100 KB
 * ("The maximum query statement size is 100 KB", https://docs.aws.amazon.com/redshift/latest/mgmt/data-api.html),
 * and a parameter count alone says nothing about bytes (30,000 parameters of a wide CSV are megabytes).
 */
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import type { DialectAdapter } from '../dialects/dialect';
import { insertBatches } from '../warehouse/statement-batches';
import type { Session } from '../warehouse/warehouse';
import { quoteQualified } from './ini-tests';
import type { CsvFixture } from './model';
import { parseCsvCells } from './sql-test-file';

export interface FixtureLoading {
  dialect: DialectAdapter;
  /** COPY ... FROM STDIN works on this connection (not on the embedded socket server, not on Redshift). */
  copyFromStdin: boolean;
  /** The largest statement (text and parameters, in UTF-8 bytes) the warehouse accepts. */
  maxStatementBytes: number;
}

export async function loadFixture(session: Session, fixture: CsvFixture, options: FixtureLoading): Promise<number> {
  const header = await readCsvHeader(fixture.file);
  const columns = header.map((c) => options.dialect.quoteIdent(c)).join(', ');
  const table = quoteQualified(fixture.table);
  if (options.copyFromStdin) {
    return session.copyFrom(`COPY ${table} (${columns}) FROM STDIN WITH (FORMAT csv, HEADER true)`, createReadStream(fixture.file));
  }
  const [, ...rows] = parseCsvCells(await readFile(fixture.file, 'utf8'), fixture.file);
  const prefix = `INSERT INTO ${table} (${columns}) VALUES `;
  for (const batch of insertBatches(rows, header.length, Buffer.byteLength(prefix), options.maxStatementBytes)) {
    let n = 0;
    const values = batch.map((row) => `(${row.map(() => `$${++n}`).join(', ')})`).join(', ');
    await session.query(prefix + values, batch.flat());
  }
  return rows.length;
}

async function readCsvHeader(file: string): Promise<string[]> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- csv-parse's typed overload wants `columns`
    const [header] = parseCsv(buf.subarray(0, bytesRead).toString('utf8'), { bom: true, to_line: 1 }) as string[][];
    if (!header || header.length === 0) throw new Error(`${file} has no header row`);
    return header;
  } finally {
    await fh.close();
  }
}
