/** Every env var that configures a plugin starts with this, then `<PLUGIN>__<KEY>__<KEY>…`. */
export const ENV_PREFIX = 'AGENTPORT_';
/** Separates the plugin and the nested keys in an env var name. */
export const ENV_NESTING = '__';
/** Names the JSON config file when `createApp` is given none. */
export const CONFIG_FILE_ENV = 'AGENTPORT_CONFIG';

/** `CHAT_TEMPLATE_KWARGS`, `chatTemplateKwargs` and `chat_template_kwargs` all compare equal. */
export function normalizeKey(key: string): string {
  return key.replace(/[^a-zA-Z0-9]/g, '').toLowerCase();
}

/** `maxConnections` → `MAX_CONNECTIONS`, `enable_thinking` → `ENABLE_THINKING`, `store-sqlite` → `STORE_SQLITE`. */
export function toEnvSegment(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^a-zA-Z0-9]/g, '_')
    .toUpperCase();
}

/** `AGENTPORT_VLLM__`: the prefix of every env var of plugin `vllm`. */
export function pluginEnvPrefix(plugin: string): string {
  return `${ENV_PREFIX}${toEnvSegment(plugin)}${ENV_NESTING}`;
}

/** The env var that sets `path` of a plugin's section; the bare plugin prefix for the section itself. */
export function envNameFor(plugin: string, path: readonly string[]): string {
  if (path.length === 0) return `${ENV_PREFIX}${toEnvSegment(plugin)}`;
  return `${pluginEnvPrefix(plugin)}${path.map(toEnvSegment).join(ENV_NESTING)}`;
}
