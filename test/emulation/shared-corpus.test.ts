/**
 * Issue 12's acceptance run: every file of the shared Redshift corpus (203 files from
 * awslabs/amazon-redshift-utils and aws-samples/amazon-redshift-udfs) applied as a migration of
 * its project, in order, on the embedded engine and on PostgreSQL with the emulation. Each file's
 * outcome must be the one recorded in shared-corpus-outcomes.json (applied, skipped with a notice,
 * refused with rsrun's own message, or failing on the server as it would on a cluster), both
 * engines must agree, no PostgreSQL syntax error may come from valid Redshift SQL, and nothing may
 * crash. The summary is printed and quoted in the README ("Real Redshift SQL on the local warehouse").
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { loadSqlTokenizer } from '../../runner/dialects/sql-tokens';
import { ENGINES, requirePostgres, type EngineName } from '../support/engines';
import { recordSkip } from '../support/mocha-hooks';
import { runCorpusProject, type FileResult, type Outcome } from './corpus-runner';
import { corpusRoot, requireCorpus, summaryTable, type CorpusEntry } from './shared-corpus';

interface Expected {
  outcome: Outcome;
  message?: string;
  sqlState?: string;
  /** Why a file fails: a broken source file, a missing prerequisite, or an engine defect. */
  note?: string;
}

const OUTCOMES = JSON.parse(readFileSync(path.join(__dirname, 'shared-corpus-outcomes.json'), 'utf8')) as Record<string, Expected>;
const README = path.join(__dirname, '..', '..', 'README.md');
const CORPUS_ROOT = corpusRoot();
/** Known when the suite is defined (one test per project); empty when the corpus is absent (the before hook says so). */
const PROJECTS = CORPUS_ROOT
  ? [...new Set((JSON.parse(readFileSync(path.join(CORPUS_ROOT, 'manifest.json'), 'utf8')) as CorpusEntry[]).map((e) => e.project))]
  : [];

describe('the shared Redshift corpus on the local engines', function () {
  let root: string;
  let entries: CorpusEntry[] = [];
  const results = new Map<EngineName, Map<string, FileResult>>();

  before(async function () {
    ({ root, entries } = await requireCorpus(this));
    await loadSqlTokenizer();
  });

  it('has a recorded outcome for every file of the manifest, and a reason for every failure', () => {
    expect(Object.keys(OUTCOMES).sort()).to.deep.equal(entries.map((e) => e.file).sort());
    for (const [file, e] of Object.entries(OUTCOMES)) {
      if (e.outcome === 'fails') expect(e.note, `${file} fails without a recorded reason`).to.be.a('string');
      // A PostgreSQL syntax error is acceptable only on a file that is itself broken.
      if (e.sqlState === '42601') expect(e.note, file).to.match(/^broken source file/);
    }
  });

  it('the README quotes the summary of the recorded outcomes', () => {
    expect(readFileSync(README, 'utf8')).to.contain(summaryTable(entries, OUTCOMES));
  });

  for (const engine of ENGINES) {
    describe(`[${engine}]`, function () {
      before(async function () {
        if (engine === 'postgres') await requirePostgres(this);
        results.set(engine, new Map());
      });

      // One test per project: one database (one PGlite) per project, files applied in order.
      for (const project of PROJECTS) {
        it(project, async () => {
          const files = entries.filter((e) => e.project === project).map((e) => e.file);
          const got = await runCorpusProject(root, project, engine, files);
          for (const r of got) results.get(engine)?.set(r.file, r);
          for (const r of got) expect(r.crash, `${r.file} crashed: ${r.message}`).to.equal(undefined);
          const mismatches = got
            .filter((r) => JSON.stringify(shape(r)) !== JSON.stringify(shape(OUTCOMES[r.file] as Expected)))
            .map((r) => `${r.file}: recorded ${JSON.stringify(shape(OUTCOMES[r.file] as Expected))}, got ${JSON.stringify(shape(r))}`);
          expect(mismatches).to.deep.equal([]);
        });
      }
    });
  }

  describe('both engines', () => {
    it('give every file the same outcome', function () {
      if (results.size < 2) {
        // Printed at the end of the run with the other skips; in CI a skip fails (forbidPending).
        recordSkip('shared corpus, both engines agree: only one engine selected (unset RSRUN_TEST_ENGINES to compare both)');
        this.skip();
      }
      const [a, b] = [...results.values()] as [Map<string, FileResult>, Map<string, FileResult>];
      for (const [file, r] of a) expect(shape(b.get(file) ?? { outcome: 'fails', message: 'not run' }), file).to.deep.equal(shape(r));
    });
  });

  after(() => {
    if (entries.length > 0)
      process.stdout.write(`\n  Shared Redshift corpus, recorded outcomes:\n\n${summaryTable(entries, OUTCOMES)}\n\n`);
  });
});

function shape(r: { outcome: Outcome; message?: string; sqlState?: string }): { outcome: Outcome; message: string; sqlState: string } {
  return { outcome: r.outcome, message: r.message ?? '', sqlState: r.sqlState ?? '' };
}
