/** Applies Redshift SQL files through the emulation, the way the engine will. */
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { splitSql } from '../../runner/migrations/split-sql';
import type { StatementRewriter } from '../../runner/dialects/rewriter';
import type { Session } from '../../runner/warehouse/warehouse';

export const CORPUS = path.join(__dirname, '..', 'fixtures', 'redshift-corpus');

/** A fresh copy of the corpus object store (UNLOAD writes into it). */
export async function corpusStore(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'rsrun-s3-'));
  await cp(path.join(CORPUS, 's3'), root, { recursive: true });
  return root;
}

export async function applyStatements(rewriter: StatementRewriter, session: Session, text: string, file: string): Promise<number> {
  let applied = 0;
  for (const stmt of splitSql(text, file)) {
    for (const step of rewriter.rewrite(stmt.sql, { file, line: stmt.line })) {
      try {
        if (step.kind === 'sql') await session.query(step.sql);
        else await step.run(session);
      } catch (err) {
        throw new Error(
          `${file}:${stmt.line}: ${err instanceof Error ? err.message : String(err)}\n${step.kind === 'sql' ? step.sql : step.description}`,
          { cause: err },
        );
      }
    }
    applied++;
  }
  return applied;
}

export async function applyFile(rewriter: StatementRewriter, session: Session, name: string): Promise<number> {
  return applyStatements(rewriter, session, await readFile(path.join(CORPUS, name), 'utf8'), name);
}
