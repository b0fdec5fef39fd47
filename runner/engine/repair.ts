/**
 * `repair`: removes failed history rows, realigns the checksums of applied migrations whose files
 * were edited on purpose, and clears the deployment lease whoever holds it (a dead run's).
 */
import { compareVersions, parseVersion } from '../migrations/version';
import { withSession, type EngineContext } from './engine-context';

export interface RepairResult {
  removedFailed: number;
  realigned: string[];
  releasedLock: string | undefined;
}

export async function repair(ctx: EngineContext): Promise<RepairResult> {
  const set = await ctx.migrations();
  return withSession(ctx, undefined, async (session) => {
    await ctx.history.ensure(session);
    const holder = await ctx.history.lease.forceRelease(session);
    const removedFailed = await ctx.history.deleteFailed(session);
    const realigned: string[] = [];
    const byVersion = new Map(set.versioned.map((m) => [m.version, m]));
    for (const row of await ctx.history.list(session)) {
      const version = row.version;
      if (row.type !== 'versioned' || !row.success || version === null) continue;
      const m =
        byVersion.get(version) ??
        set.versioned.find(
          (v) => v.version !== null && parseVersion(v.version) && parseVersion(version) && compareVersions(v.version, version) === 0,
        );
      if (m && row.checksum !== m.checksum) {
        await ctx.history.setChecksum(session, row.installedRank, m.checksum);
        realigned.push(m.script);
      }
    }
    return { removedFailed, realigned, releasedLock: holder?.owner };
  });
}
