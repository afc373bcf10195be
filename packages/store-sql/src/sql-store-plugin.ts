import { TOKENS, type JsonSchema, type Logger, type Plugin } from '@agentport/core';
import type { SqlStateStore } from './sql-state-store.js';

/**
 * The `store` plugin of a SQL driver: binds the store `create` makes from the plugin's config to
 * `TOKENS.StateStore`; `app.start()` opens it (migrations, recovery, purge job), `app.stop()`
 * closes it. List it before the plugins that use the store in their own `start`.
 */
export function sqlStorePlugin<Config>(configSchema: JsonSchema, create: (config: Config, logger: Logger) => SqlStateStore): Plugin<Config> {
  let store: SqlStateStore | undefined;
  return {
    name: 'store',
    configSchema,
    register(ctx) {
      store = create(ctx.config, ctx.logger);
      ctx.bind(TOKENS.StateStore, store);
    },
    async start() {
      await store?.open();
    },
    async stop() {
      await store?.close();
      store = undefined;
    },
  };
}
