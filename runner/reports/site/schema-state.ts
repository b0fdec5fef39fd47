/**
 * What is applied in an environment after a run: from the run's history snapshot (history.json)
 * when it left one, else from the state before it plus what it applied or reverted. The
 * fingerprint of that state tells the flaky-test detector whether the migrations changed between
 * two results of a test.
 */
import { createHash } from 'node:crypto';
import type { HistoryRow } from '../../ledger/schema-history';
import { compareVersions, normalizeVersion } from '../../migrations/version';
import type { RunReport } from '../../run/run-report';

export interface SchemaState {
  applied: string[];
  version: string | undefined;
  schema: string | undefined;
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

export const highest = (versions: string[]): string | undefined =>
  versions.reduce<string | undefined>((top, v) => (top === undefined || compareVersions(v, top) > 0 ? v : top), undefined);

const sorted = (versions: Iterable<string>) => [...new Set(versions)].sort(compareVersions);

/** The state a history table describes: the latest row of each version decides whether it is applied. */
export function stateFromHistory(rows: HistoryRow[]): SchemaState {
  const latest = new Map<string, HistoryRow>();
  const repeatable = new Map<string, string>();
  for (const row of [...rows].sort((a, b) => a.installedRank - b.installedRank)) {
    if (row.type === 'repeatable' || row.version === null) {
      if (row.success) repeatable.set(row.script, row.checksum ?? '');
      continue;
    }
    latest.set(normalizeVersion(row.version), row);
  }
  const appliedRows = [...latest.entries()].filter(([, r]) => (r.type === 'versioned' && r.success) || r.type === 'baseline');
  const applied = sorted(appliedRows.map(([v]) => v));
  const parts = [
    ...appliedRows.map(([v, r]) => `${v}=${r.checksum ?? ''}`).sort(),
    ...[...repeatable.entries()].map(([s, c]) => `R:${s}=${c}`).sort(),
  ];
  return { applied, version: highest(applied), schema: hash(parts.join('\n')) };
}

/** What a run applied and reverted, by version (versioned and undo outcomes that went through). */
export function versionChanges(report: RunReport | undefined): { applied: string[]; reverted: string[] } {
  const of = (kind: string) =>
    sorted(
      (report?.migrations ?? [])
        .filter((m) => m.status === 'applied' && m.migration.kind === kind && m.migration.version !== null)
        .map((m) => normalizeVersion(m.migration.version as string)),
    );
  return { applied: of('versioned'), reverted: of('undo') };
}

/** The state after a run that left no snapshot: the previous state with its changes applied. */
export function stateAfter(previous: SchemaState, changes: { applied: string[]; reverted: string[] }, checksums: string[]): SchemaState {
  if (changes.applied.length === 0 && changes.reverted.length === 0 && checksums.length === 0) return previous;
  const reverted = new Set(changes.reverted);
  const applied = sorted([...previous.applied, ...changes.applied].filter((v) => !reverted.has(v)));
  const schema = hash([previous.schema ?? '', ...changes.applied.map((v) => `+${v}`), ...changes.reverted.map((v) => `-${v}`), ...checksums].join('\n'));
  return { applied, version: highest(applied), schema };
}
