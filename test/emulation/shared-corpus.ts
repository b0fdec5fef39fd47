/**
 * The shared corpus of real Redshift SQL (../shared/redshift-corpus next to the checkout, or
 * RSRUN_REDSHIFT_CORPUS): 203 files from awslabs/amazon-redshift-utils and
 * aws-samples/amazon-redshift-udfs, kept outside the repository. Outside CI a missing corpus
 * skips the suites that need it, with the reason printed; in CI it fails them.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { requireService } from '../support/services';
import type { Outcome } from './corpus-runner';

export interface CorpusEntry {
  repo: string;
  path: string;
  label: string;
  /** e.g. utils/AdminViews */
  project: string;
  group: 'user' | 'systables';
  /** Relative to the corpus root, e.g. utils/AdminViews/migrations/V1__x.sql */
  file: string;
  order: number;
}

/** The corpus directory, or undefined when it is not on this machine. */
export function corpusRoot(): string | undefined {
  const candidates = [
    process.env.RSRUN_REDSHIFT_CORPUS,
    // /work/main -> /work/shared; a worktree /work/wt/<name> -> /work/shared too.
    path.resolve(__dirname, '..', '..', '..', 'shared', 'redshift-corpus'),
    path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'redshift-corpus'),
  ].filter((c): c is string => Boolean(c));
  return candidates.find((c) => existsSync(path.join(c, 'manifest.json')));
}

/** Call from a `before` hook; returns the corpus root and its manifest in apply order. */
export async function requireCorpus(ctx: Mocha.Context): Promise<{ root: string; entries: CorpusEntry[] }> {
  let root: string | undefined;
  await requireService(
    ctx,
    'the shared Redshift corpus',
    async () => {
      root = corpusRoot();
      if (!root) throw new Error('no manifest.json in ../shared/redshift-corpus');
    },
    'set RSRUN_REDSHIFT_CORPUS to the corpus directory',
  );
  const entries = JSON.parse(readFileSync(path.join(root as string, 'manifest.json'), 'utf8')) as CorpusEntry[];
  entries.sort((a, b) => a.project.localeCompare(b.project) || a.order - b.order);
  return { root: root as string, entries };
}

const COLUMNS: Array<[Outcome, string]> = [
  ['applied', 'applied'],
  ['skipped', 'skipped with notice'],
  ['refused', 'refused clearly'],
  ['fails', 'fails as on Redshift'],
];

/** The README's table: per corpus group, how many files end how. */
export function summaryTable(entries: readonly CorpusEntry[], outcomes: Record<string, { outcome: Outcome }>): string {
  const groups: Array<[string, (e: CorpusEntry) => boolean]> = [
    ['user objects (utils, udfs)', (e) => e.group === 'user'],
    ['files reading system tables', (e) => e.group === 'systables'],
    ['all', () => true],
  ];
  const rows = groups.map(([label, test]) => {
    const files = entries.filter(test);
    const counts = COLUMNS.map(([o]) => files.filter((e) => outcomes[e.file]?.outcome === o).length);
    return `| ${label} | ${files.length} | ${counts.join(' | ')} |`;
  });
  return [
    `| corpus files | files | ${COLUMNS.map(([, l]) => l).join(' | ')} |`,
    `| --- | --- | ${COLUMNS.map(() => '---').join(' | ')} |`,
    ...rows,
  ].join('\n');
}
