import type { Plugin } from '@agentport/core';
import { sqlStorePlugin } from '@agentport/store-sql';
import { SqliteStateStore } from './sqlite-state-store.js';
import { sqliteStoreConfigSchema, type SqliteStoreConfig } from './store-config.js';

/**
 * Binds a `SqliteStateStore` to `TOKENS.StateStore`. Its config section is `store`, set by the
 * config file, by `AGENTPORT_STORE__<KEY>` env vars (`AGENTPORT_STORE__PATH`,
 * `AGENTPORT_STORE__RETENTION_SECONDS`, …) or by overrides. `app.start()` opens the database
 * (migrations, recovery, purge job); `app.stop()` closes it. List it before the plugins that
 * use the store in their own `start`.
 */
export function sqliteStore(): Plugin<SqliteStoreConfig> {
  return sqlStorePlugin<SqliteStoreConfig>(sqliteStoreConfigSchema, (config, logger) => new SqliteStateStore({ ...config, logger }));
}
