/**
 * The benchmark's project generator: one set of migrations, written in each tool's layout, that
 * rsrun's own splitter reads as the same statements and that a real engine applies as expected.
 */
import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { splitSql } from '../../runner/migrations/split-sql';
import {
  generateMigrations,
  writeNodePgMigrateProject,
  writePostgratorProject,
  writePsqlProject,
  writeRsrunProject,
  writeSqitchProject,
} from '../../bench/lib/generate-project';
import { describeEachEngine } from '../support/engines';

describe('bench: generateMigrations', () => {
  it('is deterministic and keeps every migration within 3–6 statements', () => {
    const a = generateMigrations({ count: 50 });
    expect(generateMigrations({ count: 50 })).to.deep.equal(a);
    expect(a.migrations).to.have.length(50);
    for (const m of a.migrations) expect(m.statements.length).to.be.within(3, 6);
    expect(a.statementCount).to.equal(a.migrations.reduce((n, m) => n + m.statements.length, 0));
    expect(new Set(a.migrations.map((m) => m.statements.length)).size).to.be.greaterThan(1);
  });

  it('writes each tool its own layout, one file per migration, the same SQL in each', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rsrun-gen-'));
    try {
      const set = generateMigrations({ count: 7 });
      const target = { host: '127.0.0.1', port: 5432, database: 'd', user: 'u' };
      await writeRsrunProject(path.join(dir, 'rsrun'), set, target);
      await writeSqitchProject(path.join(dir, 'sqitch'), set);
      await writeNodePgMigrateProject(path.join(dir, 'npm'), set);
      await writePostgratorProject(path.join(dir, 'postgrator'), set);
      const psqlFiles = await writePsqlProject(path.join(dir, 'psql'), set);

      const ini = await readFile(path.join(dir, 'rsrun', 'rsrun.ini'), 'utf8');
      expect(ini).to.include('[env.bench]').and.include('password = ${RSRUN_BENCH_PASSWORD}');
      expect(ini).not.to.match(/password = [^$]/);
      const rsrunFiles = (await readdir(path.join(dir, 'rsrun', 'migrations'))).sort();
      expect(rsrunFiles).to.include('V1__bench_1.sql').and.include('V7__bench_7.sql').and.have.length(7);
      const plan = await readFile(path.join(dir, 'sqitch', 'sqitch.plan'), 'utf8');
      expect(plan.split('\n').filter((l) => /^m\d{4} /.test(l))).to.have.length(7);
      expect(await readdir(path.join(dir, 'sqitch', 'deploy'))).to.have.length(7);
      expect((await readdir(path.join(dir, 'npm', 'migrations'))).every((f) => /^\d{4}_bench_\d+\.sql$/.test(f))).to.equal(true);
      expect((await readdir(path.join(dir, 'postgrator', 'migrations'))).every((f) => /^\d{4}\.do\.bench_\d+\.sql$/.test(f))).to.equal(
        true,
      );
      expect(psqlFiles).to.have.length(8);

      // rsrun's splitter sees exactly the generated statements (strings contain ';' on purpose).
      for (const m of set.migrations) {
        const file = path.join(dir, 'rsrun', 'migrations', `V${m.version}__${m.description}.sql`);
        expect(splitSql(await readFile(file, 'utf8'), file).map((s) => s.sql.trim())).to.deep.equal(m.statements);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describeEachEngine('bench: generated migrations apply', (db) => {
  it('leaves the tables and rows the generator promises', async () => {
    const set = generateMigrations({ count: 12 });
    const client = await db.client();
    for (const m of set.migrations) await client.query(`BEGIN; ${m.statements.join(';\n')}; COMMIT`);
    for (const [table, rows] of Object.entries(set.rowsByTable)) {
      const r = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      expect(r.rows[0]!.n, table).to.equal(rows);
    }
  });
});
