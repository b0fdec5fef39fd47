import { expect } from 'chai';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../runner/config/load-config';
import { ConfigError, InputError } from '../../runner/errors';
import { RunEventBus } from '../../runner/events';
import { lintGate } from '../../runner/lint/gate';
import { lintProject, lintProjectFiles, RULES } from '../../runner/lint/index';

describe('lintProject', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rsrun-lint-'));
    await mkdir(path.join(dir, 'migrations', 'core'), { recursive: true });
    await mkdir(path.join(dir, 'tests'), { recursive: true });
    await writeFile(path.join(dir, 'rsrun.ini'), '[project]\nname = lintdemo\n\n[lint]\nrequire_dist_sort = true\n');
    await writeFile(
      path.join(dir, 'migrations', 'core', 'V1__orders.sql'),
      'CREATE TABLE s.orders (\n  id BIGINT IDENTITY(1, 1),\n  tags TEXT[]\n) DISTSTYLE AUTO;\n',
    );
    await writeFile(path.join(dir, 'migrations', 'V2__vacuum.sql'), '-- rsrun:no-transaction\nVACUUM s.orders;\n');
    await writeFile(
      path.join(dir, 'migrations', 'R__view.sql'),
      'CREATE OR REPLACE VIEW s.v AS SELECT id FROM s.orders WITH NO SCHEMA BINDING;\n',
    );
    await writeFile(path.join(dir, 'tests', 'orders.sql'), 'SELECT id FROM s.orders WHERE id::uuid IS NULL; -- uuid cast\n');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lints migrations (V, R in sub-folders) and SQL tests with project-relative paths', async () => {
    const config = await loadConfig({ projectDir: dir }, {});
    const { findings, files } = await lintProjectFiles(config);
    expect(files).to.have.members([
      'migrations/core/V1__orders.sql',
      'migrations/V2__vacuum.sql',
      'migrations/R__view.sql',
      'tests/orders.sql',
    ]);
    expect(findings.map((f) => `${f.file}:${f.line} ${f.rule}`)).to.have.members([
      'migrations/core/V1__orders.sql:3 RS003',
      'tests/orders.sql:1 RS009',
    ]);
  });

  it('rejects an unknown [lint] option with a ConfigError', async () => {
    // Its own project: the block's rsrun.ini stays as the other tests expect it, in any order.
    const own = await mkdtemp(path.join(os.tmpdir(), 'rsrun-lint-ini-'));
    try {
      await mkdir(path.join(own, 'migrations'));
      await writeFile(path.join(own, 'migrations', 'V1__a.sql'), 'SELECT 1;\n');
      await writeFile(path.join(own, 'rsrun.ini'), '[project]\nname = lintdemo\n\n[lint]\nrequire_distsort = true\n');
      // The config loader refuses it first now (every section's keys are checked there, with the line).
      let err: unknown;
      await loadConfig({ projectDir: own }, {})
        .then((config) => lintProject(config))
        .catch((e: unknown) => {
          err = e;
        });
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as Error).message).to.contain('require_distsort');
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });

  it('a file that cannot be lexed is one RS000 finding; the other files are still linted', async () => {
    const own = await mkdtemp(path.join(os.tmpdir(), 'rsrun-lint-lex-'));
    try {
      await mkdir(path.join(own, 'migrations'));
      await writeFile(path.join(own, 'rsrun.ini'), '[project]\nname = lexdemo\n');
      await writeFile(path.join(own, 'migrations', 'V1__broken.sql'), "SELECT 1;\nSELECT 'C:\\';\nSELECT 2;\n");
      await writeFile(path.join(own, 'migrations', 'V2__index.sql'), 'CREATE INDEX i ON s.t (a);\n');
      await writeFile(path.join(own, 'migrations', 'V3__escaped.sql'), "SELECT 'it\\'s' AS a;\n");
      const { findings, files } = await lintProjectFiles(await loadConfig({ projectDir: own }, {}));
      expect(files).to.have.members(['migrations/V1__broken.sql', 'migrations/V2__index.sql', 'migrations/V3__escaped.sql']);
      expect(findings.map((f) => `${f.file}:${f.line} ${f.rule}`)).to.have.members([
        'migrations/V1__broken.sql:2 RS000',
        'migrations/V2__index.sql:1 RS004',
      ]);
      expect(findings.find((f) => f.rule === 'RS000')?.message).to.match(/unterminated string literal/);
    } finally {
      await rm(own, { recursive: true, force: true });
    }
  });

  it('the example project sql/ is lint-clean', async () => {
    const config = await loadConfig({ projectDir: path.join(__dirname, '..', '..', 'sql') }, {});
    const { findings, files } = await lintProjectFiles(config);
    expect(files.length).to.be.greaterThan(0);
    expect(findings).to.deep.equal([]);
  });

  it('docs/redshift-rules.md documents every rule id with its source', async () => {
    const doc = await readFile(path.join(__dirname, '..', '..', 'docs', 'redshift-rules.md'), 'utf8');
    for (const r of RULES) {
      expect(doc, r.id).to.contain(`### ${r.id}`);
      expect(doc, r.id).to.contain(r.source);
    }
  });
});

describe('lintGate (plan/deploy)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rsrun-gate-'));
    await mkdir(path.join(dir, 'migrations'), { recursive: true });
    await writeFile(path.join(dir, 'rsrun.ini'), '[project]\nname = gate\n');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('emits lint:finding events, logs warnings and passes when there are no errors', async () => {
    await writeFile(path.join(dir, 'migrations', 'V1__a.sql'), 'TRUNCATE s.t;\n');
    const bus = new RunEventBus();
    const seen: unknown[] = [];
    bus.on('lint:finding', (f) => seen.push(f));
    const logged: string[] = [];
    const findings = await lintGate(await loadConfig({ projectDir: dir }, {}), bus, (l) => logged.push(l));
    expect(findings.map((f) => f.rule)).to.deep.equal(['RS103']);
    expect(seen).to.deep.equal(findings);
    expect(logged).to.deep.equal(['migrations/V1__a.sql:1: warning RS103 ' + findings[0]?.message]);
  });

  it('throws an InputError (exit 2) when there are errors', async () => {
    await writeFile(path.join(dir, 'migrations', 'V1__a.sql'), 'CREATE INDEX i ON s.t (a);\n');
    let err: unknown;
    await lintGate(await loadConfig({ projectDir: dir }, {}), undefined, () => undefined).catch((e: unknown) => {
      err = e;
    });
    expect(err).to.be.instanceOf(InputError);
    expect((err as InputError).exitCode).to.equal(2);
    expect((err as Error).message).to.match(/lint found 1 error/);
  });
});
