/** `baseline --version V`: marks an existing warehouse as being at V, so older migrations will not run. */
import { InputError } from '../errors';
import type { HistoryRow } from '../ledger/schema-history';
import { normalizeVersion, parseVersion } from '../migrations/version';
import { underDeployLock, type EngineContext } from './engine-context';

export async function baseline(ctx: EngineContext, version: string, description: string): Promise<HistoryRow> {
  if (!parseVersion(version)) throw new InputError(`--version "${version}" is not a version`, { hint: 'e.g. rsrun baseline --version 3' });
  return underDeployLock(ctx, async (session) => {
    const history = await ctx.history.list(session);
    if (history.some((r) => r.type !== 'repeatable')) {
      throw new InputError('cannot baseline: the history already has migrations', {
        hint: 'baseline only a warehouse that rsrun has not migrated yet (see `rsrun info`)',
      });
    }
    const row = {
      installedRank: history.reduce((m, r) => Math.max(m, r.installedRank), 0) + 1,
      version: normalizeVersion(version),
      description,
      type: 'baseline' as const,
      script: description,
      checksum: null,
      installedBy: ctx.warehouse.user,
      statementsDone: 0,
      runId: ctx.runId,
    };
    await ctx.history.insert(session, row, { success: true, executionMs: 0 });
    return (await ctx.history.list(session)).at(-1) as HistoryRow;
  });
}
