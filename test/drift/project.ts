/**
 * The drift tests' project: 2 schemas, 4 tables (every distribution style, compound and
 * interleaved sort keys, encodings, defaults, an identity), 2 views, a late-binding view, a
 * materialized view, a repeatable view, 3 routines and a grant: 15 objects. And the way a person
 * changes prod by hand: SQL sent straight to the warehouse, through the Redshift emulation where
 * the change is to the physical design (which the emulation records as a cluster would).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRedshiftEmulation, LocalDirectoryStore } from '../../runner/dialects/redshift/emulation';
import { expect } from 'chai';
import type { Warehouse } from '../../runner/warehouse/warehouse';
import { runCli, type CliResult } from '../support/cli';
import type { EngineDatabase } from '../support/engines';
import { TempProject } from '../support/project';

export function driftProject(db: EngineDatabase): TempProject {
  const p = new TempProject('rsrun-drift-');
  p.write(
    'rsrun.ini',
    `[project]\nname = drift\n\n[env.test]\nengine = postgres\nhost = ${db.host}\nport = ${db.port}\n` +
      `database = ${db.database}\nuser = ${db.user}\n${db.password === undefined ? '' : 'password = ${TEST_DB_PASSWORD}\n'}`,
  );
  p.migration('V1__schemas.sql', 'CREATE SCHEMA sales;\nCREATE SCHEMA mart;\n');
  p.migration(
    'V2__tables.sql',
    `CREATE TABLE sales.customers (id INTEGER IDENTITY(1, 1) NOT NULL, name VARCHAR(50) NOT NULL ENCODE zstd, email VARCHAR(100)) DISTSTYLE ALL;
CREATE TABLE sales.orders (
  id INTEGER NOT NULL, customer_id INTEGER NOT NULL, order_date DATE NOT NULL,
  status VARCHAR(10) DEFAULT 'new', amount DECIMAL(12, 2) ENCODE az64
) DISTKEY (customer_id) COMPOUND SORTKEY (order_date, id);
CREATE TABLE sales.items (order_id INTEGER, sku VARCHAR(20), qty INTEGER DEFAULT 1) DISTSTYLE EVEN INTERLEAVED SORTKEY (sku, order_id);
CREATE TABLE mart.daily (day DATE NOT NULL, total DECIMAL(14, 2)) SORTKEY (day);
`,
  );
  p.migration(
    'V3__views.sql',
    `CREATE VIEW mart.v_open_orders AS SELECT id, customer_id, amount FROM sales.orders WHERE status = 'new';
CREATE VIEW mart.v_items AS SELECT order_id, sku, qty FROM sales.items WITH NO SCHEMA BINDING;
CREATE MATERIALIZED VIEW mart.mv_totals AS SELECT customer_id, SUM(amount) AS total FROM sales.orders GROUP BY customer_id;
`,
  );
  p.migration(
    'V4__routines.sql',
    `CREATE FUNCTION sales.f_net(NUMERIC) RETURNS NUMERIC IMMUTABLE AS $$ SELECT $1 * 0.8 $$ LANGUAGE sql;
CREATE PROCEDURE sales.p_close(p_id INTEGER) AS $$
BEGIN
  UPDATE sales.orders SET status = 'closed' WHERE id = p_id;
END;
$$ LANGUAGE plpgsql;
CREATE PROCEDURE mart.p_clear() AS $$
BEGIN
  DELETE FROM mart.daily;
END;
$$ LANGUAGE plpgsql;
`,
  );
  p.migration(
    'V5__customers_phone.sql',
    'ALTER TABLE sales.customers ADD COLUMN phone VARCHAR(20);\nGRANT SELECT ON mart.v_open_orders TO GROUP analysts;\n',
  );
  p.migration('R__report.sql', 'CREATE OR REPLACE VIEW mart.v_report AS SELECT customer_id, total FROM mart.mv_totals;\n');
  return p;
}

/** Environment variables the CLI needs for the project's rsrun.ini. */
export function driftEnv(db: EngineDatabase): NodeJS.ProcessEnv {
  return db.password === undefined ? {} : { TEST_DB_PASSWORD: db.password };
}

/** Runs Redshift SQL as a person would on the cluster: through the emulation, which records the design. */
export async function runAsRedshift(warehouse: Warehouse, statements: readonly string[]): Promise<void> {
  const rewriter = createRedshiftEmulation({ s3Store: new LocalDirectoryStore(mkdtempSync(path.join(tmpdir(), 'rsrun-drift-s3-'))) });
  const session = await warehouse.acquire();
  try {
    await rewriter.prepare(session);
    for (const sql of statements) {
      for (const step of rewriter.rewrite(sql, { file: 'by hand', line: 1 })) {
        if (step.kind === 'sql') await session.query(step.sql);
        else await step.run(session);
      }
    }
  } finally {
    await session.release();
  }
}

/** Registers hooks that write the project and deploy it (rsrun migrate) before the block's tests. */
export function deployedDriftProject(db: EngineDatabase): {
  project: () => TempProject;
  cli: (...args: string[]) => Promise<CliResult>;
  cliWith: (env: NodeJS.ProcessEnv, ...args: string[]) => Promise<CliResult>;
} {
  let project: TempProject | undefined;
  const current = () => {
    if (!project) throw new Error('the drift project is not written yet');
    return project;
  };
  const cliWith = (env: NodeJS.ProcessEnv, ...args: string[]) =>
    runCli(['-C', current().dir, ...args], { env: { ...driftEnv(db), ...env }, timeoutMs: 180_000 });
  const cli = (...args: string[]) => cliWith({}, ...args);
  before(async function () {
    this.timeout(240_000);
    project = driftProject(db);
    const deployed = await cli('migrate', '--env', 'test');
    expect(deployed.code, deployed.stderr + deployed.stdout).to.equal(0);
  });
  after(() => project?.remove());
  return { project: current, cli, cliWith };
}
