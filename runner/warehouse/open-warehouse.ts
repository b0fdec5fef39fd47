/**
 * Turns an environment's resolved settings into a live Warehouse: starts the embedded engine for
 * `engine = embedded`, picks the dialect adapter, and builds the TLS options.
 */
import path from 'node:path';
import type { EnvironmentConfig, ProjectConfig } from '../config/types';
import type { DialectAdapter } from '../dialects/dialect';
import { PostgresDialect } from '../dialects/postgres/postgres-dialect';
import { RedshiftDialect } from '../dialects/redshift/redshift-dialect';
import { PgWarehouse, type PgWarehouseOptions } from './pg-warehouse';
import type { Warehouse } from './warehouse';
import { resolveTls } from './tls';

export interface OpenedWarehouse {
  warehouse: Warehouse;
  /** Closes the pool and stops the embedded engine if one was started. */
  dispose(): Promise<void>;
}

export function dialectFor(env: Pick<EnvironmentConfig, 'engine' | 'emulateRedshift'>): DialectAdapter {
  if (env.engine === 'redshift') return new RedshiftDialect();
  return new PostgresDialect(env.emulateRedshift, env.engine === 'embedded');
}

export async function openWarehouse(
  env: EnvironmentConfig,
  project: Pick<ProjectConfig, 'stateDir'>,
  options: { maxConnections?: number; applicationName?: string } = {},
): Promise<OpenedWarehouse> {
  const dialect = dialectFor(env);
  const common = {
    statementTimeoutMs: env.statementTimeoutMs,
    connectTimeoutMs: env.connectTimeoutMs,
    maxConnections: options.maxConnections ?? 8,
    applicationName: options.applicationName ?? 'rsrun',
    queryGroup: env.queryGroup,
  };

  if (env.engine === 'embedded') {
    const { startEmbedded } = await import('./embedded.js');
    const server = await startEmbedded({
      dataDir: path.join(project.stateDir, env.name, 'pgdata'),
      fresh: env.fresh,
      maxConnections: (options.maxConnections ?? 8) + 2,
    });
    const warehouse = new PgWarehouse(
      { ...common, host: server.host, port: server.port, database: server.database, user: server.user, password: undefined, ssl: false },
      dialect,
    );
    return {
      warehouse,
      async dispose() {
        await warehouse.close();
        await server.stop();
      },
    };
  }

  const pgOptions: PgWarehouseOptions = {
    ...common,
    host: env.host,
    port: env.port,
    database: env.database,
    user: env.user,
    password: env.password,
    ssl: await resolveTls(env),
  };
  const warehouse = new PgWarehouse(pgOptions, dialect);
  return { warehouse, dispose: () => warehouse.close() };
}
