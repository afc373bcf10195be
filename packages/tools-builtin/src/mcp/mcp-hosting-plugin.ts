import { type Plugin, TOKENS } from '@agentport/core';
import { mcpHostingConfigSchema, type McpHostingConfig } from './mcp-hosting-config.js';
import type { McpServerDefinition } from './mcp-server-definition.js';
import { McpServerHost } from './mcp-server-host.js';
import { readMcpServersFile } from './mcp-servers-file.js';
import { McpToolProvider } from './mcp-tool-provider.js';

export interface McpHostingOptions {
  /** Servers given in code, beside those of the servers file (an in-process server, say). */
  servers?: McpServerDefinition[];
}

/**
 * Hosts MCP servers for requests (`{type: 'mcp', server_label}`) and for MCP clients of the
 * gateway (`/v1/mcp`). Requests get no MCP server until configured (config section `mcp`: a
 * servers file `AGENTPORT_MCP__SERVERS_FILE`, servers in code, or a `server_url` allowlist);
 * the host itself is bound while `serveToMcpClients` is on, so that `/v1/mcp` serves the
 * built-in tools that are enabled even with no server hosted. `app.start()` connects every server (a failing one is retried in the background);
 * `app.stop()` closes them, stdio processes included.
 */
export function mcpHosting(options: McpHostingOptions = {}): Plugin<McpHostingConfig> {
  let host: McpServerHost | undefined;
  return {
    name: 'mcp',
    configSchema: mcpHostingConfigSchema,
    async register(ctx) {
      const { serversFile, ...settings } = ctx.config;
      const definitions = [...(serversFile ? await readMcpServersFile(serversFile) : []), ...(options.servers ?? [])];
      const servesRequests = definitions.length > 0 || settings.serverUrlAllowlist.length > 0;
      // With no server, the host still gives MCP clients the gateway's own (built-in) tools at /v1/mcp.
      if (!servesRequests && !settings.serveToMcpClients) return;
      host = new McpServerHost(definitions, { ...settings, logger: ctx.logger });
      if (servesRequests) ctx.bind(TOKENS.ToolProvider, new McpToolProvider(host));
      ctx.bind(TOKENS.McpHost, host);
    },
    async start(ctx) {
      if (!host) return;
      await host.start();
      ctx.logger.info({ servers: host.listServers().map((server) => `${server.label}: ${server.state}`) }, 'MCP servers hosted');
    },
    async stop() {
      await host?.close();
      host = undefined;
    },
  };
}
