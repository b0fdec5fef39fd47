/**
 * Every rsrun.ini key in one table: its type, default, environment variables and section. The
 * table drives parsing and validation (`resolve-keys.ts`), typo suggestions for unknown keys and
 * sections, and the key reference in the README (`key-reference.ts`, kept in step by a test).
 */
import type { EngineKind } from './types';

export type KeyType = 'string' | 'secret' | 'path' | 'identifier' | 'integer' | 'duration' | 'boolean' | 'choice' | 'list';

/** What an environment's defaults depend on. */
export interface DefaultContext {
  engine: EngineKind;
  envName: string;
  processEnv: NodeJS.ProcessEnv;
}

export interface KeyDef {
  readonly type: KeyType;
  readonly choices?: readonly string[];
  /** Integers: the smallest value; durations: the shortest, in milliseconds. */
  readonly min?: number;
  readonly max?: number;
  /** As it would be written in rsrun.ini; absent = unset. */
  readonly default?: string | ((ctx: DefaultContext) => string | undefined);
  /** The default as the README shows it, when `default` is computed or absent. */
  readonly defaultText?: string;
  /** Environment variables, highest precedence first. In `[env.*]`, `<ENV>` is the environment's name. */
  readonly env?: readonly string[];
  readonly doc: string;
}

type Section = Readonly<Record<string, KeyDef>>;

const ENGINES = ['embedded', 'postgres', 'redshift'] as const;
const redshift = (ctx: DefaultContext) => ctx.engine === 'redshift';

/** `RSRUN_<ENV>_<KEY>` beats `RSRUN_<KEY>`. */
const envVars = (key: string, generic = true): readonly string[] => [
  `RSRUN_<ENV>_${key.toUpperCase()}`,
  ...(generic ? [`RSRUN_${key.toUpperCase()}`] : []),
];

export const PROJECT_KEYS = {
  name: { type: 'string', defaultText: 'the project folder name', doc: 'report title and CloudWatch `Project` dimension' },
  migrations: {
    type: 'path',
    default: 'migrations',
    doc: 'folder of migrations (V/R/U `.sql` files and INI changesets), searched recursively',
  },
  tests: { type: 'path', default: 'tests', doc: 'folder of SQL tests (`*.sql`, `*.ini`), searched recursively' },
  seeds: { type: 'path', default: 'seeds', doc: 'folder of data files' },
  reports: { type: 'path', default: 'reports', env: ['RSRUN_REPORTS_DIR'], doc: 'where run directories go (`--reports-dir`)' },
  keep_runs: {
    type: 'integer',
    min: 1,
    max: 1_000_000,
    defaultText: 'all',
    env: ['RSRUN_KEEP_RUNS'],
    doc: 'after each run, keep only the newest N run directories that are shipped (`rsrun reports prune --keep N` does it by hand)',
  },
  history_schema: { type: 'identifier', default: 'rsrun', doc: 'schema of the history and lock tables' },
  history_table: { type: 'identifier', default: 'rsrun_history', doc: 'the migration history table' },
  lock_table: { type: 'identifier', default: 'rsrun_lock', doc: 'the deployment lock (a lease row; Redshift has no advisory locks)' },
  lock_ttl: {
    type: 'duration',
    min: 1000,
    default: '10m',
    env: ['RSRUN_LOCK_TTL'],
    doc: "how long the deploy lock's lease lasts without renewal (renewed every third of it while a run holds it); another runner takes over only after it expired and its session is gone",
  },
  ship_timeout: {
    type: 'duration',
    default: '2m',
    env: ['RSRUN_SHIP_TIMEOUT'],
    doc: 'all the time shipping a run (S3 uploads, CloudWatch metrics, retries) may take; then it stays in the spool for `rsrun ship`',
  },
  dw_config: {
    type: 'path',
    default: 'dw_config.ini',
    env: ['RSRUN_DW_CONFIG'],
    doc: "the seed sample's `dw_config.ini`: its sections become environments",
  },
} as const satisfies Section;

export const ENV_KEYS = {
  engine: {
    type: 'choice',
    choices: ENGINES,
    default: (ctx) => (ctx.envName === 'local' ? 'embedded' : 'postgres'),
    defaultText: '`embedded` for `local`, else `postgres` (`redshift` for dw_config.ini sections)',
    env: envVars('engine', false),
    doc: '`embedded` (PGlite under `.rsrun/`), `postgres` (a PostgreSQL server) or `redshift`',
  },
  host: {
    type: 'string',
    default: (ctx) => (ctx.engine === 'embedded' ? '127.0.0.1' : undefined),
    defaultText: 'required, except for embedded and with IAM, a secret or the Data API',
    env: envVars('host'),
    doc: 'server host (`--host`)',
  },
  port: {
    type: 'integer',
    min: 1,
    max: 65535,
    default: (ctx) => (redshift(ctx) ? '5439' : '5432'),
    defaultText: '5439 for redshift, else 5432',
    env: envVars('port'),
    doc: 'server port (`--port`)',
  },
  database: {
    type: 'string',
    default: (ctx) => (redshift(ctx) ? 'dev' : 'postgres'),
    defaultText: '`dev` for redshift, else `postgres`',
    env: envVars('database'),
    doc: 'database (`--database`)',
  },
  user: {
    type: 'string',
    default: (ctx) => (ctx.engine === 'embedded' ? 'postgres' : (ctx.processEnv.USER ?? 'postgres')),
    defaultText: '`$USER`',
    env: envVars('user'),
    doc: 'database user (`--user`)',
  },
  password: { type: 'secret', env: envVars('password'), doc: 'password; use `${VAR}`, never a flag; masked everywhere' },
  ssl: {
    type: 'choice',
    choices: ['disable', 'require', 'verify-full'],
    default: (ctx) => (redshift(ctx) ? 'verify-full' : 'disable'),
    defaultText: '`verify-full` for redshift, else `disable`',
    env: envVars('ssl'),
    doc: 'TLS: `verify-full` checks the certificate chain (bundled Amazon roots) and host name',
  },
  ssl_root_cert: { type: 'string', env: envVars('ssl_root_cert'), doc: 'PEM file of an extra CA for `verify-full`' },
  connect_timeout: { type: 'duration', default: '15s', env: envVars('connect_timeout'), doc: 'connection timeout' },
  statement_timeout: {
    type: 'duration',
    default: '0',
    defaultText: '0 (none)',
    env: envVars('statement_timeout'),
    doc: 'per-statement timeout',
  },
  lock_timeout: {
    type: 'duration',
    default: '10m',
    env: envVars('lock_timeout'),
    doc: "how long to wait for another runner's deploy lock (then exit 4)",
  },
  emulate_redshift: {
    type: 'boolean',
    default: (ctx) => (redshift(ctx) ? 'false' : 'true'),
    defaultText: '`true`, except for redshift (where it is refused)',
    env: envVars('emulate_redshift'),
    doc: 'rewrite Redshift SQL (DDL attributes, functions, COPY/UNLOAD) for a PostgreSQL engine',
  },
  fresh: { type: 'boolean', default: 'false', env: envVars('fresh'), doc: 'embedded only: start from an empty warehouse (`--fresh`)' },
  local_s3_dir: {
    type: 'path',
    defaultText: '`.rsrun/s3` unless `s3_endpoint` is set',
    env: envVars('local_s3_dir'),
    doc: 'emulated COPY/UNLOAD read and write `s3://bucket/key` as `<dir>/bucket/key`',
  },
  s3_endpoint: {
    type: 'string',
    env: envVars('s3_endpoint'),
    doc: 'emulated COPY/UNLOAD use this S3-compatible server instead (path-style; never the report store `[s3]`)',
  },
  transport: {
    type: 'choice',
    choices: ['pg', 'data-api'],
    default: 'pg',
    env: envVars('transport'),
    doc: '`data-api` talks to Redshift through the Data API',
  },
  auth: {
    type: 'choice',
    choices: ['password', 'iam', 'secret'],
    default: 'password',
    env: envVars('auth'),
    doc: '`iam`: temporary credentials; `secret`: a Secrets Manager secret',
  },
  cluster_identifier: { type: 'string', env: envVars('cluster_identifier'), doc: 'provisioned cluster (IAM auth, Data API)' },
  workgroup: { type: 'string', env: envVars('workgroup'), doc: 'Redshift Serverless workgroup' },
  region: {
    type: 'string',
    defaultText: '`AWS_REGION`',
    env: envVars('region'),
    doc: 'AWS region for IAM, Secrets Manager and the Data API',
  },
  secret_id: { type: 'string', env: envVars('secret_id'), doc: 'Secrets Manager secret (`auth = secret`)' },
  db_user: { type: 'string', env: envVars('db_user'), doc: 'database user for `GetClusterCredentials`' },
  db_groups: { type: 'list', env: envVars('db_groups'), doc: 'database groups for `GetClusterCredentials`' },
  auto_create_user: {
    type: 'boolean',
    default: 'false',
    env: envVars('auto_create_user'),
    doc: 'let `GetClusterCredentials` create `db_user`',
  },
  iam_duration_seconds: {
    type: 'integer',
    min: 900,
    max: 3600,
    default: '900',
    env: envVars('iam_duration_seconds'),
    doc: 'lifetime of IAM credentials',
  },
  data_api_session_keep_alive_seconds: {
    type: 'integer',
    min: 0,
    max: 86400,
    env: envVars('data_api_session_keep_alive_seconds'),
    doc: 'Data API session reuse between statements',
  },
  query_group: { type: 'string', env: envVars('query_group'), doc: '`SET query_group` label for WLM and the system tables' },
  secret_keys: { type: 'list', env: envVars('secret_keys'), doc: 'other keys of this section whose values are masked' },
  drift: {
    type: 'choice',
    choices: ['fail', 'warn', 'off'],
    default: (ctx) => (ctx.engine === 'embedded' ? 'off' : 'warn'),
    defaultText: '`warn`, except `off` for embedded (a warehouse of your own)',
    env: envVars('drift'),
    doc: '`plan` and `deploy` check drift first: `fail` stops them (exit 9), `warn` reports it, `off` skips the check',
  },
  drift_include: { type: 'list', defaultText: 'every user schema', doc: 'schemas `rsrun drift` compares' },
  drift_exclude: { type: 'list', doc: "schemas `rsrun drift` leaves out (rsrun's own history schema always is)" },
  branch_seed: {
    type: 'path',
    env: envVars('branch_seed', false),
    doc: 'branch environments (`--env NAME:BRANCH`): a folder of `*.sql` scripts and `<schema>.<table>.csv` files loaded once, after their first migrate',
  },
  branch_clone: {
    type: 'list',
    env: envVars('branch_clone', false),
    doc: 'schemas whose tables `rsrun env create` copies from this database into a new branch environment (small reference data)',
  },
  branch_max: {
    type: 'integer',
    min: 1,
    max: 1000,
    default: '20',
    env: envVars('branch_max', false),
    doc: '`rsrun env create` refuses a new branch environment beyond this many on this base',
  },
} as const satisfies Section;

export const S3_KEYS = {
  bucket: { type: 'string', env: ['RSRUN_S3_BUCKET'], doc: 'bucket for run reports (required in `[s3]`)' },
  prefix: { type: 'string', default: 'rsrun', env: ['RSRUN_S3_PREFIX'], doc: 'key prefix' },
  region: { type: 'string', defaultText: '`AWS_REGION`', env: ['RSRUN_S3_REGION'], doc: 'bucket region' },
  endpoint: { type: 'string', env: ['RSRUN_S3_ENDPOINT'], doc: 'S3-compatible server for reports (implies `force_path_style`)' },
  force_path_style: { type: 'boolean', defaultText: '`true` with `endpoint`', env: ['RSRUN_S3_FORCE_PATH_STYLE'], doc: 'path-style URLs' },
  required: {
    type: 'boolean',
    default: 'false',
    env: ['RSRUN_S3_REQUIRED'],
    doc: 'a failed upload fails the run (exit 6) instead of spooling',
  },
} as const satisfies Section;

export const CLOUDWATCH_KEYS = {
  namespace: { type: 'string', default: 'rsrun', doc: 'metric namespace' },
  region: { type: 'string', defaultText: '`AWS_REGION`', doc: 'CloudWatch region' },
  endpoint: { type: 'string', doc: 'CloudWatch-compatible endpoint' },
  required: { type: 'boolean', default: 'false', doc: 'a failed publish fails the run (exit 6)' },
} as const satisfies Section;

export const TESTS_KEYS = {
  concurrency: {
    type: 'integer',
    min: 1,
    max: 64,
    default: '5',
    env: ['RSRUN_TEST_CONCURRENCY'],
    doc: "parallel tests (Redshift's default WLM queue has 5 slots)",
  },
  timeout: { type: 'duration', default: '5m', env: ['RSRUN_TEST_TIMEOUT'], doc: 'per-test timeout, cancelled on the server' },
} as const satisfies Section;

export const LINT_KEYS = {
  require_dist_sort: { type: 'boolean', default: 'false', doc: 'RS203: every CREATE TABLE chooses DISTSTYLE/DISTKEY/SORTKEY' },
  disable: { type: 'list', doc: 'rule ids switched off for the project' },
  errors: { type: 'list', doc: 'warning rule ids the project treats as errors (e.g. RS201 for DROP TABLE)' },
} as const satisfies Section;

/** The report site (runner/reports/site/settings.ts reads them from `project.extraSections.site`). */
export const SITE_KEYS = {
  repository_url: {
    type: 'string',
    env: ['RSRUN_REPOSITORY_URL'],
    doc: 'repository web address: commits in the report site link to `<url>/commit/<sha>` (or to the URL with `{commit}` replaced)',
  },
  keep_runs: {
    type: 'integer',
    min: 1,
    max: 10_000_000,
    defaultText: 'all',
    doc: 'runs the report site lists per environment; older pages leave it, their objects stay (`rsrun report retain` does it by hand)',
  },
  test_window: {
    type: 'integer',
    min: 2,
    max: 500,
    default: '30',
    doc: 'results kept per test in `tests.json` (new / recurring / flaky markers)',
  },
  environments: { type: 'list', doc: 'home page order of the environments (default: local, dev, test, staging, prod, then the others)' },
} as const satisfies Section;

/** Sections of rsrun.ini, in the order the README lists them. `env` stands for every `[env.NAME]`. */
export const SECTIONS = {
  project: PROJECT_KEYS,
  env: ENV_KEYS,
  s3: S3_KEYS,
  cloudwatch: CLOUDWATCH_KEYS,
  tests: TESTS_KEYS,
  lint: LINT_KEYS,
  site: SITE_KEYS,
} as const;
export type SectionId = keyof typeof SECTIONS;

/** Sections read by the test runner, not the loader (`[assert schema.table]`, the seed's `[TESTSUITE_*]`/`[RESULTS*]`). */
export const TEST_SECTION = /^(assert\s+\S+|TESTSUITE(_.*)?|RESULTS(_.*)?)$/i;

/** Keys users may add to `[env.*]` for their own tools: rsrun keeps them in `raw` and checks nothing. */
export const USER_KEY = /^x_/;

/** The section a name belongs to: `env.test` → `env`; undefined for sections rsrun does not know. */
export function sectionIdOf(name: string): SectionId | undefined {
  if (/^env\.[A-Za-z0-9_-]+$/.test(name)) return 'env';
  return name !== 'env' && Object.hasOwn(SECTIONS, name) ? (name as SectionId) : undefined;
}

/** The closest of `candidates` within two edits, for "did you mean" hints. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: { c: string; d: number } | undefined;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { c, d };
  }
  return best?.c;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] as number;
}
