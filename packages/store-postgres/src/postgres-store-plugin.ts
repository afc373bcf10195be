import type { Plugin } from '@agentport/core';
import { sqlStorePlugin } from '@agentport/store-sql';
import { PostgresStateStore } from './postgres-state-store.js';
import { postgresStoreConfigSchema, type PostgresStoreConfig } from './store-config.js';

/**
 * Binds a `PostgresStateStore` to `TOKENS.StateStore`. Its config section is `store` (the one
 * state store an app has), set by the config file, by `AGENTPORT_STORE__<KEY>` env vars
 * (`AGENTPORT_STORE__URL`, `AGENTPORT_STORE__POOL_SIZE`, …) or by overrides. `app.start()`
 * connects and migrates; `app.stop()` waits for the operations in flight and closes the pool.
 */
export function postgresStore(): Plugin<PostgresStoreConfig> {
  return sqlStorePlugin<PostgresStoreConfig>(postgresStoreConfigSchema, (config, logger) => new PostgresStateStore({ ...config, logger }));
}
