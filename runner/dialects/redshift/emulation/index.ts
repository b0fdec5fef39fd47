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
import { loadSqlTokenizer } from '../../sql-tokens';
import { installCompatSchema } from './compat-schema';
import type { LoadMethod } from './copy-from-s3';
import { LocalDirectoryStore, type ObjectStore } from './object-store';
import { rewriteStatement } from './rewrite-statement';
import { SessionSettings } from './session-settings';
import { SuperColumns } from './super-values';
import { guardTransactionRules } from './transaction-guard';

export type { ObjectStore } from './object-store';
export { LocalDirectoryStore } from './object-store';

export interface RedshiftEmulationOptions {
  /** Where `COPY ... FROM 's3://...'` reads and `UNLOAD ... TO 's3://...'` writes. */
  s3Store: ObjectStore;
  /** How COPY loads rows: `copy` (COPY FROM STDIN, default) or `insert` (the embedded engine). */
  loadWith?: LoadMethod;
  /**
   * Receives one line per statement accepted without local effect ("V3__x.sql:12: GRANT skipped
   * locally: ..."). Default: printed on stderr.
   */
  onNotice?: (message: string) => void;
}

export function createRedshiftEmulation(options: RedshiftEmulationOptions): StatementRewriter {
  // Session settings follow the order statements are rewritten in, which is the order they run.
  const env = {
    store: options.s3Store,
    loadWith: options.loadWith ?? 'copy',
    settings: new SessionSettings(),
    superColumns: new SuperColumns(),
    notice: options.onNotice ?? ((message: string) => process.stderr.write(`rsrun: notice: ${message}\n`)),
  };
  return {
    async prepare(session: Session): Promise<void> {
      await loadSqlTokenizer();
      await installCompatSchema(session);
      await env.superColumns.load(session);
    },
    rewrite(statement: string, where: StatementLocation): RewrittenStatement[] {
      env.superColumns.noteDdl(statement);
      return guardTransactionRules(statement, env.superColumns.wrap(rewriteStatement(statement, where, env), where));
    },
  };
}

/**
 * The rewriter for a resolved configuration, or undefined when the environment does not emulate
 * Redshift. COPY/UNLOAD use the environment's own source (`env.copySource`: `local_s3_dir`, else
 * `s3_endpoint`, an S3-compatible server): never the report store `[s3]`, which holds reports, not
 * the data a project loads. The tokenizer is loaded here, so `rewrite` works even before the first `prepare`.
 */
export async function createRewriterForConfig(
  config: ResolvedConfig,
  onNotice?: (message: string) => void,
): Promise<StatementRewriter | undefined> {
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
  return createRedshiftEmulation({
    s3Store,
    loadWith: config.env.engine === 'embedded' ? 'insert' : 'copy',
    ...(onNotice ? { onNotice } : {}),
  });
}
