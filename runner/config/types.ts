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
  /** Absolute path of the directory holding run directories. */
  reportsDir: string;
  /** Absolute path of embedded data and local state (`<project>/.rsrun`). */
  stateDir: string;
  /** Raw `[tests.*]`-style sections not understood by the core, for the modules that own them. */
  extraSections: Record<string, Record<string, string>>;
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
  /** Keys of this section the user marked secret (`secret_keys = a,b`). */
  secretKeys: string[];
  /** All keys of the section as written (after interpolation), for modules with their own options. */
  raw: Record<string, string>;
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
  /** CI metadata (Jenkins variables) when present. */
  build: { commit: string | undefined; number: string | undefined; branch: string | undefined; url: string | undefined };
}
