/**
 * Leader-node-only functions (issue 13 (a)): in a statement that reads a user or system table they
 * fail as on a cluster, locally and in the lint (RS030), and nothing in the real-world corpus or the
 * example project is flagged.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { codeTokens, loadSqlTokenizer, tokenizeSql } from '../../runner/dialects/sql-tokens';
import { leaderNodeViolation } from '../../runner/dialects/redshift/leader-node-functions';
import { lintFiles, sourceFromText } from '../../runner/lint/lint';
import { splitSql } from '../../runner/migrations/split-sql';
import { CORPUS } from '../emulation/support';
import { describeEachEngine } from '../support/engines';
import { requireService } from '../support/services';
import { DG, emulatedSession, redshiftLike, type Emulated } from './support';

const CLUSTER_ERROR = 'Specified types or functions (one per INFO message) not supported on Amazon Redshift tables.';

describeEachEngine('conformance: leader-node-only functions', (db) => {
  let s: Emulated;
  beforeEach(async () => {
    s = await emulatedSession(redshiftLike(db));
    await s.run('DROP TABLE IF EXISTS users');
    await s.run('CREATE TABLE users (userid INT)');
  });
  afterEach(async () => s.release());

  it(`c_sql-functions-leader-node: "select current_schema();" runs on the leader node (${DG}c_sql-functions-leader-node.html)`, async () => {
    expect(await s.run('select current_schema();')).to.deep.equal([{ current_schema: 'public' }]);
  });

  it('c_sql-functions-leader-node: a catalog-only query may call it ("select * from pg_tables where schemaname = current_schema()")', async () => {
    const rows = await s.run("select tablename from pg_tables where schemaname = current_schema() and tablename = 'users'");
    expect(rows).to.deep.equal([{ tablename: 'users' }]);
  });

  it('c_sql-functions-leader-node: "select current_schema(), userid from users;" fails with the INFO line and the cluster\'s error', async () => {
    const err = await s.error('select current_schema(), userid from users;');
    expect(err.message).to.equal(CLUSTER_ERROR);
    expect(err.detail).to.equal('Function "current_schema()" not supported.');
  });

  it(`c_SQL_functions_leader_node_only: NOW() with a user table fails; GETDATE() is the replacement (${DG}c_SQL_functions_leader_node_only.html)`, async () => {
    expect((await s.error('select now(), userid from users')).message).to.equal(CLUSTER_ERROR);
    expect((await s.error('insert into users select 1 from users where now() > getdate()')).detail).to.equal(
      'Function "now()" not supported.',
    );
    await s.run('insert into users values (1)');
    expect(await s.run('select count(*) as n from users where getdate() is not null')).to.deep.equal([{ n: '1' }]);
  });

  it('c_sql-functions-leader-node: "SELECT SUBSTR(\'amazon\', 5)" runs; "SELECT SUBSTR(catdesc, 1) FROM category" fails, SUBSTRING does not', async () => {
    await s.run('DROP TABLE IF EXISTS category');
    await s.run('CREATE TABLE category (catdesc VARCHAR(50))');
    await s.run("INSERT INTO category VALUES ('Major League Baseball')");
    expect(await s.run("SELECT SUBSTR('amazon', 5)")).to.deep.equal([{ substr: 'on' }]);
    expect((await s.error('SELECT SUBSTR(catdesc, 1) FROM category LIMIT 1')).message).to.equal('SUBSTR() function is not supported');
    expect(await s.run('SELECT SUBSTRING(catdesc, 1, 5) AS s FROM category LIMIT 1')).to.deep.equal([{ s: 'Major' }]);
  });

  it('c_SQL_functions_leader_node_only: FACTORIAL with a user table fails', async () => {
    expect((await s.error('select factorial(userid) from users')).detail).to.equal('Function "factorial()" not supported.');
  });

  it('c_SQL_functions_leader_node_only: a system table (STV/STL/SVV/SVL) sends the query to the compute nodes too', async () => {
    expect((await s.error("select has_table_privilege(current_user, 'users', 'select') from svv_tables")).message).to.equal(CLUSTER_ERROR);
  });
});

// The real-world corpus of issue 12 (203 files); the repository's own fixtures are a small extract.
const SHARED_CORPUS = process.env.RSRUN_CORPUS ?? '/work/shared/redshift-corpus';

describe('conformance: leader-node rule shared by the lint (RS030)', () => {
  before(loadSqlTokenizer);

  it("the lint reports RS030 at the function, as an error, for the page's failing example", async () => {
    const findings = await lintFiles([sourceFromText('tests/t.sql', 'test', '\nselect current_schema(), userid from users;\n')]);
    expect(findings.map((f) => [f.rule, f.severity, f.line])).to.deep.equal([['RS030', 'error', 2]]);
  });

  it('no statement of the real-world corpus or of the example project is flagged', async function () {
    await requireService(this, `the Redshift corpus at ${SHARED_CORPUS}`, async () => statSync(SHARED_CORPUS), 'set RSRUN_CORPUS');
    const root = path.join(__dirname, '..', '..');
    const files = [...sqlFiles(SHARED_CORPUS), ...sqlFiles(CORPUS), ...sqlFiles(path.join(root, 'sql'))];
    let statements = 0;
    const flagged: string[] = [];
    for (const file of files) {
      let split;
      try {
        split = splitSql(readFileSync(file, 'utf8'), file);
      } catch {
        continue; // files the splitter refuses are the emulation's concern (test/emulation)
      }
      for (const stmt of split) {
        let tokens;
        try {
          tokens = codeTokens(tokenizeSql(stmt.sql, file));
        } catch {
          continue;
        }
        statements++;
        const found = leaderNodeViolation(tokens);
        if (found) flagged.push(`${file}:${stmt.line} ${found.call} with ${found.table}`);
      }
    }
    expect(statements).to.be.above(1000);
    expect(flagged).to.deep.equal([]);
  });
});

function sqlFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const abs = path.join(dir, name);
    if (statSync(abs).isDirectory()) return sqlFiles(abs);
    return name.endsWith('.sql') ? [abs] : [];
  });
}
