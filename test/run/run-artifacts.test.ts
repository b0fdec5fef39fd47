import { expect } from 'chai';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { discoverMigrations } from '../../runner/migrations/discover';
import { MAX_SCRIPT_COPY_BYTES, writeRunArtifacts } from '../../runner/run/run-artifacts';
import { TempProject } from '../support/project';

describe('run artifacts', () => {
  it('copies applied scripts whole, and keeps only the head of a very large one with its size and checksum', async () => {
    const p = new TempProject();
    try {
      p.migration('V1__small.sql', 'create table t (a int);\n');
      const line = 'insert into t values (1); -- ünïcödé padding to make this line long enough\n';
      p.migration('V2__big.sql', line.repeat(Math.ceil((MAX_SCRIPT_COPY_BYTES + 1024) / Buffer.byteLength(line))));
      const set = await discoverMigrations(p.migrationsDir);
      const runDir = path.join(p.dir, 'run');
      await writeRunArtifacts(runDir, set.versioned, []);
      expect(readFileSync(path.join(runDir, 'sql/V1__small.sql'), 'utf8')).to.equal('create table t (a int);\n');
      const big = readFileSync(path.join(runDir, 'sql/V2__big.sql'), 'utf8');
      expect(statSync(path.join(runDir, 'sql/V2__big.sql')).size).to.be.below(300 * 1024);
      const [head, note] = big.split('\n-- [rsrun] ');
      expect(
        (head as string)
          .split('\n')
          .slice(0, -1)
          .every((l) => `${l}\n` === line),
      ).to.equal(true);
      expect(note).to.match(/^V2__big\.sql is \d+ bytes; this run directory keeps its first \d+ bytes\./);
      expect(big).to.contain(`SHA-256 ${set.versioned[1]?.checksum}`);
      expect(readFileSync(path.join(runDir, 'history.json'), 'utf8').trim()).to.equal('[]');
    } finally {
      p.remove();
    }
  });
});
