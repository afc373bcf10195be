import type { JsonSchema } from '@agentport/core';

/** Whether calls of a server's tools wait for the caller's approval when the request does not say. */
export type ApprovalDefault = 'always' | 'never';

/**
 * The `mcp` plugin's configuration (env vars `AGENTPORT_MCP__<KEY>`, e.g.
 * `AGENTPORT_MCP__SERVERS_FILE=/etc/agentport/mcp.json`).
 */
export interface McpHostingConfig {
  /**
   * The servers file, `{"mcpServers": {label: {url, headers} | {command, args, env, cwd}}}`.
   * Empty (the default) with no allowlist: the plugin is off and binds nothing.
   */
  serversFile: string;
  /**
   * Hosts (`example.com`, or `host:port`) a request may name in `server_url` to use an MCP
   * server that is not hosted. Empty: every `server_url` is refused (400).
   */
  serverUrlAllowlist: string[];
  /** Time to connect (start the process or reach the URL, and initialize) and list the tools. */
  connectTimeoutMs: number;
  /** Time a tool call may take; the call is cancelled past it. Below the tool registry's own limit (30 s by default), so this one answers. */
  callTimeoutMs: number;
  /** How long a request waits for a server that is still connecting before it gets a failed `mcp_list_tools`. */
  listWaitMs: number;
  /** The tool lists of connected servers are read again this often (also on the server's `tools/list_changed`); 0: only then. */
  refreshIntervalSeconds: number;
  /** A lost server is reconnected at once, then after this delay, doubling up to `reconnectMaxDelayMs`. */
  reconnectMinDelayMs: number;
  reconnectMaxDelayMs: number;
  /** Characters of a call's output the model sees (and the item shows); the rest is cut with a note. */
  maxOutputChars: number;
  /** Tools read from one server; more are left out (with a warning). */
  maxToolsPerServer: number;
  /** `require_approval` when a request leaves it out; `always`, as OpenAI does. */
  defaultRequireApproval: ApprovalDefault;
  /** A `server_url` connection unused this long is closed. */
  remoteIdleSeconds: number;
  /** `server_url` connections open at once; a new one closes the least recently used. */
  maxRemoteServers: number;
  /** Serve the hosted servers' tools to MCP clients at the gateway's `/v1/mcp`. */
  serveToMcpClients: boolean;
}

export const MCP_HOSTING_DEFAULTS: Readonly<McpHostingConfig> = Object.freeze({
  serversFile: '',
  serverUrlAllowlist: [],
  connectTimeoutMs: 10_000,
  callTimeoutMs: 25_000,
  listWaitMs: 5_000,
  refreshIntervalSeconds: 300,
  reconnectMinDelayMs: 500,
  reconnectMaxDelayMs: 30_000,
  maxOutputChars: 20_000,
  maxToolsPerServer: 500,
  defaultRequireApproval: 'always',
  remoteIdleSeconds: 300,
  maxRemoteServers: 32,
  serveToMcpClients: true,
});

/** The plugin's config schema; the kernel fills in the defaults and derives the env names from the keys. */
export const mcpHostingConfigSchema: JsonSchema = {
  type: 'object',
  description: 'Hosted MCP servers (`@agentport/tools-builtin`): their tools served to requests as `mcp` tools, with approvals; off while no servers file and no server_url allowlist are set.',
  additionalProperties: false,
  properties: {
    serversFile: { type: 'string', default: MCP_HOSTING_DEFAULTS.serversFile, description: 'the servers file ({"mcpServers": {…}}); empty: no hosted servers' },
    serverUrlAllowlist: {
      type: 'array', items: { type: 'string', minLength: 1 }, default: [],
      description: 'hosts a request may name in server_url; empty: server_url is refused',
    },
    connectTimeoutMs: { type: 'integer', minimum: 100, maximum: 600_000, default: MCP_HOSTING_DEFAULTS.connectTimeoutMs, description: 'ms to connect to a server (start the process or reach the URL, initialize) and list its tools; then it counts as failed and is retried' },
    callTimeoutMs: { type: 'integer', minimum: 100, maximum: 3_600_000, default: MCP_HOSTING_DEFAULTS.callTimeoutMs, description: 'ms one tool call may take; then it is cancelled and the model gets the error (keep it below the tool registry\'s 30 s)' },
    listWaitMs: { type: 'integer', minimum: 0, maximum: 600_000, default: MCP_HOSTING_DEFAULTS.listWaitMs, description: 'ms a request waits for a server that is still connecting; then it gets a failed mcp_list_tools' },
    refreshIntervalSeconds: { type: 'number', minimum: 0, maximum: 2_000_000, default: MCP_HOSTING_DEFAULTS.refreshIntervalSeconds, description: 'seconds between reads of connected servers\' tool lists (also read on tools/list_changed); 0: only on tools/list_changed' },
    reconnectMinDelayMs: { type: 'integer', minimum: 1, maximum: 3_600_000, default: MCP_HOSTING_DEFAULTS.reconnectMinDelayMs, description: 'a lost server is reconnected at once, then after this many ms, doubling up to reconnectMaxDelayMs' },
    reconnectMaxDelayMs: { type: 'integer', minimum: 1, maximum: 3_600_000, default: MCP_HOSTING_DEFAULTS.reconnectMaxDelayMs, description: 'longest delay between reconnects of a lost server, in ms' },
    maxOutputChars: { type: 'integer', minimum: 100, maximum: 10_000_000, default: MCP_HOSTING_DEFAULTS.maxOutputChars, description: 'characters of a call\'s output the model sees (and the item shows); the rest is cut with a note' },
    maxToolsPerServer: { type: 'integer', minimum: 1, maximum: 100_000, default: MCP_HOSTING_DEFAULTS.maxToolsPerServer, description: 'tools read from one server; more are left out, with a warning' },
    defaultRequireApproval: { type: 'string', enum: ['always', 'never'], default: MCP_HOSTING_DEFAULTS.defaultRequireApproval, description: 'require_approval when a request leaves it out: always (each call waits for an mcp_approval_response, as OpenAI does) or never' },
    remoteIdleSeconds: { type: 'number', exclusiveMinimum: 0, maximum: 2_000_000, default: MCP_HOSTING_DEFAULTS.remoteIdleSeconds, description: 'seconds a server_url connection may stay unused; then it is closed' },
    maxRemoteServers: { type: 'integer', minimum: 1, maximum: 10_000, default: MCP_HOSTING_DEFAULTS.maxRemoteServers, description: 'server_url connections open at once; a new one closes the least recently used' },
    serveToMcpClients: { type: 'boolean', default: MCP_HOSTING_DEFAULTS.serveToMcpClients, description: 'serve the hosted servers\' tools and the enabled built-in tools to MCP clients at the gateway\'s /v1/mcp (with or without a servers file)' },
  },
};
