/**
 * The one typed, resolved configuration. `load-config.ts` builds it from CLI flags > environment
 * variables > INI files > defaults; everything else reads only this shape.
 */

export type EngineKind = 'embedded' | 'postgres' | 'redshift';
export type SslMode = 'disable' | 'require' | 'verify-full';
export type AuthMode = 'password' | 'iam' | 'secret';
export type Transport = 'pg' | 'data-api';
export type LogFormat = 'auto' | 'text' | 'json';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Command-line flags that take part in configuration (`cli/program.ts` parses them). */
export interface ConfigFlags {
  config?: string;
  env?: string;
  projectDir?: string;
  reportsDir?: string;
  logLevel?: string;
  logFormat?: string;
  host?: string;
  port?: string;
  database?: string;
  user?: string;
  fresh?: boolean;
}

export interface ProjectConfig {
  /** Absolute path of the project directory. */
  dir: string;
  /** Used as the CloudWatch `project` dimension and in reports. */
  name: string;
  migrationsDir: string;
  testsDir: string;
  seedsDir: string;
  historySchema: string;
  historyTable: string;
  /** Lease table used as the deployment lock (Redshift has no advisory locks). */
  lockTable: string;
  /** How long the deploy lock's lease lasts without renewal (`[project] lock_ttl`, default 10 minutes). */
  lockTtlMs: number;
  /** Shipped run directories to keep under reportsDir (`[project] keep_runs`); undefined keeps all. */
  keepRuns: number | undefined;
  /** Absolute path of the directory holding run directories. */
  reportsDir: string;
  /** Absolute path of embedded data and local state (`<project>/.rsrun`). */
  stateDir: string;
  /** Raw `[tests.*]`-style sections not understood by the core, for the modules that own them. */
  extraSections: Record<string, Record<string, string>>;
}

export interface DriftSettings {
  /** What plan/deploy do when the environment drifted: stop (exit 9), print and report, or not check. */
  mode: 'fail' | 'warn' | 'off';
  /** Schemas compared; empty: every user schema. */
  include: string[];
  exclude: string[];
}

export interface EnvironmentConfig {
  name: string;
  engine: EngineKind;
  host: string;
  port: number;
  database: string;
  user: string;
  /** Resolved password, when one is configured; never logged (see `secrets`). */
  password: string | undefined;
  ssl: SslMode;
  /** PEM bundle to trust for `verify-full`; defaults to the bundled Amazon roots for Redshift. */
  sslRootCert: string | undefined;
  connectTimeoutMs: number;
  /** 0 = none. */
  statementTimeoutMs: number;
  /** How long to wait for another runner's deployment lock before failing. */
  lockTimeoutMs: number;
  /** Rewrite Redshift SQL so it runs on this PostgreSQL-compatible engine. */
  emulateRedshift: boolean;
  /** Embedded engine only: discard the local data directory before starting. */
  fresh: boolean;
  /**
   * Where emulated `COPY ... FROM 's3://...'` reads and `UNLOAD ... TO 's3://...'` writes: the
   * environment's own `local_s3_dir` (absolute) or `s3_endpoint`, never the report store `[s3]`.
   */
  copySource: { kind: 'dir'; dir: string } | { kind: 'endpoint'; endpoint: string };
  transport: Transport;
  auth: AuthMode;
  clusterIdentifier: string | undefined;
  workgroup: string | undefined;
  region: string | undefined;
  secretId: string | undefined;
  dbUser: string | undefined;
  dbGroups: string[];
  autoCreateUser: boolean;
  /** Label for WLM / system tables (`SET query_group`). */
  queryGroup: string | undefined;
  /** `rsrun drift` and the check before plan/deploy (`drift`, `drift_include`, `drift_exclude`). */
  drift: DriftSettings;
  /** Keys of this section the user marked secret (`secret_keys = a,b`). */
  secretKeys: string[];
  /** All keys of the section as written (after interpolation), for modules with their own options. */
  raw: Record<string, string>;
  /** What branch environments made from this one get (`branch_seed`, `branch_clone`, `branch_max`). */
  branches: BranchSettings;
  /** Set when this is a branch environment (`--env test:feature-x`): its base and branch. */
  branch?: BranchTarget;
}

export interface BranchSettings {
  /** A folder of `*.sql` scripts and `<schema>.<table>.csv` files loaded once after the first migrate. */
  seed: string | undefined;
  /** Schemas whose tables are copied from the base database when the branch environment is created. */
  clone: string[];
  /** The most branch environments one base may have at once. */
  max: number;
}

export interface BranchTarget {
  /** The base environment's name (`test`). */
  base: string;
  /** The branch as given (`feature/X-1`). */
  branch: string;
  /** The branch as it appears in names (`feature_x_1_ab12cd34`). */
  slug: string;
  /** The base environment's database, which holds the registry of branch environments. */
  baseDatabase: string;
}

export interface S3Config {
  bucket: string;
  prefix: string;
  region: string | undefined;
  endpoint: string | undefined;
  forcePathStyle: boolean;
  /** Fail the run when shipping fails (default false: the spool keeps it for `rsrun ship`). */
  required: boolean;
}

export interface CloudWatchConfig {
  namespace: string;
  region: string | undefined;
  endpoint: string | undefined;
  required: boolean;
}

export interface TestSettings {
  concurrency: number;
  timeoutMs: number;
  /** `i/n` shard selection, 1-based. */
  shard: { index: number; count: number } | undefined;
  grep: string | undefined;
  tags: string[];
  /** Previous report.json used to balance shards by recorded durations. */
  durationsFrom: string | undefined;
}

export interface ResolvedConfig {
  project: ProjectConfig;
  env: EnvironmentConfig;
  /** Config files actually read, for messages. */
  sources: string[];
  logLevel: LogLevel;
  logFormat: LogFormat;
  s3: S3Config | undefined;
  cloudwatch: CloudWatchConfig | undefined;
  /** The time shipping (metrics, uploads, retries) may take in all before the run is spooled (`[project] ship_timeout`). */
  shipTimeoutMs: number;
  tests: TestSettings;
  /** Values that must never appear in logs, reports or uploads. */
  secrets: string[];
  /** Settings that do not apply to this environment (e.g. `--fresh` on a server): printed as warnings. */
  warnings: string[];
  /** Provenance: git (when the project is a checkout) overridden by CI variables (Jenkins). */
  build: BuildInfo;
}

export interface BuildInfo {
  commit: string | undefined;
  number: string | undefined;
  branch: string | undefined;
  /** `Name <email>` of the commit's author. */
  author?: string | undefined;
  url: string | undefined;
}
