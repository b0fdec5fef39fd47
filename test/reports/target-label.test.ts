/**
 * Where a run ran, as reports and the report site show it: the embedded warehouse is named by its
 * data folder, not by the random port its socket server listened on for that one run.
 */
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../runner/config/load-config';
import { openWarehouse } from '../../runner/warehouse/open-warehouse';

describe('report target of the embedded warehouse', function () {
  this.timeout(120_000);

  it('is "embedded: .rsrun/<env>", the same on every run', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rsrun-label-'));
    try {
      const config = await loadConfig({ projectDir: dir }, {});
      expect(config.env.engine).to.equal('embedded');
      const labels: string[] = [];
      for (let i = 0; i < 2; i++) {
        const opened = await openWarehouse(config.env, config.project, { maxConnections: 1 });
        try {
          labels.push(opened.warehouse.label);
        } finally {
          await opened.dispose();
        }
      }
      expect(labels).to.deep.equal(['embedded: .rsrun/local', 'embedded: .rsrun/local']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
