import type { Plugin } from './plugin.js';

/**
 * Returns the plugin as given; it exists so that `Config` is inferred once and `ctx.config`
 * is typed inside `register` and `start`:
 * `definePlugin<{ baseUrl: string }>({ name: 'vllm', configSchema, register(ctx) { ctx.config.baseUrl } })`.
 */
export function definePlugin<Config = Record<string, unknown>>(plugin: Plugin<Config>): Plugin<Config> {
  return plugin;
}
