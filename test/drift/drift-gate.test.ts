/**
 * plan and deploy run the drift check first, per `[env.*] drift`: `warn` (the default here) prints
 * it and records it in the run report (Drift section, DriftObjects metric); `fail` stops with exit 9
 * before anything is applied.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunReport } from '../../runner/run/run-report';
import { metricsFor } from '../../runner/shipping/metrics';
import { describeEachEngine } from '../support/engines';
import { deployedDriftProject } from './project';

describeEachEngine('drift check before plan and deploy', (db) => {
  const { project, cli, cliWith } = deployedDriftProject(db);

  it('warns in plan, stops deploy with drift = fail, and reports drift in a warn deploy', async function () {
    this.timeout(300_000);
    const client = await db.client();
    await client.query('CREATE TABLE sales.hand_made (x integer)');
    project().migration('V6__more.sql', 'CREATE TABLE sales.later (y INTEGER);\n');

    const page = path.join(project().dir, 'prod-drift.html');
    const plan = await cli('plan', '--env', 'test', '--drift-report', page);
    expect(plan.code, plan.stderr).to.equal(0);
    expect(plan.stdout).to.include('drift: 1 object(s) differ');
    expect(plan.stderr).to.include('drifted from its migrations: 1 object(s) (table sales.hand_made)');
    expect(readFileSync(page, 'utf8')).to.include('<td>table sales.hand_made</td><td>exists</td>');

    // drift = fail (RSRUN_<ENV>_DRIFT): exit 9, and V6 is not applied.
    const stopped = await cliWith({ RSRUN_TEST_DRIFT: 'fail' }, 'deploy', '--env', 'test', '--no-tests');
    expect(stopped.code, stopped.stderr).to.equal(9);
    expect(stopped.stderr, stopped.stderr).to.include('drift --env test shows each difference');
    const later = async () =>
      (await client.query("SELECT to_regclass('sales.later') IS NOT NULL AS present")).rows[0] as { present: boolean };
    expect(await later()).to.deep.equal({ present: false });

    // warn, the default for a PostgreSQL environment: the deploy goes on and its report carries the drift.
    const deployed = await cli('deploy', '--env', 'test', '--no-tests');
    expect(deployed.code, deployed.stderr).to.equal(0);
    expect(await later()).to.deep.equal({ present: true });

    const reports = path.join(project().dir, 'reports');
    const runs = readdirSync(reports)
      .filter((d) => /^\d{8}T/.test(d))
      .sort()
      .reverse();
    const report = JSON.parse(readFileSync(path.join(reports, runs[0] ?? '', 'report.json'), 'utf8')) as RunReport;
    expect(report.drift?.objects).to.equal(1);
    expect(report.drift?.items[0]).to.include({ objectType: 'table', object: 'sales.hand_made', migration: null });
    expect(metricsFor(report).find((m) => m.name === 'DriftObjects')?.value).to.equal(1);
    expect(readFileSync(path.join(reports, runs[0] ?? '', 'report.html'), 'utf8')).to.include('<h2>Drift (1)</h2>');
  });
});
