/**
 * Choosing which tests run: `--grep`, `--tag`, and `--shard i/n`.
 *
 * Shards are stable (the same suite and inputs give the same split on every machine) and their
 * union is exactly the selected suite with no overlap. Without durations the sorted ids are dealt
 * round-robin (shard sizes differ by at most one); with durations from a previous report.json the
 * longest tests are placed first on the least-loaded shard (LPT), tests without a recorded
 * duration counting as the median.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors';
import { compareIds } from './discover';
import type { TestCase } from './model';

export interface Selection {
  grep: string | undefined;
  tags: string[];
  shard: { index: number; count: number } | undefined;
  durations?: Map<string, number>;
}

export function filterTests(tests: TestCase[], sel: Pick<Selection, 'grep' | 'tags'>): TestCase[] {
  let re: RegExp | undefined;
  if (sel.grep) {
    try {
      re = new RegExp(sel.grep, 'i');
    } catch (err) {
      throw new InputError(`--grep is not a valid regular expression: ${sel.grep}`, { cause: err });
    }
  }
  return tests.filter((t) => (!re || re.test(t.id)) && (sel.tags.length === 0 || sel.tags.some((tag) => t.tags.includes(tag))));
}

/** Splits tests into `count` shards; returns all shards (index 0 = shard 1). */
export function shardTests(tests: TestCase[], count: number, durations?: Map<string, number>): TestCase[][] {
  const sorted = [...tests].sort((a, b) => compareIds(a.id, b.id));
  const shards: TestCase[][] = Array.from({ length: count }, () => []);
  if (!durations || durations.size === 0) {
    sorted.forEach((t, i) => shards[i % count]?.push(t));
    return shards;
  }
  const known = sorted
    .map((t) => durations.get(t.id))
    .filter((d): d is number => d !== undefined)
    .sort((a, b) => a - b);
  const median = known.length ? (known[Math.floor(known.length / 2)] as number) : 1;
  const weight = (t: TestCase) => durations.get(t.id) ?? median;
  const byWeight = [...sorted].sort((a, b) => weight(b) - weight(a) || compareIds(a.id, b.id));
  const load = new Array<number>(count).fill(0);
  for (const t of byWeight) {
    let target = 0;
    for (let i = 1; i < count; i++) if ((load[i] as number) < (load[target] as number)) target = i;
    shards[target]?.push(t);
    load[target] = (load[target] as number) + weight(t);
  }
  return shards.map((s) => s.sort((a, b) => compareIds(a.id, b.id)));
}

export function selectTests(tests: TestCase[], sel: Selection): TestCase[] {
  const filtered = filterTests(tests, sel);
  if (!sel.shard) return filtered;
  return shardTests(filtered, sel.shard.count, sel.durations)[sel.shard.index - 1] ?? [];
}

/** Test durations from a previous run's report.json. */
export async function readDurations(reportJson: string): Promise<Map<string, number>> {
  let parsed: { tests?: { id?: unknown; durationMs?: unknown }[] };
  try {
    parsed = JSON.parse(await readFile(reportJson, 'utf8')) as typeof parsed;
  } catch (err) {
    throw new InputError(`cannot read durations from ${reportJson}`, {
      cause: err,
      hint: '--durations-from takes the report.json of a previous run',
    });
  }
  const out = new Map<string, number>();
  for (const t of parsed.tests ?? []) {
    if (typeof t.id === 'string' && typeof t.durationMs === 'number') out.set(t.id, t.durationMs);
  }
  return out;
}
