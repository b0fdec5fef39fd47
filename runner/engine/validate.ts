/** `validate`: the applied migrations still match their files (checksums, missing files, failed rows). */
import type { Session } from '../warehouse/warehouse';
import type { EngineContext } from './engine-context';
import { readState, type StateWithHistory } from './plan';
import { disagreement } from './planning';

/** Throws a ValidationError (exit 2) listing every disagreement; returns the state otherwise. */
export async function validate(ctx: EngineContext, session?: Session): Promise<StateWithHistory> {
  const state = await readState(ctx, session);
  if (state.problems.length > 0) throw disagreement(state.problems);
  return state;
}
