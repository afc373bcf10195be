import type { JsonSchema } from '@agentport/core';
import { SQL_STORE_SETTING_DEFAULTS, sqlStoreSettingsProperties, type SqlStoreSettings } from '@agentport/store-sql';

/**
 * The `store` plugin's configuration when the store is PostgreSQL (env vars
 * `AGENTPORT_STORE__<KEY>`, e.g. `AGENTPORT_STORE__URL`, `AGENTPORT_STORE__POOL_SIZE`).
 */
export interface PostgresStoreConfig extends SqlStoreSettings {
  /** `postgres://user:password@host:port/database`; the database must exist, the store creates its tables. */
  url: string;
  /** Connections this process keeps open at most; an operation waits for a free one. */
  poolSize: number;
  /** A statement running longer is cancelled by the server and its operation fails; 0: no limit. */
  statementTimeoutMs: number;
  /** How long opening a connection may take before the operation fails (the server is down or unreachable). */
  connectTimeoutMs: number;
  /** How long an idle connection stays open before the pool closes it. */
  idleTimeoutMs: number;
}

export const POSTGRES_STORE_DEFAULTS: Readonly<PostgresStoreConfig> = Object.freeze({
  url: 'postgres://postgres@127.0.0.1:5432/agentport',
  ...SQL_STORE_SETTING_DEFAULTS,
  // Several processes share one database: one of them starting must not end the others' runs.
  recoverOnStart: false,
  poolSize: 20,
  statementTimeoutMs: 30_000,
  connectTimeoutMs: 5_000,
  idleTimeoutMs: 30_000,
});

/** The plugin's config schema; the kernel fills in the defaults and derives the env names from the keys. */
export const postgresStoreConfigSchema: JsonSchema = {
  type: 'object',
  description: 'PostgreSQL: where responses, conversations and their items are kept when `--db` is a postgres:// URL '
    + '(`@agentport/store-postgres`); several gateway processes and instances may share one database.',
  additionalProperties: false,
  properties: {
    url: {
      type: 'string',
      pattern: '^postgres(ql)?://',
      default: POSTGRES_STORE_DEFAULTS.url,
      description: 'postgres://user:password@host:port/database; the database must exist, the store creates its tables',
    },
    ...sqlStoreSettingsProperties,
    recoverOnStart: {
      ...sqlStoreSettingsProperties.recoverOnStart,
      default: POSTGRES_STORE_DEFAULTS.recoverOnStart,
      description: 'mark every response left running incomplete (server_restarted) at start; only when this is the one process on the database',
    },
    poolSize: {
      type: 'integer',
      minimum: 1,
      default: POSTGRES_STORE_DEFAULTS.poolSize,
      description: 'connections this process keeps open at most; operations beyond it wait for a free one',
    },
    statementTimeoutMs: {
      type: 'integer',
      minimum: 0,
      default: POSTGRES_STORE_DEFAULTS.statementTimeoutMs,
      description: 'ms a statement may run before the server cancels it and its operation fails; 0: no limit',
    },
    connectTimeoutMs: {
      type: 'integer',
      minimum: 1,
      default: POSTGRES_STORE_DEFAULTS.connectTimeoutMs,
      description: 'ms opening a connection may take before the operation fails (server down or unreachable)',
    },
    idleTimeoutMs: {
      type: 'integer',
      minimum: 1,
      default: POSTGRES_STORE_DEFAULTS.idleTimeoutMs,
      description: 'ms an idle connection stays open before the pool closes it',
    },
  },
};
