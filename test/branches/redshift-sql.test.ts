/**
 * What branch environments send to Redshift, checked against the documented behaviour without a
 * cluster: CREATE DATABASE and DROP DATABASE refuse a transaction block (r_CREATE_DATABASE,
 * r_DROP_DATABASE), so rsrun classifies them as such and the registry never wraps them; DROP
 * DATABASE takes FORCE after the name (r_DROP_DATABASE); the registry's statements pass the lint's
 * Redshift refusal rules (no SERIAL, ON CONFLICT, RETURNING, ...), take `LOCK` only inside a
 * transaction block (r_LOCK) and carry every value as a bind parameter.
 */
import { expect } from 'chai';
import { BranchRegistry } from '../../runner/branches/registry';
import { RedshiftDialect } from '../../runner/dialects/redshift/redshift-dialect';
import { findRefusedSql } from '../../runner/dialects/redshift/refused-sql';
import { codeTokens, loadSqlTokenizer, tokenizeSql } from '../../runner/dialects/sql-tokens';
import type { QueryResult, Session } from '../../runner/warehouse/warehouse';

interface Sent {
  sql: string;
  params: readonly unknown[];
  inTransaction: boolean;
}

/** A session that records what it is sent and answers from `answer`; it knows BEGIN/COMMIT/ROLLBACK and nothing else of SQL. */
function recordingSession(answer: (sql: string) => Partial<QueryResult> = () => ({})): { session: Session; sent: Sent[] } {
  const sent: Sent[] = [];
  let inTx = false;
  const run = (sql: string, params: readonly unknown[] = []): QueryResult => {
    const head = sql.trim().toUpperCase();
    if (head === 'BEGIN') inTx = true;
    sent.push({ sql, params, inTransaction: inTx });
    if (head === 'COMMIT' || head === 'ROLLBACK') inTx = false;
    return { rows: [], rowCount: 0, fields: [], ...answer(sql) };
  };
  const session = {
    backendPid: 1,
    query: (sql: string, params?: readonly unknown[]) => Promise.resolve(run(sql, params)),
    batch: (sql: string) => Promise.resolve(run(sql)),
    inTransaction: () => inTx,
    release: () => Promise.resolve(),
  } as unknown as Session;
  return { session, sent };
}

function refusals(sql: string): string[] {
  const found: string[] = [];
  findRefusedSql(codeTokens(tokenizeSql(sql)), (rule, _at, message) => found.push(`${rule}: ${message}`));
  return found;
}

describe('branch environments: the SQL sent to Redshift', () => {
  const dialect = new RedshiftDialect();
  const dbs = dialect.databases;
  before(() => loadSqlTokenizer());

  it('CREATE DATABASE and DROP DATABASE ... FORCE are statements that refuse a transaction block', () => {
    const create = dbs.create(dialect.quoteIdent('dev_feature_x_1a2b3c4d'));
    const drop = dbs.dropForcing(dialect.quoteIdent('dev_feature_x_1a2b3c4d'));
    expect(create).to.equal('CREATE DATABASE "dev_feature_x_1a2b3c4d"');
    // r_DROP_DATABASE: "DROP DATABASE database_name [ FORCE ]"; no IF EXISTS there.
    expect(drop).to.equal('DROP DATABASE "dev_feature_x_1a2b3c4d" FORCE');
    expect(dialect.nonTransactional(create)?.source).to.match(/r_CREATE_DATABASE\.html$/);
    expect(dialect.nonTransactional(drop)?.source).to.match(/r_DROP_DATABASE\.html$/);
    // Tried first; FORCE only when other sessions use the database.
    expect(dbs.drop(dialect.quoteIdent('dev_feature_x_1a2b3c4d'))).to.equal('DROP DATABASE "dev_feature_x_1a2b3c4d"');
  });

  it('looks databases, sizes and tables up in the SVV_REDSHIFT_* views with bind parameters', () => {
    // The checker itself finds what Redshift refuses.
    expect(refusals('CREATE TABLE t (id SERIAL)')).to.have.length.greaterThan(0);
    expect(dbs.existsSql).to.contain('svv_redshift_databases').and.to.contain('$1');
    expect(dbs.sizeSql).to.contain('svv_redshift_schema_quota').and.to.contain('$1');
    expect(dbs.tablesOfSchemaSql).to.contain('svv_redshift_tables').and.to.contain('$1').and.to.contain('$2');
    expect(dbs.crossDatabaseSelect).to.equal(true);
    for (const sql of [dbs.existsSql, dbs.sizeSql, dbs.tablesOfSchemaSql]) expect(refusals(sql), sql).to.deep.equal([]);
  });

  it('registers a branch under LOCK inside a transaction, every value a parameter, all Redshift SQL', async () => {
    const registry = new BranchRegistry('rsrun', dialect.nowSql);
    const { session, sent } = recordingSession((sql) => (sql.startsWith('SELECT COUNT') ? { rows: [{ n: 3 }] } : {}));
    await registry.ensure(session);
    const r = await registry.register(session, {
      name: "feature/o'brien",
      database: 'dev_feature_o_brien_0badf00d',
      provenance: { branch: "feature/o'brien", commit: 'abc123', owner: 'jenkins' },
      max: 20,
    });
    expect(r).to.deep.equal({ created: true });
    const heads = sent.map((s) => s.sql.trim().split(/\s+/).slice(0, 2).join(' ').toUpperCase());
    expect(heads.slice(1)).to.deep.equal([
      'BEGIN',
      'LOCK "RSRUN"."RSRUN_ENVIRONMENTS"',
      'UPDATE "RSRUN"."RSRUN_ENVIRONMENTS"',
      'SELECT COUNT(*)',
      'INSERT INTO',
      'COMMIT',
    ]);
    const lock = sent.find((s) => s.sql.startsWith('LOCK'));
    expect(lock?.inTransaction, 'LOCK lasts only until the end of the transaction (r_LOCK)').to.equal(true);
    for (const s of sent) {
      expect(s.sql, 'values travel as parameters').not.to.contain('brien');
      for (const statement of s.sql.split(';')) if (statement.trim()) expect(refusals(statement), statement).to.deep.equal([]);
      expect(s.sql).not.to.match(/\bSERIAL\b|ON CONFLICT|RETURNING|NOW\(\)/i);
    }
    expect(sent.find((s) => s.sql.startsWith('INSERT'))?.sql).to.contain('GETDATE()');
    expect(sent.find((s) => s.sql.startsWith('INSERT'))?.params).to.deep.equal([
      "feature/o'brien",
      'dev_feature_o_brien_0badf00d',
      "feature/o'brien",
      'abc123',
      'jenkins',
    ]);
  });

  it('refuses a new branch at branch_max, rolling back without inserting', async () => {
    const registry = new BranchRegistry('rsrun', dialect.nowSql);
    const { session, sent } = recordingSession((sql) => (sql.startsWith('SELECT COUNT') ? { rows: [{ n: 20 }] } : {}));
    const r = await registry.register(session, {
      name: 'one-too-many',
      database: 'dev_one_too_many',
      provenance: { branch: undefined, commit: undefined, owner: 'me' },
      max: 20,
    });
    expect(r).to.deep.equal({ created: false, refusedAt: 20 });
    expect(sent.some((s) => s.sql.startsWith('INSERT'))).to.equal(false);
    expect(sent[sent.length - 1]?.sql).to.equal('ROLLBACK');
  });

  it('gc finds stale environments with DATEADD on the server clock, the age a parameter', async () => {
    const registry = new BranchRegistry('rsrun', dialect.nowSql);
    const { session, sent } = recordingSession(() => ({ rows: [{ name: 'old' }] }));
    expect(await registry.unusedFor(session, 7 * 86400, (p) => dialect.addSecondsSql(p))).to.deep.equal(['old']);
    expect(sent[0]?.sql).to.contain('last_used < DATEADD(second, $1::INT, GETDATE())');
    expect(sent[0]?.params).to.deep.equal([-604800]);
    expect(refusals(sent[0]?.sql ?? '')).to.deep.equal([]);
  });
});
