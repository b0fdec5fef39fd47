/** `undo --to V`: runs U scripts, newest first, for every applied version above V, under the deployment lock. */
import { InputError } from '../errors';
import { compareVersions, normalizeVersion, parseVersion } from '../migrations/version';
import type { Migration } from '../migrations/migration';
import { applyNonTransactional, applyStepwise } from './apply-single';
import { stagedRowFor, underDeployLock, type EngineContext } from './engine-context';
import { OutcomeRecorder, type MigrateResult } from './outcomes';
import { computeState, transactionality, type ExecutionPlanItem } from './planning';
import { prepareSteps } from './steps';

export async function undo(ctx: EngineContext, target: string): Promise<MigrateResult> {
  if (!parseVersion(target)) throw new InputError(`--to "${target}" is not a version`, { hint: 'e.g. rsrun undo --to 1.2' });
  const set = await ctx.migrations();
  return underDeployLock(ctx, async (session) => {
    const history = await ctx.history.list(session);
    const toUndo = computeState(set, history)
      .applied.filter(
        (r) =>
          r.type === 'versioned' && r.success && r.version !== null && parseVersion(r.version) && compareVersions(r.version, target) > 0,
      )
      .sort((a, b) => compareVersions(b.version as string, a.version as string));
    const missing = toUndo.filter((r) => !set.undo.has(normalizeVersion(r.version as string)));
    if (missing.length > 0) {
      throw new InputError(`cannot undo to ${target}: no undo script for ${missing.map((r) => r.version).join(', ')}`, {
        hint: `add U<version>__<description>.sql for each, or choose a later --to version; nothing was changed`,
      });
    }
    if (ctx.options.rewriter && toUndo.length > 0) await ctx.options.rewriter.prepare(session);
    let nextRank = history.reduce((max, r) => Math.max(max, r.installedRank), 0) + 1;
    const work = toUndo.map((row) => {
      const u = set.undo.get(normalizeVersion(row.version as string)) as Migration;
      const item: ExecutionPlanItem = { migration: u, reason: 'new', resumeFrom: 0, ...transactionality(u, ctx.dialect) };
      return { version: row.version, item, steps: prepareSteps(u, ctx.options.rewriter), row: stagedRowFor(ctx, u, nextRank++) };
    });
    const recorder = new OutcomeRecorder(ctx.events, ctx.logger);
    for (const [k, w] of work.entries()) {
      recorder.started(w.item, `undoing ${w.version} with ${w.item.migration.script}`);
      const started = Date.now();
      const run = w.item.transactional ? applyStepwise : applyNonTransactional;
      const executionMs = await run(ctx, session, w).catch((err: unknown) => {
        throw recorder.failed(
          w.item,
          Date.now() - started,
          err,
          work.slice(k + 1).map((x) => x.item),
        );
      });
      recorder.applied(w.item, executionMs);
    }
    return recorder.result(await ctx.history.list(session));
  });
}
