/** `plan` and `info`: what is applied and what `migrate` would do, without taking the lock or creating anything. */
import type { HistoryRow } from '../ledger/schema-history';
import type { Session } from '../warehouse/warehouse';
import { withSession, type EngineContext } from './engine-context';
import { computeState, planItem, type AppliedState, type ExecutionPlanItem } from './planning';

export type StateWithHistory = AppliedState & { history: HistoryRow[] };

export async function readState(ctx: EngineContext, session?: Session): Promise<StateWithHistory> {
  const set = await ctx.migrations();
  if (ctx.options.historyAbsent === true) return { ...computeState(set, []), history: [] };
  return withSession(ctx, session, async (s) => {
    const history = (await ctx.history.exists(s)) ? await ctx.history.list(s) : [];
    return { ...computeState(set, history), history };
  });
}

/** What `migrate` would do, in order. */
export async function plan(ctx: EngineContext, session?: Session): Promise<{ items: ExecutionPlanItem[]; state: StateWithHistory }> {
  const state = await readState(ctx, session);
  return { items: state.pending.map((p) => planItem(p, ctx.dialect)), state };
}
