export { loadConfig, type ConfigOptions, type LoadedConfig } from './load-config.js';
export type { ConfigSection } from './config-section.js';
export { configDefaults } from './config-defaults.js';
export { ENV_PREFIX, CONFIG_FILE_ENV, envNameFor, pluginEnvPrefix } from './env-names.js';
