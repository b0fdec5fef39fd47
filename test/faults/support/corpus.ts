/**
 * The bad-input corpus: small projects that each get one thing wrong, the way a user or an unlucky
 * checkout would. Every project starts from the same base (an applied V1, a passing test, and a
 * pending V2 that a run going too far would apply), then adds, replaces or removes files.
 * `where` must match the file and line the error names.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { mkfifoSync } from './mkfifo';

export type Category = 'config' | 'names' | 'encodings' | 'sizes' | 'links' | 'sql' | 'tests' | 'fixtures';

export interface CorpusCase {
  id: string;
  category: Category;
  title: string;
  /** Files relative to the project; null removes a base file. */
  files?: Record<string, string | Buffer | null>;
  /** Extra setup that files cannot express (links, FIFOs). */
  setup?: (dir: string) => void;
  /** CLI arguments after `--env pg` (default: deploy). */
  args?: string[];
  /** Extra environment for the CLI. */
  env?: Record<string, string>;
  code: number;
  /** The location the message must name: file (and line). */
  where: RegExp;
  message?: RegExp;
  /** Versions the history must hold afterwards (accepted input), instead of "untouched". */
  applied?: string[];
}

const NUL = Buffer.from([0]);
const latin1 = (s: string) => Buffer.from(s, 'latin1');
const ini = (extra: string) => `[project]\nname = corpus\n${extra}\n`;
/**
 * `rsrun.ini:LINE`. The shared test server's password is "rsrun", a secret too short to mask
 * safely that rsrun masks all the same: once the configuration is loaded, "rsrun.ini" prints as "***.ini".
 */
const rsrunIni = (line?: number) => new RegExp(`(?:rsrun|\\*{3})\\.ini${line ? `:${line}\\b` : '\\b'}`);

export const BASE_FILES: Record<string, string> = {
  'migrations/V1__base.sql':
    "create schema shop;\ncreate table shop.orders (id int, status varchar(20));\ninsert into shop.orders values (1, 'paid');\n",
  'tests/orders.sql': '-- rsrun:test orders exist\n-- rsrun:expect count 1\nselect id from shop.orders;\n',
};

/** Applied only by a run that goes further than it should. */
export const PENDING_FILE = { 'migrations/V2__pending.sql': 'create table shop.pending_marker (a int);\n' };

export function envSection(database: string, host: string, port: number, user: string): string {
  return `[env.pg]\nengine = postgres\nhost = ${host}\nport = ${port}\ndatabase = ${database}\nuser = ${user}\npassword = \${FAULTS_PG_PASSWORD}\nlock_timeout = 20s\n`;
}

const config: CorpusCase[] = [
  {
    id: 'ini-bad-line',
    category: 'config',
    title: 'a line that is not key = value',
    files: { 'rsrun.ini': ini('oops') },
    code: 2,
    where: rsrunIni(3),
  },
  {
    id: 'ini-bad-header',
    category: 'config',
    title: 'a malformed section header',
    files: { 'rsrun.ini': ini('[env.x') },
    code: 2,
    where: rsrunIni(3),
  },
  {
    id: 'ini-dup-section',
    category: 'config',
    title: 'a section twice',
    files: { 'rsrun.ini': ini('[tests]\n[tests]') },
    code: 2,
    where: rsrunIni(4),
  },
  {
    id: 'ini-dup-key',
    category: 'config',
    title: 'a key twice',
    files: { 'rsrun.ini': ini('name = again') },
    code: 2,
    where: rsrunIni(3),
  },
  {
    id: 'ini-unknown-env',
    category: 'config',
    title: 'an unknown environment',
    args: ['--env', 'staging', 'deploy'],
    code: 2,
    where: rsrunIni(),
    message: /unknown environment "staging"/,
  },
  {
    id: 'ini-missing-var',
    category: 'config',
    title: 'a ${VAR} that is not set',
    env: { FAULTS_PG_PASSWORD: '' },
    code: 2,
    where: /(?:rsrun|\*{3})\.ini:\d+: .*FAULTS_PG_PASSWORD/,
  },
  {
    id: 'ini-bad-port',
    category: 'config',
    title: 'a port that is not a number',
    env: { RSRUN_PG_PORT: 'abc' },
    code: 2,
    where: /RSRUN_PG_PORT/,
    message: /not a whole number/,
  },
  {
    id: 'ini-port-range',
    category: 'config',
    title: 'a port out of range',
    env: { RSRUN_PG_PORT: '70000' },
    code: 2,
    where: /RSRUN_PG_PORT/,
    message: /out of range/,
  },
  {
    id: 'ini-concurrency-range',
    category: 'config',
    title: '[tests] concurrency 0',
    files: { 'rsrun.ini': ini('[tests]\nconcurrency = 0') },
    code: 2,
    where: rsrunIni(4),
  },
  {
    id: 'ini-bad-duration',
    category: 'config',
    title: 'a duration that is not one',
    files: { 'rsrun.ini': ini('[tests]\ntimeout = forever') },
    code: 2,
    where: rsrunIni(4),
  },
  {
    id: 'ini-bad-boolean',
    category: 'config',
    title: 'a boolean that is not one',
    files: { 'rsrun.ini': ini('[s3]\nbucket = b\nrequired = maybe') },
    code: 2,
    where: rsrunIni(5),
  },
  {
    id: 'ini-bad-choice',
    category: 'config',
    title: 'an engine rsrun does not know',
    env: { RSRUN_PG_ENGINE: 'oracle' },
    code: 2,
    where: /RSRUN_PG_ENGINE/,
  },
  {
    id: 'ini-env-key-typo',
    category: 'config',
    title: 'a typo of an environment key',
    files: { 'rsrun.ini': ini('[env.other]\nhots = x') },
    code: 2,
    where: rsrunIni(4),
    message: /did you mean/,
  },
  {
    id: 'ini-project-key-typo',
    category: 'config',
    title: '[project] history_shema (a typo outside [env.*])',
    files: { 'rsrun.ini': ini('history_shema = x') },
    code: 2,
    where: rsrunIni(3),
  },
  {
    id: 'ini-s3-key-typo',
    category: 'config',
    title: '[s3] endpont',
    files: { 'rsrun.ini': ini('[s3]\nbucket = b\nendpont = http://x') },
    code: 2,
    where: rsrunIni(5),
  },
  {
    id: 'ini-secret-semicolon',
    category: 'config',
    title: 'a password containing ; unquoted',
    files: { 'rsrun.ini': ini('[env.other]\npassword = ab;cd') },
    code: 2,
    where: rsrunIni(4),
  },
  {
    id: 'ini-bad-identifier',
    category: 'config',
    title: 'a history schema that is not an identifier',
    files: { 'rsrun.ini': ini('history_schema = 1bad') },
    code: 2,
    where: rsrunIni(3),
  },
  {
    id: 'ini-s3-no-bucket',
    category: 'config',
    title: '[s3] without a bucket',
    files: { 'rsrun.ini': ini('[s3]\nprefix = p') },
    code: 2,
    where: rsrunIni(3),
  },
  {
    id: 'ini-unknown-section',
    category: 'config',
    title: 'a section rsrun does not read',
    files: { 'rsrun.ini': ini('[cloudwath]\nnamespace = x') },
    code: 2,
    where: rsrunIni(3),
  },
  {
    id: 'ini-not-utf8',
    category: 'config',
    title: 'rsrun.ini saved as Latin-1',
    files: { 'rsrun.ini': latin1(ini('; caf\u00e9')) },
    code: 2,
    where: rsrunIni(3),
  },
  {
    id: 'ini-missing-config',
    category: 'config',
    title: '--config naming a file that does not exist',
    args: ['--config', 'nowhere.ini', 'deploy'],
    code: 2,
    where: /nowhere\.ini/,
  },
  {
    id: 'dw-config-malformed',
    category: 'config',
    title: "the seed sample's dw_config.ini with a broken line",
    files: { 'dw_config.ini': '[DEV]\nDWH_DB = dev\nnot a pair\n' },
    code: 2,
    where: /dw_config\.ini:3\b/,
  },
  {
    id: 'ini-tests-timeout',
    category: 'config',
    title: '[tests] timeout with an unknown unit',
    files: { 'rsrun.ini': ini('[tests]\ntimeout = 5 weeks') },
    code: 2,
    where: rsrunIni(4),
  },
];

const names: CorpusCase[] = [
  {
    id: 'name-one-underscore',
    category: 'names',
    title: 'V2_missing_underscore.sql',
    files: { 'migrations/V2_missing_underscore.sql': 'select 1;' },
    code: 2,
    where: /V2_missing_underscore\.sql/,
  },
  {
    id: 'name-bad-version',
    category: 'names',
    title: 'a version with a letter',
    files: { 'migrations/V2.x__bad.sql': 'select 1;' },
    code: 2,
    where: /V2\.x__bad\.sql/,
  },
  {
    id: 'name-repeatable-version',
    category: 'names',
    title: 'a repeatable with a version',
    files: { 'migrations/R1__view.sql': 'select 1;' },
    code: 2,
    where: /R1__view\.sql/,
  },
  {
    id: 'name-duplicate',
    category: 'names',
    title: 'two files with version 3 (3 and 3.0)',
    files: { 'migrations/V3__a.sql': 'select 1;', 'migrations/V3.0__b.sql': 'select 1;' },
    code: 2,
    where: /V3(\.0)?__[ab]\.sql/,
    message: /used by two migrations/,
  },
  {
    id: 'name-ini-and-sql',
    category: 'names',
    title: 'an INI changeset section and a SQL file with one version',
    files: { 'migrations/changes.ini': '[3]\nquery0 = select 1\n', 'migrations/V3__x.sql': 'select 1;' },
    code: 2,
    where: /(changes\.ini|V3__x\.sql)/,
    message: /version 3 is used by two migrations/,
  },
  {
    id: 'name-two-ini',
    category: 'names',
    title: 'one section in two changeset files',
    files: { 'migrations/a.ini': '[DDL_v01]\nquery0 = select 1\n', 'migrations/b.ini': '\n[DDL_v01]\nquery0 = select 2\n' },
    code: 2,
    where: /b\.ini:2\b/,
  },
  {
    id: 'name-upper-ext',
    category: 'names',
    title: 'a migration named .SQL',
    files: { 'migrations/V3__upper.SQL': 'select 1;' },
    code: 2,
    where: /V3__upper\.SQL/,
    message: /not read/,
  },
  {
    id: 'name-undo-orphan',
    category: 'names',
    title: 'an undo script without its version',
    files: { 'migrations/U9__undo.sql': 'select 1;' },
    code: 2,
    where: /U9__undo\.sql/,
  },
  {
    id: 'name-undo-twice',
    category: 'names',
    title: 'two undo scripts for one version',
    files: { 'migrations/U1__a.sql': 'select 1;', 'migrations/U1.0__b.sql': 'select 1;' },
    code: 2,
    where: /U1(\.0)?__[ab]\.sql/,
  },
  {
    id: 'name-ini-before-section',
    category: 'names',
    title: 'a changeset key before the first section',
    files: { 'migrations/c.ini': 'query0 = select 1\n[DDL_v02]\nquery0 = select 2\n' },
    code: 2,
    where: /c\.ini:1\b/,
  },
  {
    id: 'name-ini-unknown-key',
    category: 'names',
    title: 'a changeset key that is not queryN',
    files: { 'migrations/c.ini': '[DDL_v02]\nsql = select 1\n' },
    code: 2,
    where: /c\.ini:2\b/,
  },
  {
    id: 'name-ini-empty-query',
    category: 'names',
    title: 'an empty changeset statement',
    files: { 'migrations/c.ini': '[DDL_v02]\nquery0 =\n' },
    code: 2,
    where: /c\.ini:2\b/,
  },
  {
    id: 'name-ini-no-statements',
    category: 'names',
    title: 'a changeset section without statements',
    files: { 'migrations/c.ini': '[DDL_v02]\n' },
    code: 2,
    where: /c\.ini:1\b/,
  },
  {
    id: 'name-ini-same-number',
    category: 'names',
    title: 'query0 and query00 in one section',
    files: { 'migrations/c.ini': '[DDL_v02]\nquery0 = select 1\nquery00 = select 2\n' },
    code: 2,
    where: /c\.ini:3\b/,
  },
  {
    id: 'name-3-1',
    category: 'names',
    title: 'V3_1__x.sql is version 3.1 (accepted)',
    files: { 'migrations/V3_1__x.sql': 'create table shop.v31 (a int);' },
    code: 0,
    where: /./,
    applied: ['1', '2', '3.1'],
  },
  {
    id: 'name-huge-version',
    category: 'names',
    title: 'V1000000000000000000000 sorts after V2 and is recorded exactly (accepted)',
    files: { 'migrations/V1000000000000000000000__late.sql': 'create table shop.late (a int);' },
    code: 0,
    where: /./,
    applied: ['1', '2', '1000000000000000000000'],
  },
];

const encodings: CorpusCase[] = [
  {
    id: 'enc-latin1',
    category: 'encodings',
    title: 'a migration saved as Latin-1',
    files: { 'migrations/V3__latin1.sql': latin1("select 1;\nselect 'caf\u00e9';\n") },
    code: 2,
    where: /V3__latin1\.sql:2\b/,
  },
  {
    id: 'enc-nul',
    category: 'encodings',
    title: 'a NUL byte in V3 (blamed on V3, not V1)',
    files: { 'migrations/V3__nul.sql': Buffer.concat([Buffer.from('select 1;\nselect 2;\nselect '), NUL, Buffer.from(';\n')]) },
    code: 2,
    where: /V3__nul\.sql:3\b/,
  },
  {
    id: 'enc-utf16',
    category: 'encodings',
    title: 'a migration saved as UTF-16',
    files: { 'migrations/V3__utf16.sql': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('select 1;\n', 'utf16le')]) },
    code: 2,
    where: /V3__utf16\.sql:1\b/,
  },
  {
    id: 'enc-nul-ini',
    category: 'encodings',
    title: 'a NUL byte in a changeset file',
    files: { 'migrations/c.ini': Buffer.concat([Buffer.from('[DDL_v02]\nquery0 = select 1'), NUL, Buffer.from('\n')]) },
    code: 2,
    where: /c\.ini:2\b/,
  },
  {
    id: 'enc-latin1-test',
    category: 'encodings',
    title: 'a test file saved as Latin-1',
    files: { 'tests/latin.sql': latin1("-- rsrun:test x\nselect 'caf\u00e9' where false;\n") },
    code: 2,
    where: /latin\.sql:2\b/,
  },
  {
    id: 'enc-nul-test-run',
    category: 'encodings',
    title: 'a NUL byte in a test file, run by `rsrun test` (no lint before it)',
    files: { 'tests/nul.sql': Buffer.concat([Buffer.from('-- rsrun:test x\nselect 1 where '), NUL, Buffer.from('false;\n')]) },
    args: ['test'],
    code: 2,
    where: /nul\.sql:2\b/,
  },
  {
    id: 'enc-nul-test-ini',
    category: 'encodings',
    title: 'a NUL byte in an INI test file, run by `rsrun test`',
    files: {
      'tests/cases.ini': Buffer.concat([Buffer.from('[TESTSUITE_v01]\ntest1 = select 1'), NUL, Buffer.from('\n[RESULTS]\ntest1 = 1\n')]),
    },
    args: ['test'],
    code: 2,
    where: /cases\.ini:2\b/,
  },
];

const sizes: CorpusCase[] = [
  {
    id: 'size-long-version',
    category: 'sizes',
    title: 'a 201-digit version',
    files: { [`migrations/V${'9'.repeat(201)}__long.sql`]: 'select 1;' },
    code: 2,
    where: /V9{201}__long\.sql/,
    message: /at most 200/,
  },
  {
    id: 'size-long-path',
    category: 'sizes',
    title: 'a path over 1,000 bytes',
    files: { [`migrations/${Array.from({ length: 9 }, (_, i) => `${i}`.padEnd(120, 'd')).join('/')}/V3__deep.sql`]: 'select 1;' },
    code: 2,
    where: /V3__deep\.sql/,
    message: /at most 1000/,
  },
  {
    id: 'size-long-section',
    category: 'sizes',
    title: 'a changeset section name over 200 bytes',
    files: { 'migrations/c.ini': `[${'x'.repeat(201)}]\nquery0 = select 1\n` },
    code: 2,
    where: /c\.ini:1\b/,
  },
  {
    id: 'size-empty-file',
    category: 'sizes',
    title: 'an empty migration file',
    files: { 'migrations/V3__empty.sql': '' },
    code: 2,
    where: /V3__empty\.sql/,
  },
  {
    id: 'size-comments-only',
    category: 'sizes',
    title: 'a migration of comments only',
    files: { 'migrations/V3__comments.sql': '-- nothing\n/* at all */\n' },
    code: 2,
    where: /V3__comments\.sql/,
  },
];

const links: CorpusCase[] = [
  {
    id: 'link-dangling',
    category: 'links',
    title: 'a dangling symbolic link',
    setup: (dir) => symlinkSync(path.join(dir, 'nowhere.sql'), path.join(dir, 'migrations', 'V3__gone.sql')),
    code: 2,
    where: /V3__gone\.sql/,
  },
  {
    id: 'link-loop',
    category: 'links',
    title: 'a symbolic link loop',
    setup: (dir) => {
      mkdirSync(path.join(dir, 'migrations', 'sub'));
      symlinkSync(path.join(dir, 'migrations'), path.join(dir, 'migrations', 'sub', 'back'));
    },
    code: 2,
    where: /sub\/back/,
  },
  {
    id: 'link-fifo',
    category: 'links',
    title: 'a FIFO named like a migration (reading it would block forever)',
    setup: (dir) => mkfifoSync(path.join(dir, 'migrations', 'V3__fifo.sql')),
    code: 2,
    where: /V3__fifo\.sql/,
  },
  {
    id: 'link-followed',
    category: 'links',
    title: 'a symbolically linked migration is applied, not skipped (accepted)',
    files: { 'shared/V3__linked.sql': 'create table shop.linked (a int);' },
    setup: (dir) => symlinkSync(path.join(dir, 'shared', 'V3__linked.sql'), path.join(dir, 'migrations', 'V3__linked.sql')),
    code: 0,
    where: /./,
    applied: ['1', '2', '3'],
  },
  {
    id: 'link-missing-dir',
    category: 'links',
    title: 'the migrations folder does not exist',
    files: { 'rsrun.ini': ini('migrations = gone') },
    code: 2,
    where: /gone/,
  },
];

const sql: CorpusCase[] = [
  {
    id: 'sql-quote',
    category: 'sql',
    title: 'an unterminated quote',
    files: { 'migrations/V3__q.sql': "select 1;\ninsert into t values ('abc);" },
    code: 2,
    where: /V3__q\.sql:2\b/,
  },
  {
    id: 'sql-dollar',
    category: 'sql',
    title: 'an unterminated $$ body',
    files: { 'migrations/V3__p.sql': 'select 1;\ncreate procedure p() as $$ begin\nnull;\nend;' },
    code: 2,
    where: /V3__p\.sql:2\b/,
  },
  {
    id: 'sql-comment',
    category: 'sql',
    title: 'an unterminated block comment',
    files: { 'migrations/V3__c.sql': 'select 1;\n/* open\nselect 2;' },
    code: 2,
    where: /V3__c\.sql:2\b/,
  },
  {
    id: 'sql-begin',
    category: 'sql',
    title: 'a migration issuing COMMIT itself',
    files: { 'migrations/V3__tx.sql': 'create table shop.tx (a int);\ncommit;' },
    code: 2,
    where: /V3__tx\.sql:2\b/,
  },
  {
    id: 'sql-lint-index',
    category: 'sql',
    title: 'CREATE INDEX (no indexes on Redshift)',
    files: { 'migrations/V3__idx.sql': 'select 1;\ncreate index i on shop.orders (id);' },
    code: 2,
    where: /V3__idx\.sql:2\b/,
  },
  {
    id: 'sql-lint-serial',
    category: 'sql',
    title: 'a SERIAL column',
    files: { 'migrations/V3__serial.sql': 'create table shop.s (\n  id serial\n);' },
    code: 2,
    where: /V3__serial\.sql:\d+\b/,
  },
  {
    id: 'sql-edited',
    category: 'sql',
    title: 'an applied migration edited',
    files: { 'migrations/V1__base.sql': `${BASE_FILES['migrations/V1__base.sql']}-- edited\n` },
    code: 2,
    where: /V1__base\.sql/,
    message: /edited/,
  },
  {
    id: 'sql-missing-applied',
    category: 'sql',
    title: "an applied migration's file deleted",
    files: { 'migrations/V1__base.sql': null },
    code: 2,
    where: /V1__base\.sql/,
    message: /missing/,
  },
  {
    id: 'sql-error',
    category: 'sql',
    title: 'statement 3 of 4 fails on the server: exit 3, the migration rolled back whole',
    files: {
      'migrations/V3__bad.sql':
        'create table shop.t3 (a int);\ninsert into shop.t3 values (1);\ninsert into shop.t3 values (1/0);\ncreate table shop.t4 (a int);',
    },
    code: 3,
    where: /V3__bad\.sql:3\b/,
    applied: ['1', '2'],
  },
];

const tests: CorpusCase[] = [
  {
    id: 'test-count-abc',
    category: 'tests',
    title: 'expect count abc',
    files: { 'tests/bad.sql': '-- rsrun:test x\n-- rsrun:expect count abc\nselect 1;\n' },
    code: 2,
    where: /bad\.sql:2\b/,
  },
  {
    id: 'test-unknown-directive',
    category: 'tests',
    title: 'an unknown directive',
    files: { 'tests/bad.sql': '-- rsrun:test x\n-- rsrun:expekt empty\nselect 1 where false;\n' },
    code: 2,
    where: /bad\.sql:2\b/,
  },
  {
    id: 'test-timeout-forever',
    category: 'tests',
    title: 'timeout forever',
    files: { 'tests/bad.sql': '-- rsrun:test x\n-- rsrun:timeout forever\nselect 1 where false;\n' },
    code: 2,
    where: /bad\.sql:2\b/,
  },
  {
    id: 'test-ragged-rows',
    category: 'tests',
    title: 'a ragged rows table',
    files: { 'tests/bad.sql': '-- rsrun:test x\n-- rsrun:expect rows\n-- | a | b |\n-- | 1 |\nselect 1 as a, 2 as b;\n' },
    code: 2,
    where: /bad\.sql:4\b/,
  },
  {
    id: 'test-duplicate-names',
    category: 'tests',
    title: 'two tests with one name',
    files: { 'tests/bad.sql': '-- rsrun:test same\nselect 1 where false;\n-- rsrun:test same\nselect 1 where false;\n' },
    code: 2,
    where: /bad\.sql:3\b/,
  },
  {
    id: 'test-bad-ini',
    category: 'tests',
    title: 'a tests .ini with a broken line',
    files: { 'tests/cases.ini': '[TESTSUITE_v01]\ntest0 = select 1\nnot a pair\n' },
    code: 2,
    where: /cases\.ini:3\b/,
  },
  {
    id: 'test-ini-no-result',
    category: 'tests',
    title: 'a seed-sample test without its expected result',
    files: { 'tests/cases.ini': '[TESTSUITE_v01]\ntest0 = select 1\n\n[RESULTS]\n' },
    code: 2,
    where: /cases\.ini:2\b/,
  },
  {
    id: 'test-unterminated',
    category: 'tests',
    title: 'a test file with an unterminated quote',
    files: { 'tests/bad.sql': "-- rsrun:test x\nselect 'open where false;\n" },
    code: 2,
    where: /bad\.sql:2\b/,
  },
];

const fixtures: CorpusCase[] = [
  {
    id: 'fixture-csv-missing',
    category: 'fixtures',
    title: 'expect csv naming a missing file',
    files: { 'tests/bad.sql': '-- rsrun:test x\n-- rsrun:expect csv missing.csv\nselect 1 as a;\n' },
    code: 2,
    where: /bad\.sql:2\b/,
  },
  {
    id: 'fixture-csv-malformed',
    category: 'fixtures',
    title: 'expect csv with an unclosed quote',
    files: { 'tests/bad.sql': '-- rsrun:test x\n-- rsrun:expect csv rows.csv\nselect 1 as a;\n', 'tests/rows.csv': 'a\n"1\n' },
    code: 2,
    // The CSV parser's words: `rows.csv: ... at line 2` (or `rows.csv:2`).
    where: /rows\.csv(?::2\b|\b.*\bline 2\b)/,
  },
  {
    id: 'fixture-load-missing',
    category: 'fixtures',
    title: 'a fixture file that does not exist',
    files: { 'tests/bad.sql': '-- rsrun:test x\n-- rsrun:fixture shop.orders none.csv\nselect 1 where false;\n' },
    code: 2,
    where: /bad\.sql:2\b/,
  },
  {
    id: 'fixture-load-ragged',
    category: 'fixtures',
    title: 'a fixture CSV with a ragged row',
    files: {
      'tests/bad.sql': '-- rsrun:test x\n-- rsrun:fixture shop.orders o.csv\nselect 1 where false;\n',
      'tests/o.csv': 'id,status\n1,paid\n2\n',
    },
    code: 2,
    where: /o\.csv(?::3\b|\b.*\bline 3\b)/,
  },
];

export const CORPUS: CorpusCase[] = [...config, ...names, ...encodings, ...sizes, ...links, ...sql, ...tests, ...fixtures];
