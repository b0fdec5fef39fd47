/**
 * Every artefact is masked when it is written (defect 12 of issue 14): report.json, report.html
 * and junit.xml, the run directory's sql/ copies and history.json, and run.log — including
 * secrets learned after the logger started, and very short secrets (masked, with one warning).
 */
import { expect } from 'chai';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../runner/logging/create-logger';
import { createMasker } from '../../runner/logging/masking';
import { discoverMigrations } from '../../runner/migrations/discover';
import { writeReports } from '../../runner/reports';
import { writeRunArtifacts } from '../../runner/run/run-artifacts';
import type { RunReport } from '../../runner/run/run-report';
import { registerSecret } from '../../runner/warehouse/aws/secret-registry';
import { TempProject } from '../support/project';

// Characters HTML, XML, JSON and SQL each escape, so only masking before rendering can catch every form.
const SECRET = `Wr1te<&>"Time'Secret`;

function failingReport(): RunReport {
  const t = new Date().toISOString();
  return {
    schemaVersion: 1,
    runId: 'r1',
    command: 'deploy',
    project: 'p',
    environment: 'test',
    target: 'postgres://u@h/db',
    status: 'failed',
    exitCode: 1,
    startedAt: t,
    finishedAt: t,
    durationMs: 1,
    build: {},
    migrations: [
      {
        migration: {
          version: '1',
          description: 'users',
          kind: 'versioned',
          script: 'V1__users.sql',
          checksum: 'c',
          transactional: true,
          statementCount: 1,
        },
        status: 'failed',
        durationMs: 1,
        error: { message: `statement 1 failed: password ${SECRET}`, sql: `CREATE USER app WITH PASSWORD '${SECRET.replace(/'/g, "''")}'` },
      },
    ],
    tests: [
      {
        id: 's::t',
        suite: 's',
        name: 't',
        file: 'tests/t.sql',
        line: 3,
        tags: [],
        status: 'failed',
        durationMs: 2,
        message: `expected 0 rows; connection used ${SECRET}`,
        sql: `SELECT * FROM users WHERE pw = '${SECRET.replace(/'/g, "''")}'`,
        actual: { columns: ['pw'], rows: [[SECRET]] },
      },
    ],
    lint: [],
    summary: { migrationsApplied: 0, migrationsFailed: 1, total: 1, passed: 0, failed: 1, errors: 0, skipped: 0 },
    error: `failed with ${SECRET}`,
  };
}

/** Every form in which a text format could carry the secret. */
function leaks(text: string): string[] {
  const forms = [
    SECRET,
    SECRET.replace(/'/g, "''"),
    JSON.stringify(SECRET).slice(1, -1),
    SECRET.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
    'Wr1te',
    'TimeSecret',
    "Time'",
  ];
  return forms.filter((f) => text.includes(f));
}

describe('masking at write time', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(tmpdir(), 'rsrun-mask-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('report.json, report.html and junit.xml never hold the secret in any escaping', async () => {
    const files = await writeReports(failingReport(), dir, createMasker([SECRET]));
    for (const file of Object.values(files)) {
      const text = await readFile(file, 'utf8');
      expect(leaks(text), file).to.deep.equal([]);
      expect(text, file).to.contain('***');
    }
    // Still the report it was: parseable, the unmasked fields intact.
    const json = JSON.parse(await readFile(files.json, 'utf8')) as RunReport;
    expect(json.tests[0]?.actual?.rows).to.deep.equal([['***']]);
    expect(json.summary.failed).to.equal(1);
  });

  it('the sql/ copies (whole and head-only) and history.json are masked', async () => {
    const p = new TempProject('rsrun-mask-art-');
    try {
      p.migration('V1__users.sql', `CREATE USER app PASSWORD 'x';\nSELECT '${SECRET.replace(/'/g, "''")}';\n`);
      const line = `INSERT INTO t VALUES ('${SECRET.replace(/'/g, "''")}');\n`;
      p.migration('V2__big.sql', line.repeat(Math.ceil((4 * 1024 * 1024 + 10) / line.length)));
      const set = await discoverMigrations(p.migrationsDir);
      const history = [
        {
          installedRank: 1,
          version: '1',
          description: SECRET,
          type: 'versioned' as const,
          script: 'V1__users.sql',
          checksum: 'c',
          installedBy: 'u',
          installedOn: 'now',
          executionMs: 1,
          success: true,
          statementsDone: null,
          runId: 'r',
        },
      ];
      await writeRunArtifacts(dir, set.versioned, history, createMasker([SECRET]));
      const written = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
      expect(written.map((e) => e.name).sort()).to.deep.equal(['V1__users.sql', 'V2__big.sql', 'history.json']);
      for (const e of written) expect(leaks(await readFile(path.join(e.parentPath, e.name), 'utf8')), e.name).to.deep.equal([]);
    } finally {
      p.remove();
    }
  });

  it('run.log masks a secret registered after the logger started, and warns once about a short one without printing it', async () => {
    const out = new PassThrough();
    let terminal = '';
    out.on('data', (c: Buffer) => (terminal += c.toString()));
    const runLogPath = path.join(dir, 'run.log');
    const logger = createLogger({ level: 'info', format: 'json', runLogPath, secrets: ['Qx7'], stream: out });
    const late = 'Late-From-Secrets-Manager-91';
    registerSecret(late);
    logger.info(`connected with ${late}; short one Qx7 here`);
    logger.info('again Qx7');
    await logger.close();
    for (const text of [terminal, await readFile(runLogPath, 'utf8')]) {
      expect(text).not.to.contain(late);
      expect(text).not.to.contain('Qx7');
      expect(text.match(/too short to mask safely/g)).to.have.length(1);
    }
  });
});
