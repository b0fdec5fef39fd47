/**
 * A migration of many statements costs memory per byte of its text, not per statement: statements
 * are offsets into the text, prepared steps keep only what the rewriter changed, and a round trip
 * is sent from pieces (issue 14 defect 13: 500,000 one-row INSERTs peaked at 564 MiB). The bench
 * (`npm run bench -- --only memory`) measures the peak; these tests pin the structure that bounds it.
 */
import { expect } from 'chai';
import { chunkedText, groupText } from '../../runner/engine/batch-text';
import { prepareSteps, STATEMENT_END } from '../../runner/engine/steps';
import type { InTransactionSql } from '../../runner/ledger/schema-history';
import type { StatementRewriter } from '../../runner/dialects/rewriter';
import { discoverMigrations } from '../../runner/migrations/discover';
import type { Migration } from '../../runner/migrations/migration';
import { CompactStatements, indexSql, scanSql } from '../../runner/migrations/split-sql';
import { TempProject } from '../support/project';

const inserts = (n: number) => Array.from({ length: n }, (_, i) => `insert into t values (${i}, 'row ${i}');\n`).join('');

function migrationOf(text: string): Migration {
  return {
    kind: 'versioned',
    version: '1',
    description: 'inserts',
    script: 'V1__inserts.sql',
    file: '/nowhere/V1__inserts.sql',
    line: 1,
    checksum: 'x',
    statements: indexSql(text, 'V1__inserts.sql').statements,
    comments: [],
    directives: new Set(),
    source: 'sql',
  };
}

const NO_HISTORY: InTransactionSql = { open: [], record: [], close: [], lock: [] };

describe('statements of a large migration are held as offsets (issue 14 defect 13)', () => {
  it('indexSql keeps offsets into the text and builds each statement only when asked', () => {
    const text = `-- header\n${inserts(1000)}select 'a;b' -- tail\n;\n`;
    const { statements } = indexSql(text, 'V1.sql');
    expect(statements).to.be.instanceOf(CompactStatements);
    expect(statements.length).to.equal(1001);
    // A new object each time: nothing per statement is kept between uses.
    expect(statements.at(3)).to.not.equal(statements.at(3));
    expect(statements.at(3)).to.deep.equal(scanSql(text, 'V1.sql').statements[3]);
    expect([...statements]).to.deep.equal(scanSql(text, 'V1.sql').statements);
    expect(statements.at(1001)).to.equal(undefined);
    expect(statements.at(-1)).to.equal(undefined);
  });

  it('discovery gives a SQL migration the compact list', async () => {
    const p = new TempProject();
    try {
      p.migration('V1__inserts.sql', inserts(50));
      const set = await discoverMigrations(p.migrationsDir);
      expect(set.versioned[0]?.statements).to.be.instanceOf(CompactStatements);
      expect(set.versioned[0]?.statements.length).to.equal(50);
    } finally {
      p.remove();
    }
  });

  it('prepared steps keep only what the rewriter changed; each statement is rewritten once, in order', () => {
    const m = migrationOf(inserts(2000));
    const seen: string[] = [];
    const rewriter: StatementRewriter = {
      prepare: () => Promise.resolve(),
      rewrite(sql) {
        seen.push(sql);
        // Same text, a new string: still a statement sent as written.
        if (!sql.includes("'row 7'") && !sql.includes("'row 9'")) return [{ kind: 'sql', sql: `${sql} `.trimEnd() }];
        return [{ kind: 'sql', sql: sql.toUpperCase() }];
      },
    };
    const steps = prepareSteps(m, rewriter);
    expect(seen).to.deep.equal(Array.from(m.statements, (s) => s.sql));
    expect(steps.kept).to.equal(2);
    expect(steps.textAt(7)).to.equal("INSERT INTO T VALUES (7, 'ROW 7')");
    expect(steps.at(8).parts).to.deep.equal(["insert into t values (8, 'row 8')"]);
    expect(steps.allSql).to.equal(true);
    const bytes = Array.from({ length: steps.length }, (_, i) => Buffer.byteLength(steps.textAt(i)) + STATEMENT_END.length);
    expect(steps.bytes).to.equal(bytes.reduce((a, b) => a + b, 0));
    expect(prepareSteps(m, undefined).kept).to.equal(0);
  });

  it('a round trip is pieces that join to the text the server parses, with every statement located', () => {
    const steps = prepareSteps(migrationOf(inserts(500)), undefined);
    const group = groupText(NO_HISTORY, [{ steps }, { steps }]);
    const text = group.text;
    expect(group.pieces.join('')).to.equal(text);
    expect(group.statements).to.equal(1000);
    for (const [unit, step] of [
      [0, 0],
      [0, 499],
      [1, 0],
      [1, 250],
    ] as const) {
      const sql = steps.textAt(step);
      const start = text.indexOf(sql, unit === 0 ? 0 : text.indexOf('COMMIT') + 1);
      for (const into of [0, sql.length - 1, sql.length]) {
        const at = group.spanAt(start + into + 1);
        expect(at?.span).to.deep.include({ unit, step });
        expect(at?.offset).to.equal(into + 1);
      }
    }
    // Between statements (the `;` that ends one) points at none.
    expect(group.spanAt(text.indexOf(STATEMENT_END) + 3)).to.equal(undefined);
  });

  it('a migration over the byte cap is cut into round trips of at most the cap', () => {
    const steps = prepareSteps(migrationOf(inserts(3000)), undefined);
    const cuts = [...chunkedText(NO_HISTORY, steps, 16 * 1024)];
    expect(cuts.length).to.be.greaterThan(5);
    for (const cut of cuts) expect(Buffer.byteLength(cut.text)).to.be.at.most(16 * 1024 + 64);
    expect(cuts.reduce((n, c) => n + c.statements, 0)).to.equal(3000);
  });
});
