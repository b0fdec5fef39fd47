/**
 * Issue 14 defects 3 and 11 through the built CLI: a malformed test file or fixture makes `deploy`
 * exit 2 naming the file and line, before anything is applied (exit 2 promises that).
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runCli } from '../support/cli';
import { PG_URL, requirePostgres } from '../support/engines';
import { TempProject } from '../support/project';

const CASES: { name: string; files: Record<string, string>; where: RegExp }[] = [
  {
    name: 'expect count abc',
    files: { 'tests/a.sql': '-- rsrun:expect count abc\nSELECT 1;\n' },
    where: /tests\/a\.sql:1: bad row count "abc"/,
  },
  {
    name: 'unknown directive',
    files: { 'tests/a.sql': 'SELECT 1;\n-- rsrun:expcet count 1\n' },
    where: /tests\/a\.sql:2: unknown directive/,
  },
  { name: 'timeout forever', files: { 'tests/a.sql': '-- rsrun:timeout forever\nSELECT 1;\n' }, where: /tests\/a\.sql:1: .*forever/ },
  {
    name: 'ragged rows table',
    files: { 'tests/a.sql': '-- rsrun:expect rows\n-- | a | b |\n-- | 1 |\nSELECT 1 AS a, 2 AS b;\n' },
    where: /tests\/a\.sql:3: row has 1 cells, the header has 2/,
  },
  {
    name: 'expected CSV missing (defect 11)',
    files: { 'tests/a.sql': 'SELECT 1;\n-- rsrun:expect csv missing.csv\n' },
    where: /tests\/a\.sql:2: cannot read expected rows missing\.csv: no such file/,
  },
  {
    name: 'expected CSV malformed',
    files: { 'tests/a.sql': '-- rsrun:expect csv e.csv\nSELECT 1 AS a;\n', 'tests/e.csv': 'a,b\n1\n' },
    where: /tests\/a\.sql:1: malformed CSV/,
  },
  {
    name: 'fixture CSV missing',
    files: { 'tests/a.sql': '-- rsrun:fixture public.t gone.csv\nSELECT 1;\n' },
    where: /tests\/a\.sql:1: fixture .*gone\.csv for public\.t cannot be used: no such file/,
  },
  {
    name: 'fixture CSV ragged',
    files: { 'tests/a.sql': '\n-- rsrun:fixture public.t f.csv\nSELECT 1;\n', 'tests/f.csv': 'id,name\n1,a\n2\n' },
    where: /tests\/a\.sql:2: fixture .*f\.csv for public\.t cannot be used/,
  },
  {
    name: 'duplicate test names',
    files: { 'tests/a.sql': '-- rsrun:test x\nSELECT 1;\n-- rsrun:test x\nSELECT 2;\n' },
    where: /tests\/a\.sql:3: duplicate test name "x"/,
  },
  {
    name: 'bad tests .ini',
    files: { 'tests/t.ini': '[TESTSUITE_v01]\ntest0 = SELECT 1;\n' },
    where: /tests\/t\.ini:2: no expected result/,
  },
  {
    name: 'unknown isolation',
    files: { 'tests/a.sql': '-- rsrun:isolation maybe\nSELECT 1;\n' },
    where: /tests\/a\.sql:1: unknown isolation "maybe"/,
  },
];

describe('deploy validates every test and fixture before connecting (issue 14 defects 3, 11)', function () {
  this.timeout(240_000);
  const admin = new pg.Client({ connectionString: PG_URL });
  const databases: string[] = [];

  before(async function () {
    await requirePostgres(this);
    await admin.connect();
  });
  after(async () => {
    for (const d of databases) await admin.query(`DROP DATABASE IF EXISTS ${d} WITH (FORCE)`).catch(() => undefined);
    await admin.end().catch(() => undefined);
  });

  for (const c of CASES) {
    it(`${c.name}: exit 2 naming file and line, no migration applied`, async () => {
      const database = `rsrun_val_${randomBytes(5).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${database}`);
      databases.push(database);
      const url = new URL(PG_URL);
      const p = new TempProject('rsrun-val-');
      try {
        p.write(
          'rsrun.ini',
          `[env.pg]\nengine = postgres\nhost = ${url.hostname}\nport = ${url.port || 5432}\ndatabase = ${database}\nuser = ${decodeURIComponent(url.username)}\npassword = \${VAL_PG_PASSWORD}\n`,
        );
        p.migration('V1__create.sql', 'CREATE TABLE applied_marker (a INT);\n');
        for (const [rel, content] of Object.entries(c.files)) p.write(rel, content);
        const r = await runCli(['--project-dir', p.dir, '--env', 'pg', 'deploy'], {
          cwd: p.dir,
          env: { VAL_PG_PASSWORD: decodeURIComponent(url.password) },
        });
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stderr).to.match(c.where);
        expect(r.stderr).not.to.match(/\n\s+at /); // no stack trace
        const check = new pg.Client({ connectionString: PG_URL.replace(/\/[^/]*$/, `/${database}`) });
        await check.connect();
        try {
          const tables = await check.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')",
          );
          expect(tables.rows, 'nothing reached the database').to.deep.equal([]);
        } finally {
          await check.end();
        }
      } finally {
        p.remove();
      }
    });
  }
});
