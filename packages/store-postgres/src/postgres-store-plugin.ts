import { TOKENS, type Plugin } from '@agentport/core';
import { sqlStorePlugin } from '@agentport/store-sql';
import { PostgresResponseSignals } from './postgres-response-signals.js';
import { PostgresStateStore } from './postgres-state-store.js';
import { postgresStoreConfigSchema, type PostgresStoreConfig } from './store-config.js';

/**
 * Binds a `PostgresStateStore` to `TOKENS.StateStore`, the database's `LISTEN/NOTIFY` channel
 * to `TOKENS.ResponseSignals` (cancels and live events reach every gateway process on the
 * database) and its per-key limits to `TOKENS.KeyLimits` (held by all those processes together). Its config section is `store` (the one state store an app has), set by the
 * config file, by `AGENTPORT_STORE__<KEY>` env vars (`AGENTPORT_STORE__URL`,
 * `AGENTPORT_STORE__POOL_SIZE`, …) or by overrides. `app.start()` connects and migrates;
 * `app.stop()` waits for the operations in flight and closes the connections.
 */
export function postgresStore(): Plugin<PostgresStoreConfig> {
  let opened: PostgresStateStore | undefined;
  const store = sqlStorePlugin<PostgresStoreConfig>(postgresStoreConfigSchema, (config, logger) => (opened = new PostgresStateStore({ ...config, logger })));
  let signals: PostgresResponseSignals | undefined;
  return {
    ...store,
    register(ctx) {
      store.register?.(ctx);
      signals = new PostgresResponseSignals({ url: ctx.config.url, connectTimeoutMs: ctx.config.connectTimeoutMs, logger: ctx.logger });
      ctx.bind(TOKENS.ResponseSignals, signals);
      ctx.bind(TOKENS.KeyLimits, opened!.keyLimits);
    },
    async start(ctx) {
      await store.start?.(ctx);
      await signals?.open();
    },
    async stop() {
      await signals?.close();
      signals = undefined;
      await store.stop?.();
    },
  };
}
