import {
  ConfigError, type Logger, type McpEndpointExchange, type McpHost, type McpServerStatus, type McpToolDescription, silentLogger,
} from '@agentport/core';
import { MCP_HOSTING_DEFAULTS, type McpHostingConfig } from './mcp-hosting-config.js';
import { McpClientEndpoint } from './mcp-client-endpoint.js';
import type { McpServerDefinition } from './mcp-server-definition.js';
import { McpServerConnection, type McpServerConnectionOptions } from './mcp-server-connection.js';
import type { McpRequestRules, McpServerRequest } from './mcp-server-request.js';
import { type McpServerHandle, RemoteMcpServers } from './remote-mcp-servers.js';
import { ServerUrlAllowlist } from './server-url-allowlist.js';

/** The host's settings: the plugin's config without the file it read the servers from. */
export type McpHostSettings = Omit<McpHostingConfig, 'serversFile'>;

export interface McpServerHostOptions extends Partial<McpHostSettings> {
  logger?: Logger;
}

/**
 * The MCP servers a deployment hosts: each configured server connected once, kept connected
 * and its tools cached (see `McpServerConnection`), the `server_url` servers requests name,
 * and the gateway's MCP endpoint over them. Implements core's `McpHost` port, which the
 * gateway reads for `/v1/mcp/servers` and `/v1/mcp`.
 */
export class McpServerHost implements McpHost {
  readonly settings: Readonly<McpHostSettings>;
  private readonly hosted = new Map<string, McpServerConnection>();
  private readonly remotes: RemoteMcpServers;
  private readonly allowlist: ServerUrlAllowlist;
  private readonly endpoint: McpClientEndpoint;
  private readonly logger: Logger;

  constructor(definitions: readonly McpServerDefinition[], options: McpServerHostOptions = {}) {
    const { logger, ...settings } = options;
    this.settings = { ...MCP_HOSTING_DEFAULTS, ...settings };
    this.logger = logger ?? silentLogger;
    const connection: Omit<McpServerConnectionOptions, 'retry'> = {
      connectTimeoutMs: this.settings.connectTimeoutMs,
      callTimeoutMs: this.settings.callTimeoutMs,
      refreshIntervalMs: this.settings.refreshIntervalSeconds * 1000,
      reconnectMinDelayMs: this.settings.reconnectMinDelayMs,
      reconnectMaxDelayMs: this.settings.reconnectMaxDelayMs,
      maxToolsPerServer: this.settings.maxToolsPerServer,
      logger: this.logger,
    };
    for (const definition of definitions) {
      if (this.hosted.has(definition.label)) throw new ConfigError([`mcp: the MCP server label "${definition.label}" is given twice`]);
      this.hosted.set(definition.label, new McpServerConnection(definition, { ...connection, retry: 'background' }));
    }
    this.allowlist = new ServerUrlAllowlist(this.settings.serverUrlAllowlist);
    this.remotes = new RemoteMcpServers({
      connection, idleMs: this.settings.remoteIdleSeconds * 1000, maxServers: this.settings.maxRemoteServers,
    });
    this.endpoint = new McpClientEndpoint(() => [...this.hosted.values()], this.logger);
  }

  get labels(): string[] {
    return [...this.hosted.keys()];
  }

  get servesMcpClients(): boolean {
    return this.settings.serveToMcpClients;
  }

  /** What a request's MCP tools are checked against. */
  get requestRules(): McpRequestRules {
    return { hostedLabels: this.labels, allowlist: this.allowlist, defaultApproval: this.settings.defaultRequireApproval };
  }

  connection(label: string): McpServerConnection | undefined {
    return this.hosted.get(label);
  }

  /** The server a checked request names: a hosted one, or its `server_url`'s connection. */
  serverFor(request: McpServerRequest, tenant: string): McpServerHandle {
    if (request.remote) return this.remotes.handle(tenant, request.label, request.remote.url, request.remote.headers);
    const hosted = this.hosted.get(request.label);
    if (!hosted) throw new Error(`MCP server "${request.label}" is not hosted`);
    return hosted;
  }

  /**
   * Connects every server and waits for each first attempt (bounded by `connectTimeoutMs`).
   * A server that fails does not fail the start: it is retried in the background, and
   * requests get a failed `mcp_list_tools` until it is up.
   */
  async start(): Promise<void> {
    await Promise.all([...this.hosted.values()].map((connection) => connection.start()));
    for (const status of this.listServers()) {
      if (status.state === 'connected') continue;
      this.logger.warn({ server: status.label, error: status.error }, 'MCP server is not connected yet; retrying in the background');
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.hosted.values()].map((connection) => connection.close()));
    await this.remotes.close();
  }

  listServers(): McpServerStatus[] {
    return [...this.hosted.values()].map((connection) => connection.status());
  }

  listServerTools(label: string): McpToolDescription[] | undefined {
    const connection = this.hosted.get(label);
    if (!connection) return undefined;
    return [...(connection.cachedDescriptions() ?? [])];
  }

  serveMcpClient(exchange: McpEndpointExchange): Promise<Response> {
    return this.endpoint.serve(exchange);
  }
}
