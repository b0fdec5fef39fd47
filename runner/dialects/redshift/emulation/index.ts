/**
 * Redshift SQL on a PostgreSQL engine (the embedded engine, or a PostgreSQL server marked
 * `emulate_redshift`). Each statement is tokenized by PostgreSQL's own lexer (sql-tokens.ts) and
 * rewritten at the token level; everything not rewritten is kept byte-for-byte.
 *
 *   const rewriter = await createRewriterForConfig(config);   // undefined unless env.emulateRedshift
 *   await rewriter.prepare(session);                          // once per session
 *   for (const step of rewriter.rewrite(sql, { file, line })) {
 *     if (step.kind === 'sql') await session.query(step.sql); else await step.run(session);
 *   }
 */
import type { ResolvedConfig } from '../../../config/types';
import type { Session } from '../../../warehouse/warehouse';
import type { RewrittenStatement, StatementLocation, StatementRewriter } from '../../rewriter';
import { codeTokens, loadSqlTokenizer, tokenizeSql } from '../../sql-tokens';
import { installCompatSchema } from './compat-schema';
import { copyFromS3, isS3Copy, type LoadMethod } from './copy-from-s3';
import { rewriteExpressions } from './expressions';
import { LocalDirectoryStore, type ObjectStore } from './object-store';
import { RewriteContext } from './rewrite-context';
import { NOTHING_TO_RUN, rewriteTableDdl } from './table-ddl';
import { unloadToS3 } from './unload-to-s3';

export type { ObjectStore } from './object-store';
export { LocalDirectoryStore } from './object-store';

export interface RedshiftEmulationOptions {
  /** Where `COPY ... FROM 's3://...'` reads and `UNLOAD ... TO 's3://...'` writes. */
  s3Store: ObjectStore;
  /** How COPY loads rows: `copy` (COPY FROM STDIN, default) or `insert` (the embedded engine). */
  loadWith?: LoadMethod;
}

export function createRedshiftEmulation(options: RedshiftEmulationOptions): StatementRewriter {
  return {
    async prepare(session: Session): Promise<void> {
      await loadSqlTokenizer();
      await installCompatSchema(session);
    },
    rewrite(statement: string, where: StatementLocation): RewrittenStatement[] {
      return rewriteStatement(statement, where, options.s3Store, options.loadWith ?? 'copy');
    },
  };
}

/**
 * The rewriter for a resolved configuration, or undefined when the environment does not emulate
 * Redshift. COPY/UNLOAD use the environment's own source (`env.copySource`: `local_s3_dir`, else
 * `s3_endpoint`, an S3-compatible server): never the report store `[s3]`, which holds reports, not
 * the data a project loads. The tokenizer is loaded here, so `rewrite` works even before the first `prepare`.
 */
export async function createRewriterForConfig(config: ResolvedConfig): Promise<StatementRewriter | undefined> {
  if (!config.env.emulateRedshift) return undefined;
  await loadSqlTokenizer();
  const source = config.env.copySource;
  let s3Store: ObjectStore;
  if (source.kind === 'endpoint') {
    const { S3ObjectStore } = await import('./s3-object-store.js');
    s3Store = new S3ObjectStore({ endpoint: source.endpoint, region: config.env.region, forcePathStyle: true });
  } else {
    s3Store = new LocalDirectoryStore(source.dir);
  }
  return createRedshiftEmulation({ s3Store, loadWith: config.env.engine === 'embedded' ? 'insert' : 'copy' });
}

export function rewriteStatement(
  statement: string,
  where: StatementLocation,
  store: ObjectStore,
  loadWith: LoadMethod = 'copy',
): RewrittenStatement[] {
  const tokens = codeTokens(tokenizeSql(statement, where.file));
  if (tokens.length === 0) return [{ kind: 'sql', sql: statement }];
  const ctx = new RewriteContext(statement, tokens, where);
  if (isS3Copy(ctx)) return [copyFromS3(ctx, store, loadWith)];
  if (ctx.isWord(0, 'UNLOAD')) return [unloadToS3(ctx, store, (sql) => rewriteSql(sql, where))];
  if (rewriteTableDdl(ctx) === NOTHING_TO_RUN) return [];
  rewriteExpressions(ctx);
  if (isRoutineDefinition(ctx)) rewriteRoutineBody(ctx);
  return [{ kind: 'sql', sql: ctx.apply() }];
}

/** Rewrites a statement that must stay one plain SQL statement (the query inside UNLOAD). */
function rewriteSql(sql: string, where: StatementLocation): string {
  const ctx = new RewriteContext(sql, codeTokens(tokenizeSql(sql, where.file)), where);
  rewriteExpressions(ctx);
  return ctx.apply();
}

function isRoutineDefinition(ctx: RewriteContext): boolean {
  let i = 1;
  if (!ctx.isWord(0, 'CREATE')) return false;
  if (ctx.isWord(i, 'OR') && ctx.isWord(i + 1, 'REPLACE')) i += 2;
  return ctx.isWord(i, 'PROCEDURE', 'FUNCTION');
}

/**
 * Stored procedures (r_CREATE_PROCEDURE) and SQL UDFs carry their body as a dollar-quoted string:
 * Redshift functions called inside it are rewritten like any other statement's.
 */
function rewriteRoutineBody(ctx: RewriteContext): void {
  ctx.tokens.forEach((t, i) => {
    if (t.kind !== 'string' || !t.text.startsWith('$') || !ctx.isWord(i - 1, 'AS')) return;
    const tag = /^\$[^$]*\$/.exec(t.text)?.[0] as string;
    const body = t.text.slice(tag.length, t.text.length - tag.length);
    let bodyTokens;
    try {
      bodyTokens = codeTokens(tokenizeSql(body, ctx.where.file));
    } catch {
      return; // not lexable as SQL (another language's body): the server will judge it as written
    }
    const inner = new RewriteContext(body, bodyTokens, ctx.where);
    rewriteExpressions(inner);
    if (inner.changed) ctx.replace(i, i, `${tag}${inner.apply()}${tag}`);
  });
}
