/**
 * Redshift's transaction rules on both local engines (issue 13 (a)): TRUNCATE commits, procedures
 * called inside a transaction block cannot end it, statements Redshift refuses inside a transaction
 * block fail inside one with Redshift's message.
 */
import { expect } from 'chai';
import { describeEachEngine } from '../support/engines';
import { DG, emulatedSession, redshiftLike, type Emulated } from './support';

describeEachEngine('conformance: transactions', (db) => {
  let s: Emulated;
  const count = async (table: string) => Number((await s.run(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n);

  let warehouse: ReturnType<typeof redshiftLike>;
  before(() => {
    warehouse = redshiftLike(db);
  });
  // A session per test, released before the engine's own after hook closes the pool.
  afterEach(async () => {
    if (s.session.inTransaction()) await s.session.query('ROLLBACK');
    await s.release();
  });
  beforeEach(async () => {
    s = await emulatedSession(warehouse);
    await s.run('DROP TABLE IF EXISTS tx_a');
    await s.run('DROP TABLE IF EXISTS tx_b');
    await s.run('CREATE TABLE tx_a (c1 INT)');
    await s.run('CREATE TABLE tx_b (c1 INT)');
  });

  it(`r_TRUNCATE: "the DATE table remains empty after the ROLLBACK" (${DG}r_TRUNCATE.html)`, async () => {
    await s.run('INSERT INTO tx_b VALUES (1), (2)');
    await s.run('BEGIN');
    await s.run('TRUNCATE tx_b');
    await s.run('ROLLBACK');
    expect(await count('tx_b')).to.equal(0);
  });

  it('r_TRUNCATE: "a TRUNCATE command may commit other operations when it commits itself"', async () => {
    await s.run('BEGIN');
    await s.run('INSERT INTO tx_a VALUES (1)');
    await s.run('TRUNCATE TABLE tx_b');
    expect(s.session.inTransaction(), 'the transaction ended with the TRUNCATE').to.equal(false);
    await s.run('ROLLBACK');
    expect(await count('tx_a')).to.equal(1);
  });

  it(`stored-procedure-transaction-management: a procedure's TRUNCATE commits what came before it (${DG}stored-procedure-transaction-management.html)`, async () => {
    // sp_truncate_proc of the page, made to fail after the TRUNCATE: its first transaction stays committed.
    await s.run(`CREATE OR REPLACE PROCEDURE sp_truncate_proc(a int, b int) LANGUAGE plpgsql
AS $$
BEGIN
  INSERT INTO tx_a values (a);
  TRUNCATE tx_b;
  INSERT INTO tx_b values (b / 0);
END;
$$`);
    await s.run('INSERT INTO tx_b VALUES (7)');
    await s.error('CALL sp_truncate_proc(1, 2)');
    expect(await count('tx_a')).to.equal(1);
    expect(await count('tx_b')).to.equal(0);
  });

  it('stored-procedure-transaction-management: sp_truncate_proc(1,2) outside a block leaves one row in each table', async () => {
    await s.run(`CREATE OR REPLACE PROCEDURE sp_truncate_proc2(a int, b int) LANGUAGE plpgsql
AS $$
BEGIN
  INSERT INTO tx_a values (a);
  TRUNCATE tx_b;
  INSERT INTO tx_b values (b);
END;
$$`);
    await s.run('INSERT INTO tx_b VALUES (7)');
    await s.run('CALL sp_truncate_proc2(1, 2)');
    expect(await s.run('SELECT (SELECT MAX(c1) FROM tx_a) AS a, (SELECT MAX(c1) FROM tx_b) AS b')).to.deep.equal([{ a: 1, b: 2 }]);
  });

  it("stored-procedure-transaction-management: sp_truncate_atomic inside BEGIN is refused with Redshift's message and hint", async () => {
    await s.run(`CREATE OR REPLACE PROCEDURE sp_truncate_atomic() LANGUAGE plpgsql
AS $$
BEGIN
  TRUNCATE tx_b;
END;
$$`);
    await s.run('INSERT INTO tx_b VALUES (7)');
    await s.run('BEGIN');
    const err = await s.error('CALL sp_truncate_atomic()');
    await s.run('ROLLBACK');
    expect(err.message).to.equal('TRUNCATE cannot be invoked from a procedure that is executing in an atomic context.');
    expect(err.hint).to.match(/^Try calling the procedure as a top-level call i\.e\. not from within an explicit transaction block\./);
    expect(await count('tx_b'), 'nothing was truncated').to.equal(1);
  });

  it('stored-procedure-transaction-management: COMMIT and ROLLBACK of a procedure called inside BEGIN are refused', async () => {
    await s.run(`CREATE OR REPLACE PROCEDURE sp_commit(a int) LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tx_a values (a);
  COMMIT;
END;
$$`);
    await s.run(`CREATE OR REPLACE PROCEDURE sp_rollback(a int) LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tx_a values (a);
  ROLLBACK;
END;
$$`);
    for (const [proc, command] of [
      ['sp_commit', 'COMMIT'],
      ['sp_rollback', 'ROLLBACK'],
    ]) {
      await s.run('BEGIN');
      const err = await s.error(`CALL ${proc}(1)`);
      await s.run('ROLLBACK');
      expect(err.message).to.equal(`${command} cannot be invoked from a procedure that is executing in an atomic context.`);
    }
    await s.run('CALL sp_commit(5)');
    expect(await count('tx_a'), 'outside a block the procedure commits').to.equal(1);
  });

  it("stored-procedure-transaction-management: a nested TRUNCATE commits the outer procedure's work too", async () => {
    await s.run(`CREATE OR REPLACE PROCEDURE sp_inner(c int) LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tx_b values (c);
  TRUNCATE tx_a;
  INSERT INTO tx_b values (c / 0);
END;
$$`);
    await s.run(`CREATE OR REPLACE PROCEDURE sp_outer(a int, c int) LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tx_a values (a);
  CALL sp_inner(c);
END;
$$`);
    await s.error('CALL sp_outer(1, 3)');
    // The TRUNCATE committed the outer INSERT and the inner one, then truncated tx_a.
    expect([await count('tx_a'), await count('tx_b')]).to.deep.equal([0, 1]);
  });

  const refused: Array<[page: string, setup: string | undefined, sql: string, message: string]> = [
    ['r_VACUUM_command', undefined, 'VACUUM tx_a', 'VACUUM cannot run inside a transaction block'],
    [
      'r_ALTER_TABLE',
      'CREATE TABLE tx_v (name VARCHAR(10))',
      'ALTER TABLE tx_v ALTER COLUMN name TYPE VARCHAR(20)',
      'ALTER TABLE ALTER COLUMN cannot run inside a transaction block',
    ],
    ['r_CREATE_DATABASE', undefined, 'CREATE DATABASE tx_never', 'CREATE DATABASE cannot run inside a transaction block'],
    ['r_DROP_DATABASE', undefined, 'DROP DATABASE tx_never', 'DROP DATABASE cannot run inside a transaction block'],
  ];
  for (const [page, setup, sql, message] of refused) {
    it(`${page}: "${sql}" inside BEGIN fails with "${message}" (${DG}${page}.html)`, async () => {
      if (setup) await s.run(setup);
      await s.run('BEGIN');
      const err = await s.error(sql);
      await s.run('ROLLBACK');
      expect(err.message).to.equal(message);
      expect(err.code).to.equal('25001');
    });
  }

  it('r_ALTER_TABLE: the same ALTER COLUMN runs outside a transaction block', async () => {
    await s.run('DROP TABLE IF EXISTS tx_v');
    await s.run('CREATE TABLE tx_v (name VARCHAR(10))');
    await s.run('ALTER TABLE tx_v ALTER COLUMN name TYPE VARCHAR(20)');
    const r = await s.run("SELECT character_maximum_length AS n FROM information_schema.columns WHERE table_name = 'tx_v'");
    expect(r).to.deep.equal([{ n: 20 }]);
  });

  it('stored-procedure-transaction-management: a TRUNCATE run as dynamic SQL (EXECUTE) commits too, and is refused inside BEGIN', async () => {
    // The shape of the corpus's sp_kmeans (amazon-redshift-udfs): EXECUTE 'TRUNCATE TABLE ' || name.
    await s.run(`CREATE OR REPLACE PROCEDURE sp_truncate_dynamic(tbl varchar) LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tx_a VALUES (1);
  EXECUTE 'TRUNCATE TABLE ' || tbl;
  INSERT INTO tx_a VALUES (1 / 0);
END;
$$`);
    await s.run('INSERT INTO tx_b VALUES (7)');
    await s.run('BEGIN');
    const refused = await s.error("CALL sp_truncate_dynamic('tx_b')");
    await s.run('ROLLBACK');
    expect(refused.message).to.equal('TRUNCATE cannot be invoked from a procedure that is executing in an atomic context.');
    await s.error("CALL sp_truncate_dynamic('tx_b')");
    expect(await count('tx_a'), 'the TRUNCATE committed the first INSERT').to.equal(1);
    expect(await count('tx_b')).to.equal(0);
  });

  it(`stored-procedure-constraints: VACUUM inside a procedure is refused (${DG}stored-procedure-constraints.html)`, async () => {
    await s.run(`CREATE OR REPLACE PROCEDURE sp_vacuum() LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO tx_a VALUES (1);
  VACUUM tx_a;
END;
$$`);
    const err = await s.error('CALL sp_vacuum()');
    expect(err.message).to.equal('VACUUM cannot run inside a transaction block');
    expect(err.code).to.equal('25001');
    expect(await count('tx_a')).to.equal(0);
  });
});
