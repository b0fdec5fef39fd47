/**
 * Bad input through the real CLI: one clear message naming the file (and line), the documented
 * exit code, and nothing half-applied.
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../support/cli';
import { TempProject } from '../support/project';

describe('rsrun CLI on bad input', function () {
  this.timeout(120_000);
  let p: TempProject;
  beforeEach(() => {
    p = new TempProject('rsrun-bad-');
  });
  afterEach(() => p.remove());

  const run = (...args: string[]) => runCli(['--project-dir', p.dir, ...args], { cwd: p.dir });

  it('malformed rsrun.ini: exit 2 naming file and line', async () => {
    p.write('rsrun.ini', '[project]\nname = x\noops\n');
    const r = await run('plan');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/rsrun\.ini:3: expected "key = value"/);
  });

  it('unknown environment: exit 2 listing the known ones', async () => {
    const r = await run('--env', 'staging', 'info');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('unknown environment "staging"').and.to.contain('known environments: local');
  });

  it('missing variable: exit 2 naming the key', async () => {
    p.write('rsrun.ini', '[env.test]\nhost = ${NOT_SET_ANYWHERE}\n');
    const r = await run('--env', 'test', 'info');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/rsrun\.ini:2: env\.test\.host: environment variable NOT_SET_ANYWHERE is not set/);
    // One location per error (issue 15): the file and line are not repeated inside the message.
    expect(r.stderr.match(/rsrun\.ini/g)).to.have.length(1);
  });

  for (const [name, files, fragment] of [
    ['duplicate version', { 'V1__a.sql': 'select 1;', 'V1.0__b.sql': 'select 2;' }, /version 1(\.0)? is used by two migrations/],
    [
      'unparsable file name',
      { 'V1_missing_underscore.sql': 'select 1;' },
      /V1_missing_underscore\.sql: cannot tell what kind of migration/,
    ],
    [
      'unterminated $$',
      { 'V1__proc.sql': 'create procedure p() as $$ begin\nnull;\nend;' },
      /V1__proc\.sql:1: unterminated dollar-quoted body \$\$/,
    ],
    ['unterminated quote', { 'V1__q.sql': "select 1;\ninsert into t values ('abc);" }, /V1__q\.sql:2: unterminated string literal/],
    ['empty file', { 'V1__empty.sql': '-- nothing here\n' }, /V1__empty\.sql: migration has no SQL statements/],
    [
      'non-UTF-8 file',
      { 'V1__latin1.sql': Buffer.from([0x73, 0x65, 0x6c, 0x65, 0x63, 0x74, 0x20, 0x27, 0xe9, 0x27, 0x3b]) },
      /V1__latin1\.sql:1: file is not valid UTF-8/,
    ],
  ] as const) {
    it(`${name}: exit 2 naming the file, nothing applied`, async () => {
      for (const [f, content] of Object.entries(files)) p.migration(f, content as string | Buffer);
      const r = await run('migrate', '--fresh');
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(fragment);
      // Nothing reached the warehouse: the embedded engine was never even started, so its data
      // directory does not exist (the exit-3 case below shows it exists once the engine ran).
      expect(existsSync(path.join(p.dir, '.rsrun', 'local', 'pgdata'))).to.equal(false);
    });
  }

  it('SQL error in statement 3 of 5: exit 3, file/line/statement named, migration rolled back, the report lists every migration', async () => {
    p.migration('V1__ok.sql', 'create table ok_table (a int);');
    p.migration(
      'V2__bad.sql',
      'create table t1 (a int);\ninsert into t1 values (1);\ninsert into t1 values (1/0);\ncreate table t2 (a int);\ninsert into t2 values (2);',
    );
    p.migration('V3__after.sql', 'create table after_table (a int);');
    const r = await run('migrate', '--fresh');
    expect(r.code).to.equal(3);
    expect(r.stderr).to.match(/V2__bad\.sql:3: V2__bad\.sql: statement 3 of 5 failed: division by zero/);
    const info = await run('info', '--json');
    const parsed = JSON.parse(info.stdout) as { applied: { version: string }[]; pending: { version: string }[] };
    expect(parsed.applied.map((a) => a.version)).to.deep.equal(['1']);
    expect(parsed.pending.map((a) => a.version)).to.deep.equal(['2', '3']);
    // The run's report shows the migration the failure left unrun, not only the applied and failed ones.
    const [runDir] = readdirSync(path.join(p.dir, 'reports')).filter((d) => /^\d{8}T/.test(d));
    const report = JSON.parse(readFileSync(path.join(p.dir, 'reports', runDir as string, 'report.json'), 'utf8')) as {
      migrations: { migration: { script: string }; status: string }[];
    };
    expect(report.migrations.map((m) => [m.migration.script, m.status])).to.deep.equal([
      ['V1__ok.sql', 'applied'],
      ['V2__bad.sql', 'failed'],
      ['V3__after.sql', 'not-run'],
    ]);
    expect(readFileSync(path.join(p.dir, 'reports', runDir as string, 'report.html'), 'utf8')).to.contain(
      '<span class="badge not-run">not-run</span>',
    );
    // The data directory the bad-file cases above check for: present once the engine ran.
    expect(existsSync(path.join(p.dir, '.rsrun', 'local', 'pgdata'))).to.equal(true);
  });

  it('unknown command or option: exit 2 with usage help', async () => {
    const r = await run('migrat');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("unknown command 'migrat'");
  });
});
