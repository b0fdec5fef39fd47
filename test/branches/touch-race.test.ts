/**
 * Two builds of one branch open its environment at the same moment: both move `last used` on the
 * same registry row. Under serializable isolation (Redshift's default, and PostgreSQL sessions that
 * emulate it) the second UPDATE of a row another open transaction changed fails with a
 * serialization error (40001 / Redshift 1023): that must be retried, not end the build.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createBranchEnvironment, touchBranchEnvironment } from '../../runner/branches/environments';
import { branchEnvironment } from '../../runner/config/branch-target';
import type { ProjectConfig } from '../../runner/config/types';
import { envConfigFor, PG_URL, requirePostgres } from '../support/engines';
import { dropDatabases } from './pg-databases';

describe('branch environments: concurrent use of one branch [postgres]', function () {
  this.timeout(120_000);
  const baseDb = `rsrun_touch_${randomBytes(4).toString('hex')}`;
  let admin: pg.Client | undefined;
  let stateDir: string;

  before(async function () {
    await requirePostgres(this);
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${baseDb}`);
    stateDir = mkdtempSync(path.join(tmpdir(), 'rsrun-touch-'));
  });
  after(async () => {
    if (admin) {
      await dropDatabases(admin, baseDb);
      await admin.end();
    }
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it('moves last used from many sessions at once without a serialization failure', async () => {
    const url = new URL(PG_URL);
    const base = envConfigFor(
      'test',
      {
        host: url.hostname,
        port: Number(url.port || 5432),
        user: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        database: baseDb,
      },
      { emulateRedshift: true },
    );
    const config = {
      project: { historySchema: 'rsrun', stateDir } as ProjectConfig,
      build: { commit: undefined, number: undefined, branch: undefined, url: undefined },
    };
    await createBranchEnvironment(config, base, 'feature/race');
    const env = branchEnvironment(base, 'feature/race');
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => touchBranchEnvironment(config, env)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason));
    expect(failed).to.deep.equal([]);
  });
});
