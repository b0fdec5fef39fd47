/**
 * Discovery refuses, before anything connects, every file that would stop a deploy halfway or be
 * skipped without a word; and computes checksums that stay what they were for existing histories.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../runner/errors';
import { checksumOf, discoverMigrations, type MigrationSet } from '../../runner/migrations/discover';
import { TempProject } from '../support/project';

async function discoveryError(p: TempProject): Promise<InputError> {
  let set: MigrationSet | undefined;
  try {
    set = await discoverMigrations(p.migrationsDir);
  } catch (err) {
    expect(err).to.be.instanceOf(InputError);
    return err as InputError;
  }
  throw new Error(`discovery accepted the project: ${set.versioned.map((m) => m.script).join(', ')}`);
}

describe('migration discovery', () => {
  let p: TempProject;
  beforeEach(() => (p = new TempProject('rsrun-disc-')));
  afterEach(() => p.remove());

  it('reads V3_1__x.sql as version 3.1, the same as V3.1__x.sql', async () => {
    p.migration('V3_1__x.sql', 'select 1;');
    p.migration('V3__a.sql', 'select 1;');
    const set = await discoverMigrations(p.migrationsDir);
    expect(set.versioned.map((m) => [m.version, m.description])).to.deep.equal([
      ['3', 'a'],
      ['3.1', 'x'],
    ]);
    p.migration('V3.1__y.sql', 'select 2;');
    expect((await discoveryError(p)).message).to.match(/version 3\.1 is used by two migrations/);
  });

  it('keeps huge versions exact and in numeric order', async () => {
    p.migration('V1000000000000000000000__late.sql', 'select 1;');
    p.migration('V1__first.sql', 'select 1;');
    p.migration('V9007199254740993__b.sql', 'select 1;');
    p.migration('V9007199254740992__a.sql', 'select 1;');
    p.migration('V99999999999999999999__c.sql', 'select 1;');
    const set = await discoverMigrations(p.migrationsDir);
    expect(set.versioned.map((m) => m.version)).to.deep.equal([
      '1',
      '9007199254740992',
      '9007199254740993',
      '99999999999999999999',
      '1000000000000000000000',
    ]);
  });

  it('refuses an INI changeset section and a SQL file with the same version, naming both', async () => {
    p.migration('changes.ini', '[DDL_v01]\nquery0 = create table a (x int)\n\n[3]\nquery0 = select 1\n');
    p.migration('V3__x.sql', 'select 1;');
    const err = await discoveryError(p);
    expect(err.message).to.contain('version 3 is used by two migrations').and.contain('changes.ini#[3]').and.contain('V3__x.sql');
  });

  it('refuses the same numeric version in two INI files even when spelled differently', async () => {
    p.migration('a.ini', '[1]\nquery0 = select 1\n');
    p.migration('b.ini', '\n[1.0]\nquery0 = select 2\n');
    const err = await discoveryError(p);
    expect(err.message).to.contain('a.ini#[1]').and.contain('b.ini#[1.0]');
    expect(err.file).to.equal(path.join(p.migrationsDir, 'b.ini'));
    expect(err.line).to.equal(2);
  });

  it('refuses keys before the first section of a changeset, naming file and line', async () => {
    p.migration('changes.ini', '; comment\nquery0 = select 1\n[DDL_v01]\nquery0 = select 2\n');
    const err = await discoveryError(p);
    expect(err.message).to.contain('before the first [section]');
    expect([err.file, err.line]).to.deep.equal([path.join(p.migrationsDir, 'changes.ini'), 2]);
  });

  it('refuses migration files with an upper-case extension instead of skipping them', async () => {
    p.migration('V1__a.sql', 'select 1;');
    p.migration('V2__b.SQL', 'select 1;');
    const err = await discoveryError(p);
    expect(err.message).to.contain('"V2__b.SQL" is not read');
    expect(err.hint).to.contain('V2__b.sql');
  });

  it('still ignores files that are not migrations at all', async () => {
    p.migration('V1__a.sql', 'select 1;');
    p.migration('README.md', '# notes');
    p.migration('.hidden.sql', 'not sql at all');
    expect((await discoverMigrations(p.migrationsDir)).versioned).to.have.length(1);
  });

  it('follows symbolic links to files and folders', async () => {
    const shared = p.write('shared/V2__linked.sql', 'select 2;');
    p.write('shared-dir/V3__in_linked_dir.sql', 'select 3;');
    p.migration('V1__a.sql', 'select 1;');
    symlinkSync(shared, path.join(p.migrationsDir, 'V2__linked.sql'));
    symlinkSync(path.join(p.dir, 'shared-dir'), path.join(p.migrationsDir, 'more'));
    const set = await discoverMigrations(p.migrationsDir);
    expect(set.versioned.map((m) => m.script)).to.deep.equal(['V1__a.sql', 'V2__linked.sql', 'more/V3__in_linked_dir.sql']);
  });

  it('refuses a dangling symbolic link, naming it', async () => {
    p.migration('V1__a.sql', 'select 1;');
    symlinkSync(path.join(p.dir, 'nowhere.sql'), path.join(p.migrationsDir, 'V2__gone.sql'));
    const err = await discoveryError(p);
    expect(err.message).to.contain('points to nothing');
    expect(err.file).to.equal(path.join(p.migrationsDir, 'V2__gone.sql'));
  });

  it('refuses a symbolic link loop instead of walking it forever', async () => {
    p.migration('sub/V1__a.sql', 'select 1;');
    symlinkSync(p.migrationsDir, path.join(p.migrationsDir, 'sub', 'back'));
    const err = await discoveryError(p);
    expect(err.message).to.contain('points back to');
    expect(err.file).to.equal(path.join(p.migrationsDir, 'sub', 'back'));
  });

  it('refuses a NUL byte, naming the file and its line', async () => {
    p.migration('V1__init.sql', 'create table t (a int);');
    p.migration('V3__nul.sql', Buffer.concat([Buffer.from('select 1;\nselect 2;\nselect '), Buffer.from([0]), Buffer.from(';\n')]));
    const err = await discoveryError(p);
    expect(err.message).to.contain('NUL byte');
    expect([err.file, err.line]).to.deep.equal([path.join(p.migrationsDir, 'V3__nul.sql'), 3]);
  });

  it('refuses a NUL byte in a changeset INI file too', async () => {
    p.migration('c.ini', Buffer.concat([Buffer.from('[A]\nquery0 = select 1'), Buffer.from([0]), Buffer.from('\n')]));
    const err = await discoveryError(p);
    expect([err.message.includes('NUL'), err.line]).to.deep.equal([true, 2]);
  });

  it('refuses versions, descriptions and paths longer than the history table holds', async () => {
    p.migration(`V${'1'.repeat(201)}__long.sql`, 'select 1;');
    expect((await discoveryError(p)).message).to.match(/version of this migration is 201 bytes long; the history table holds at most 200/);
    p.remove();
    p = new TempProject('rsrun-disc-');
    // File names stop at 255 bytes; an INI section name can be as long as its line, in multi-byte characters too.
    p.migration('long.ini', `[DDL_v01]\nquery0 = select 1\n[${'é'.repeat(101)}]\nquery0 = select 2\n`);
    const ini = await discoveryError(p);
    expect([ini.message, ini.line]).to.deep.equal([
      'the version of this migration is 202 bytes long; the history table holds at most 200',
      3,
    ]);
    p.remove();
    p = new TempProject('rsrun-disc-');
    const deep = Array.from({ length: 9 }, (_, i) => `${i}`.padEnd(120, 'd')).join('/');
    mkdirSync(path.join(p.migrationsDir, deep), { recursive: true });
    p.migration(`${deep}/V1__deep.sql`, 'select 1;');
    expect((await discoveryError(p)).message).to.match(/path \(relative to the migrations folder\) of this migration is \d{4} bytes/);
  });

  it('accepts names right at the limits', async () => {
    p.migration(`V${'1'.repeat(200)}__x.sql`, 'select 1;');
    p.migration(`R__${'r'.repeat(200)}.sql`, 'select 1;');
    const set = await discoverMigrations(p.migrationsDir);
    expect(set.versioned[0]?.version).to.have.length(200);
  });

  it('checksums the text with BOM and line endings normalised, the same digest as before for existing histories', () => {
    const reference = (text: string) =>
      createHash('sha256')
        .update((text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n'))
        .digest('hex');
    const slice = 1 << 20;
    const samples = [
      'select 1;\n',
      '\ufeffselect 1;\r\nselect 2;\rselect 3;',
      // A CRLF, a CR run and a surrogate pair exactly at the slice boundary.
      `${'a'.repeat(slice - 1)}\r\nb`,
      `${'a'.repeat(slice - 1)}\r\r\r\nb\r`,
      `${'a'.repeat(slice - 1)}😀${'c'.repeat(slice)}\r\n`,
      `${'é'.repeat(3 * slice + 17)}\r`,
    ];
    for (const text of samples) expect(checksumOf(text)).to.equal(reference(text));
    expect(checksumOf('select 1;\r\n')).to.equal(checksumOf('select 1;\n'));
  });
});
