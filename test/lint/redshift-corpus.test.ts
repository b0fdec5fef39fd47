/**
 * Issue 12's lint acceptance: the shared corpus of real Redshift SQL (valid on a cluster) lints
 * without an error, and the statements Redshift rejects are flagged as errors, each by a rule
 * documented in docs/redshift-rules.md.
 */
import path from 'node:path';
import { expect } from 'chai';
import { lintFiles, RULE_BY_ID, sourceFromText, type LintSource } from '../../runner/lint/index';
import { discoverMigrations } from '../../runner/migrations/discover';
import { requireCorpus } from '../emulation/shared-corpus';
import { REJECTED_BY_REDSHIFT } from './rejected-statements';

describe('lint on real Redshift SQL', () => {
  it('flags at least 28 of the 30 statements Redshift rejects as errors, each by a documented rule', async () => {
    expect(REJECTED_BY_REDSHIFT.length).to.be.at.least(30);
    const flagged: string[] = [];
    for (const [k, sql] of REJECTED_BY_REDSHIFT.entries()) {
      const findings = await lintFiles([sourceFromText(`V${k + 1}__x.sql`, 'versioned', `${sql};\n`)]);
      const errors = findings.filter((f) => f.severity === 'error');
      for (const f of errors) expect(RULE_BY_ID.get(f.rule)?.source, f.rule).to.be.a('string');
      if (errors.length > 0) flagged.push(sql);
    }
    const missed = REJECTED_BY_REDSHIFT.filter((s) => !flagged.includes(s));
    expect(missed, 'not flagged as errors').to.deep.equal([]);
  });

  it('reports no error on any file of the shared corpus (valid Redshift SQL)', async function () {
    const { root, entries } = await requireCorpus(this);
    const sources: LintSource[] = [];
    for (const project of new Set(entries.map((e) => e.project))) {
      const set = await discoverMigrations(path.join(root, project, 'migrations'));
      for (const m of set.versioned) {
        sources.push({
          file: path.relative(root, m.file),
          kind: 'versioned',
          statements: [...m.statements],
          comments: m.comments,
          directives: m.directives,
        });
      }
    }
    expect(sources).to.have.length(entries.length);
    const errors = (await lintFiles(sources)).filter((f) => f.severity === 'error');
    expect(errors.map((f) => `${f.file}:${f.line} ${f.rule} ${f.message}`)).to.deep.equal([]);
  });
});
