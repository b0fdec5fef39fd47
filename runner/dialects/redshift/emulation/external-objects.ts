/**
 * Objects whose data or code lives outside the cluster: external schemas and tables (Spectrum,
 * federated queries, streaming), external functions (AWS Lambda, SageMaker). Locally they become
 * objects with the same names and shapes, so the statements after them still find what they
 * refer to, and a notice says what does not come along:
 *
 * - CREATE EXTERNAL SCHEMA name FROM ... (r_CREATE_EXTERNAL_SCHEMA) → CREATE SCHEMA IF NOT EXISTS.
 * - CREATE EXTERNAL TABLE s.t (cols) [PARTITIONED BY (cols)] ... (r_CREATE_EXTERNAL_TABLE) → an
 *   empty table with the columns and the partition columns; its S3 data is not read.
 *   CREATE EXTERNAL TABLE ... AS SELECT writes the query's rows to S3 and reads them back through
 *   the table, so locally it is CREATE TABLE ... AS SELECT. DROP EXTERNAL TABLE drops the table;
 *   ALTER TABLE ... ADD/DROP PARTITION and SET LOCATION/TABLE PROPERTIES/FILE FORMAT
 *   (r_ALTER_TABLE_external-table) are skipped.
 * - CREATE EXTERNAL FUNCTION f(types) RETURNS type ... LAMBDA|SAGEMAKER '...'
 *   (r_CREATE_EXTERNAL_FUNCTION) → a function with the same signature that fails when called,
 *   naming the Lambda function: creating views and procedures that call it still works. Python
 *   UDFs (LANGUAGE plpythonu) become the same kind of stub (see pythonFunction).
 */
import { rewriteType } from './data-types';
import { RewriteContext } from './rewrite-context';
import { codeTokens, tokenizeSql } from '../../sql-tokens';
import { sqlString, stringValue } from './sql-literals';
import type { Skip } from './local-scope';

export type ExternalRewrite = { sql: string | undefined; notice: Skip };

export function rewriteExternalObject(ctx: RewriteContext): ExternalRewrite | undefined {
  let k = 1;
  if (ctx.isWord(0, 'CREATE') && ctx.isWord(1, 'OR') && ctx.isWord(2, 'REPLACE')) k = 3;
  if (ctx.isWord(0, 'CREATE') && ctx.isWord(k, 'EXTERNAL')) {
    if (ctx.isWord(k + 1, 'SCHEMA')) return externalSchema(ctx, k + 2);
    if (ctx.isWord(k + 1, 'TABLE')) return externalTable(ctx, k + 2);
    if (ctx.isWord(k + 1, 'FUNCTION')) return externalFunction(ctx, k + 2);
    if (ctx.isWord(k + 1, 'VIEW')) {
      throw ctx.unsupported(k, 'CREATE EXTERNAL VIEW', 'external views live in a Data Catalog; create a regular view for local runs');
    }
  }
  if (ctx.isWord(0, 'CREATE') && ctx.isWord(k, 'FUNCTION') && isPython(ctx)) return pythonFunction(ctx, k + 1);
  if (ctx.isWord(0, 'DROP') && ctx.isWord(1, 'EXTERNAL') && ctx.isWord(2, 'TABLE')) {
    return {
      sql: `DROP TABLE ${ctx.text(3, ctx.tokens.length - 1)}`,
      notice: { construct: 'DROP EXTERNAL TABLE', reason: 'the local stand-in table is dropped; nothing in S3 is touched' },
    };
  }
  if (ctx.isWord(0, 'ALTER') && ctx.isWord(1, 'TABLE')) return alterExternalTable(ctx);
  return undefined;
}

function externalSchema(ctx: RewriteContext, at: number): ExternalRewrite {
  const ifNotExists = ctx.isWord(at, 'IF') && ctx.isWord(at + 1, 'NOT') && ctx.isWord(at + 2, 'EXISTS');
  const nameAt = ifNotExists ? at + 3 : at;
  const source = ctx.isWord(nameAt + 1, 'FROM') ? (ctx.tok(nameAt + 2)?.upper ?? 'DATA') : 'DATA';
  return {
    sql: `CREATE SCHEMA IF NOT EXISTS ${ctx.text(nameAt, nameAt)}`,
    notice: {
      construct: 'CREATE EXTERNAL SCHEMA',
      reason: `created as a local schema; its ${source === 'DATA' ? 'DATA CATALOG' : source} source is not reached from the local warehouse`,
    },
  };
}

function externalTable(ctx: RewriteContext, at: number): ExternalRewrite {
  const nameEnd = ctx.skipName(at);
  const name = ctx.text(at, nameEnd - 1);
  const as = ctx.tokens.findIndex((t, i) => i > nameEnd && t.kind === 'word' && t.upper === 'AS' && ctx.isWord(i + 1, 'SELECT', 'WITH'));
  if (as >= 0) {
    return {
      sql: `CREATE TABLE ${name} AS ${ctx.text(as + 1, ctx.tokens.length - 1)}`,
      notice: { construct: 'CREATE EXTERNAL TABLE ... AS', reason: 'the rows are kept in a local table instead of files in S3' },
    };
  }
  const columns: string[] = [];
  if (ctx.isSymbol(nameEnd, '(')) columns.push(...columnDefinitions(ctx, nameEnd));
  const partitioned = ctx.tokens.findIndex((t, i) => t.upper === 'PARTITIONED' && ctx.isWord(i + 1, 'BY') && ctx.isSymbol(i + 2, '('));
  if (partitioned >= 0) columns.push(...columnDefinitions(ctx, partitioned + 2));
  const location = ctx.tokens.findIndex((t) => t.kind === 'word' && t.upper === 'LOCATION');
  const where = location >= 0 ? ` at ${stringValue(ctx.tok(location + 1)) ?? 'its LOCATION'}` : '';
  return {
    sql: `CREATE TABLE ${name} (${columns.join(', ')})`,
    notice: { construct: 'CREATE EXTERNAL TABLE', reason: `created as an empty local table; its data${where} is not read` },
  };
}

/** `name type` pairs of the list opening at `open`, with Redshift types made local. */
function columnDefinitions(ctx: RewriteContext, open: number): string[] {
  return ctx.args(open).map(([a, b]) => `${ctx.text(a, a)} ${localType(ctx.text(a + 1, b), ctx)}`);
}

function localType(text: string, ctx: RewriteContext): string {
  const inner = new RewriteContext(text, codeTokens(tokenizeSql(text, ctx.where.file)), ctx.where);
  rewriteType(inner, 0, 'column');
  return inner.apply();
}

function alterExternalTable(ctx: RewriteContext): ExternalRewrite | undefined {
  const i = ctx.skipName(2);
  let k = i;
  if (ctx.isWord(k, 'ADD', 'DROP')) {
    k++;
    if (ctx.isWord(k, 'IF')) k += ctx.isWord(k + 1, 'NOT') ? 3 : 2;
    if (!ctx.isWord(k, 'PARTITION')) return undefined;
  } else if (ctx.isWord(k, 'PARTITION')) {
    // PARTITION (...) SET LOCATION
  } else if (!(ctx.isWord(k, 'SET') && ctx.isWord(k + 1, 'LOCATION', 'TABLE', 'FILE'))) {
    return undefined;
  }
  return {
    sql: undefined,
    notice: {
      construct: 'ALTER TABLE (external table partitions and properties)',
      reason: 'external table data in S3 is not read locally',
    },
  };
}

/** Name, local argument types and return type of `name (args) RETURNS type` at `at`. */
function stubSignature(
  ctx: RewriteContext,
  at: number,
  construct: string,
  page: string,
): { name: string; args: string[]; returns: string } {
  const nameEnd = ctx.skipName(at);
  const name = ctx.text(at, nameEnd - 1);
  if (!ctx.isSymbol(nameEnd, '(')) throw ctx.invalid(nameEnd, `${construct} needs (argument types)`, `see ${page}`);
  const close = ctx.close(nameEnd);
  // Argument names are dropped: the stub never reads its arguments.
  const args = ctx.args(nameEnd).map(([a, b]) => {
    const named = a < b && ctx.tok(a + 1)?.kind === 'word' && !ctx.isWord(a, ...MULTI_WORD_TYPE_STARTS);
    return localType(ctx.text(named ? a + 1 : a, b), ctx);
  });
  const returnsAt = close + 1;
  if (!ctx.isWord(returnsAt, 'RETURNS')) throw ctx.invalid(returnsAt, `${construct} needs RETURNS type`, `see ${page}`);
  let typeEnd = returnsAt + 2;
  if (ctx.isSymbol(typeEnd, '(')) typeEnd = ctx.close(typeEnd) + 1;
  else if (ctx.isWord(returnsAt + 1, 'DOUBLE', 'CHARACTER')) typeEnd++;
  return { name, args, returns: localType(ctx.text(returnsAt + 1, typeEnd - 1), ctx) };
}

/** A function with the signature that fails when called, with `message` and `hint`. */
function failingFunction(signature: { name: string; args: string[]; returns: string }, message: string, hint: string): string {
  return (
    `CREATE OR REPLACE FUNCTION ${signature.name}(${signature.args.join(', ')}) RETURNS ${signature.returns} LANGUAGE plpgsql VOLATILE AS $rsrun$ ` +
    `BEGIN RAISE EXCEPTION ${sqlString(message)} USING HINT = ${sqlString(hint)}; END $rsrun$`
  );
}

function externalFunction(ctx: RewriteContext, at: number): ExternalRewrite {
  const signature = stubSignature(ctx, at, 'CREATE EXTERNAL FUNCTION', 'r_CREATE_EXTERNAL_FUNCTION');
  const target = ctx.tokens.findIndex((t) => t.kind === 'word' && (t.upper === 'LAMBDA' || t.upper === 'SAGEMAKER'));
  const service =
    target >= 0
      ? `${ctx.tok(target)?.upper === 'LAMBDA' ? 'AWS Lambda function' : 'SageMaker endpoint'} ${stringValue(ctx.tok(target + 1)) ?? ''}`
      : 'its AWS service';
  return {
    sql: failingFunction(
      signature,
      `external function ${signature.name} calls ${service.trim()}, which the local warehouse cannot reach`,
      'stub the function with a SQL UDF of the same name for local runs',
    ),
    notice: {
      construct: 'CREATE EXTERNAL FUNCTION',
      reason: `created as a local function that fails when called: ${service.trim()} is not reachable`,
    },
  };
}

/**
 * CREATE FUNCTION ... LANGUAGE plpythonu (r_CREATE_FUNCTION, udf-creating-a-scalar-udf): neither
 * local engine runs Python, and Redshift itself ends Python UDFs (the pages' notice: no new ones
 * from Patch 198, existing ones stop working after June 30, 2026). Locally the function is created
 * with its signature and fails when called, naming itself, so views and procedures over it still
 * deploy.
 */
function pythonFunction(ctx: RewriteContext, at: number): ExternalRewrite {
  const signature = stubSignature(ctx, at, 'CREATE FUNCTION', 'r_CREATE_FUNCTION');
  return {
    sql: failingFunction(
      signature,
      `Python UDF ${signature.name} cannot run on the local warehouse (no Python), and Redshift ends Python UDF support`,
      'rewrite it as a SQL UDF (LANGUAGE sql) or a Lambda UDF (CREATE EXTERNAL FUNCTION)',
    ),
    notice: {
      construct: 'CREATE FUNCTION ... LANGUAGE plpythonu',
      reason: 'created as a local function that fails when called: the local warehouse runs no Python',
    },
  };
}

function isPython(ctx: RewriteContext): boolean {
  return ctx.tokens.some((t, i) => t.upper === 'LANGUAGE' && ctx.isWord(i + 1, 'PLPYTHONU'));
}

/** Types spelled with more than one word: their first word is not an argument name. */
const MULTI_WORD_TYPE_STARTS = ['DOUBLE', 'CHARACTER', 'CHAR', 'NATIONAL', 'NCHAR', 'BIT', 'TIME', 'TIMESTAMP', 'BINARY'];
