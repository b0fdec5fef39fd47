/**
 * The fault campaign's figures: every case counted, every failed case counted as a defect found,
 * printed once at the end of the mocha run (an `after` at the root, registered when a faults file
 * first imports this module). Cases waiting for another engineer's fix are listed, not run.
 */
export interface CampaignFigures {
  tried: Map<string, number>;
  defects: string[];
  waiting: string[];
  started: number;
}

const figures: CampaignFigures = { tried: new Map(), defects: [], waiting: [], started: Date.now() };

/** Runs one case of `group`; a throw is a defect found (and fails the test). */
export async function faultCase(group: string, title: string, body: () => Promise<void>): Promise<void> {
  figures.tried.set(group, (figures.tried.get(group) ?? 0) + 1);
  try {
    await body();
  } catch (err) {
    figures.defects.push(`${group}: ${title}`);
    throw err;
  }
}

/** Cases defined but left out until their owner's fix is in main (see each suite's WAITING_FOR_OWNER_FIX). */
export function noteWaiting(group: string, titles: readonly string[]): void {
  for (const t of titles) figures.waiting.push(`${group}: ${t}`);
}

after(() => {
  if (figures.tried.size === 0 && figures.waiting.length === 0) return;
  const total = [...figures.tried.values()].reduce((a, b) => a + b, 0);
  const lines = [
    '',
    `fault campaign: ${total} cases tried (${[...figures.tried].map(([g, n]) => `${g} ${n}`).join(', ')}), defects found = ${figures.defects.length}, ${((Date.now() - figures.started) / 1000).toFixed(0)} s`,
    ...figures.defects.map((d) => `  defect: ${d}`),
  ];
  if (figures.waiting.length > 0)
    lines.push(`  not run, waiting for their owner's fix (${figures.waiting.length}):`, ...figures.waiting.map((w) => `    - ${w}`));
  process.stdout.write(`${lines.join('\n')}\n`);
});
