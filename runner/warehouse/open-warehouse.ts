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
import type { Session, Warehouse } from './warehouse';
import { resolveTls } from './tls';
import { openDataApi } from './aws/open-data-api';
import { resolveConnection } from './aws/resolve-connection';

export interface OpenedWarehouse {
  warehouse: Warehouse;
  /**
   * Nothing exists yet to connect to (an embedded warehouse before its first write, opened
   * `readOnly`): there is no history, and `warehouse` refuses sessions.
   */
  absent?: boolean;
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
  options: {
    maxConnections?: number;
    applicationName?: string;
    /** The command only reads: an embedded warehouse that does not exist yet is not created for it. */
    readOnly?: boolean;
  } = {},
): Promise<OpenedWarehouse> {
  const dialect = dialectFor(env);
  const common = {
    statementTimeoutMs: env.statementTimeoutMs,
    connectTimeoutMs: env.connectTimeoutMs,
    maxConnections: options.maxConnections ?? 8,
    applicationName: options.applicationName ?? 'rsrun',
    // WLM query groups exist only on Redshift; PostgreSQL refuses the unknown setting.
    queryGroup: env.engine === 'redshift' ? env.queryGroup : undefined,
    redshiftSemantics: env.engine !== 'redshift' && env.emulateRedshift,
  };

  if (env.engine === 'embedded') {
    const { openEmbedded, embeddedWarehouseExists } = await import('../local/open-embedded.js');
    // Reports show where the data lives (`embedded: .rsrun/local`), not a port that changes every run.
    const label = `embedded: ${path.join(path.basename(project.stateDir), env.name)}`;
    if (options.readOnly === true && !env.fresh && !embeddedWarehouseExists(project.stateDir, env.name)) {
      return { warehouse: new AbsentWarehouse(label, dialect), absent: true, dispose: () => Promise.resolve() };
    }
    const endpoint = await openEmbedded(env, project.stateDir, (options.maxConnections ?? 8) + 2);
    const warehouse = new PgWarehouse(
      {
        ...common,
        host: endpoint.host,
        port: endpoint.port,
        database: endpoint.database,
        user: endpoint.user,
        password: undefined,
        ssl: false,
        label,
      },
      dialect,
    );
    return {
      warehouse,
      async dispose() {
        await warehouse.close();
        await endpoint.release();
      },
    };
  }

  if (env.transport === 'data-api') {
    // HTTPS to the Redshift Data API instead of the wire protocol (docs/data-api.md).
    const warehouse = await openDataApi(env, dialect);
    return { warehouse, dispose: () => warehouse.close() };
  }

  // auth = secret | iam, or an endpoint to look up: the AWS SDK is loaded inside, only when needed.
  let target = env;
  let password: PgWarehouseOptions['password'] = env.password;
  if (env.auth !== 'password' || env.host === '') ({ env: target, password } = await resolveConnection(env));

  const pgOptions: PgWarehouseOptions = {
    ...common,
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    password,
    ssl: await resolveTls(target),
  };
  const warehouse = new PgWarehouse(pgOptions, dialect);
  return { warehouse, dispose: () => warehouse.close() };
}

/** Stands for an embedded warehouse not created yet; a read-only command never needs a session. */
class AbsentWarehouse implements Warehouse {
  readonly user = '';
  constructor(
    readonly label: string,
    readonly dialect: DialectAdapter,
  ) {}
  acquire(): Promise<Session> {
    return Promise.reject(new Error(`internal: ${this.label} does not exist yet and was opened read-only`));
  }
  cancel(): Promise<void> {
    return Promise.resolve();
  }
  terminate(): Promise<void> {
    return Promise.resolve();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
