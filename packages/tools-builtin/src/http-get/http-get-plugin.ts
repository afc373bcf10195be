import { TOKENS, type Plugin } from '@agentport/core';
import { BuiltinToolProvider } from '../builtin-server/builtin-tool-provider.js';
import { HttpGetClient, type HttpGetClientOptions } from './http-get-client.js';
import { httpGetConfigSchema, type HttpGetConfig } from './http-get-config.js';
import { httpGetTool } from './http-get-tool.js';

/** The provider's name among tool providers, and the plugin's config section (`AGENTPORT_HTTP_GET__…`). */
export const HTTP_GET_PLUGIN_NAME = 'http-get';

/** The http_get tool, served under `config.serverLabel`. Code may pass a resolver or CA certificates of its own. */
export function httpGetToolProvider(
  config: Omit<HttpGetConfig, 'enabled'>,
  extra: Pick<HttpGetClientOptions, 'resolveHost' | 'extraCaCertificates'> = {},
): BuiltinToolProvider {
  const client = new HttpGetClient({ ...config, ...extra });
  return new BuiltinToolProvider(HTTP_GET_PLUGIN_NAME, config.serverLabel, [httpGetTool(client, config)], config.defaultRequireApproval);
}

/**
 * Serves the `http_get` tool (GET, public addresses only, checked after resolution and on every
 * redirect) as a tool of the built-in MCP server. Off until `enabled` is set
 * (`AGENTPORT_HTTP_GET__ENABLED=true`); until then it binds nothing.
 */
export function httpGet(): Plugin<HttpGetConfig> {
  return {
    name: HTTP_GET_PLUGIN_NAME,
    configSchema: httpGetConfigSchema,
    register(ctx) {
      const { enabled, ...config } = ctx.config;
      if (!enabled) return;
      ctx.bind(TOKENS.ToolProvider, httpGetToolProvider(config));
      ctx.logger.info({
        serverLabel: config.serverLabel,
        allowedHosts: config.allowedHosts.length === 0 ? 'any public host' : config.allowedHosts,
        allowedAddresses: config.allowedAddresses,
      }, 'http_get tool enabled');
    },
  };
}
