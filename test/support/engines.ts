/**
 * The engine matrix: every database test runs against the embedded engine and against a real
 * PostgreSQL server over TCP. Each `describeEachEngine` block gets a fresh database.
 *
 *   describeEachEngine('migrate', (db) => {
 *     it('applies', async () => { const wh = db.warehouse(); ... });
 *   });
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { EnvironmentConfig } from '../../runner/config/types';
import { dialectFor } from '../../runner/warehouse/open-warehouse';
import { PgWarehouse } from '../../runner/warehouse/pg-warehouse';
import type { Warehouse } from '../../runner/warehouse/warehouse';
import { startEmbedded, type EmbeddedServer } from '../../runner/warehouse/embedded';
import { requireService } from './services';

export type EngineName = 'embedded' | 'postgres';

export const PG_URL = process.env.RSRUN_TEST_PG_URL ?? 'postgres://rsrun:rsrun@127.0.0.1:5432/postgres';

/** Engines to run, filtered by RSRUN_TEST_ENGINES=embedded,postgres. */
export const ENGINES: EngineName[] = (process.env.RSRUN_TEST_ENGINES ?? 'embedded,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is EngineName => s === 'embedded' || s === 'postgres');

export interface EngineDatabase {
  engine: EngineName;
  /** Connection facts for building configs or spawning the CLI against this database. */
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string;
  /** An environment config pointing at this database (engine postgres over TCP for both). */
  env(overrides?: Partial<EnvironmentConfig>): EnvironmentConfig;
  /** A pooled Warehouse on this database (closed after the block). */
  warehouse(options?: { emulateRedshift?: boolean; maxConnections?: number }): Warehouse;
  /** A raw pg client for assertions (closed after the block). */
  client(): Promise<pg.Client>;
}

/** Skips (outside CI) or fails (in CI) the calling suite when the PostgreSQL server does not answer. */
export async function requirePostgres(ctx: Mocha.Context): Promise<void> {
  await requireService(
    ctx,
    `PostgreSQL at ${new URL(PG_URL).host}`,
    async () => {
      const probe = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
      await probe.connect();
      await probe.end();
    },
    'run scripts/start-postgres.sh or set RSRUN_TEST_PG_URL',
  );
}

export function envConfigFor(
  name: string,
  conn: { host: string; port: number; user: string; password: string | undefined; database: string },
  overrides: Partial<EnvironmentConfig> = {},
): EnvironmentConfig {
  return {
    name,
    engine: 'postgres',
    host: conn.host,
    port: conn.port,
    database: conn.database,
    user: conn.user,
    password: conn.password,
    ssl: 'disable',
    sslRootCert: undefined,
    connectTimeoutMs: 10_000,
    statementTimeoutMs: 0,
    lockTimeoutMs: 30_000,
    emulateRedshift: false,
    fresh: false,
    copySource: { kind: 'dir', dir: path.join(tmpdir(), 'rsrun-test-s3') },
    transport: 'pg',
    auth: 'password',
    clusterIdentifier: undefined,
    workgroup: undefined,
    region: undefined,
    secretId: undefined,
    dbUser: undefined,
    dbGroups: [],
    autoCreateUser: false,
    queryGroup: undefined,
    drift: { mode: 'warn', include: [], exclude: [] },
    secretKeys: [],
    raw: {},
    branches: { seed: undefined, clone: [], max: 20 },
    ...overrides,
  };
}

export function describeEachEngine(title: string, body: (db: EngineDatabase) => void, engines: EngineName[] = ENGINES): void {
  for (const engine of engines) {
    describe(`${title} [${engine}]`, function () {
      const state: {
        conn?: { host: string; port: number; user: string; password: string | undefined; database: string };
        embedded?: EmbeddedServer;
        admin?: pg.Client;
        warehouses: Warehouse[];
        clients: pg.Client[];
      } = { warehouses: [], clients: [] };

      before(async function () {
        if (engine === 'embedded') {
          state.embedded = await startEmbedded({ dataDir: undefined, fresh: true, maxConnections: 128 });
          state.conn = {
            host: state.embedded.host,
            port: state.embedded.port,
            user: state.embedded.user,
            password: undefined,
            database: state.embedded.database,
          };
          return;
        }
        const url = new URL(PG_URL);
        await requirePostgres(this);
        const admin = new pg.Client({ connectionString: PG_URL });
        await admin.connect();
        state.admin = admin;
        const database = `rsrun_t_${randomBytes(6).toString('hex')}`;
        await admin.query(`CREATE DATABASE ${database}`);
        state.conn = {
          host: url.hostname,
          port: Number(url.port || 5432),
          user: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password),
          database,
        };
      });

      after(async function () {
        for (const c of state.clients) await c.end().catch(() => undefined);
        for (const w of state.warehouses) await w.close().catch(() => undefined);
        if (state.embedded) await state.embedded.stop();
        if (state.admin && state.conn) {
          await state.admin.query(`DROP DATABASE IF EXISTS ${state.conn.database} WITH (FORCE)`).catch(() => undefined);
          await state.admin.end();
        }
      });

      const conn = () => {
        if (!state.conn) throw new Error('engine not started');
        return state.conn;
      };
      const db: EngineDatabase = {
        engine,
        get host() {
          return conn().host;
        },
        get port() {
          return conn().port;
        },
        get user() {
          return conn().user;
        },
        get password() {
          return conn().password;
        },
        get database() {
          return conn().database;
        },
        env: (overrides = {}) => envConfigFor(engine === 'embedded' ? 'local' : 'test', conn(), overrides),
        warehouse: (options = {}) => {
          const c = conn();
          const dialect = dialectFor({
            engine: engine === 'embedded' ? 'embedded' : 'postgres',
            emulateRedshift: options.emulateRedshift ?? false,
          });
          const w = new PgWarehouse(
            {
              ...c,
              ssl: false,
              connectTimeoutMs: 10_000,
              statementTimeoutMs: 0,
              maxConnections: options.maxConnections ?? 8,
              applicationName: 'rsrun-test',
              queryGroup: undefined,
              redshiftSemantics: options.emulateRedshift ?? false,
            },
            dialect,
          );
          state.warehouses.push(w);
          return w;
        },
        client: async () => {
          const c = new pg.Client({ ...conn() });
          await c.connect();
          state.clients.push(c);
          return c;
        },
      };
      body(db);
    });
  }
}
