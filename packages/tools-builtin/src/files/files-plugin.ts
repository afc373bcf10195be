import { TOKENS, type Plugin } from '@agentport/core';
import { BuiltinToolConfigError } from '../builtin-server/errors.js';
import { BuiltinToolProvider } from '../builtin-server/builtin-tool-provider.js';
import { ConfinedRoot } from './confined-root.js';
import { filesConfigSchema, type FilesConfig } from './files-config.js';
import { filesTools } from './files-tools.js';

/** The provider's name among tool providers, and the plugin's config section (`AGENTPORT_FILES__…`). */
export const FILES_PLUGIN_NAME = 'files';

/** The files tools over `config.root`, served under `config.serverLabel`. */
export async function filesToolProvider(config: Omit<FilesConfig, 'enabled'>): Promise<BuiltinToolProvider> {
  if (config.root === '') throw new BuiltinToolConfigError(FILES_PLUGIN_NAME, 'root must be set (AGENTPORT_FILES__ROOT) when the files tools are enabled');
  const root = await ConfinedRoot.open(config.root);
  return new BuiltinToolProvider(FILES_PLUGIN_NAME, config.serverLabel, filesTools(root, config), config.defaultRequireApproval);
}

/**
 * Serves `read_file` and `list_directory` over one directory as tools of the built-in MCP
 * server. Off until `enabled` is set (`AGENTPORT_FILES__ENABLED=true`, with
 * `AGENTPORT_FILES__ROOT`); until then it binds nothing.
 */
export function files(): Plugin<FilesConfig> {
  return {
    name: FILES_PLUGIN_NAME,
    configSchema: filesConfigSchema,
    async register(ctx) {
      const { enabled, ...config } = ctx.config;
      if (!enabled) return;
      ctx.bind(TOKENS.ToolProvider, await filesToolProvider(config));
      ctx.logger.info({ serverLabel: config.serverLabel }, 'files tools enabled');
    },
  };
}
