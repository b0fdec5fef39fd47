/**
 * Deciding whether a suite can run: outside CI a missing service skips the suite with a printed
 * reason; with CI=true a missing service is a failure, so nothing is skipped silently in CI.
 */
import { recordSkip } from './mocha-hooks';

export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/**
 * Call from a `before` hook: `await requireService(this, 'PostgreSQL on 127.0.0.1:5432', probe, 'run scripts/start-postgres.sh')`.
 */
export async function requireService(ctx: Mocha.Context, name: string, probe: () => Promise<unknown>, howToEnable: string): Promise<void> {
  try {
    await probe();
  } catch (err) {
    const reason = `${name} is not available (${err instanceof Error ? err.message : String(err)}); ${howToEnable}`;
    if (IN_CI) throw new Error(`CI requires ${reason}`);
    recordSkip(`${ctx.test?.parent?.fullTitle() ?? name}: ${reason}`);
    process.stdout.write(`  [skipped] ${reason}\n`);
    ctx.skip();
  }
}
