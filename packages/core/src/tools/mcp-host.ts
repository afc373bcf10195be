import type { McpToolDescription } from '../items/item.js';
import type { ServerTool } from './tool.js';

/** How the host reaches a server. */
export type McpServerTransportKind = 'streamable_http' | 'stdio' | 'in_process';

/** Where a hosted server's connection stands. */
export type McpServerConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** One hosted MCP server as the host sees it now. */
export interface McpServerStatus {
  label: string;
  transport: McpServerTransportKind;
  state: McpServerConnectionState;
  /** Tools in the cached list (kept while the server reconnects). */
  toolCount: number;
  /** Why the last connection or listing failed, while the server is not connected. */
  error: string | null;
  /** When the tool list was last read (ms since the epoch); null before the first listing. */
  toolsListedAt: number | null;
}

/**
 * One request to the MCP endpoint, already authenticated, as a web-standard `Request` so the
 * port carries no server framework: the host answers with a web-standard `Response`.
 */
export interface McpEndpointExchange {
  request: Request;
  /** The JSON body, already parsed (the `Request`'s own body is not read again). */
  body: unknown;
  /** The tenant of the caller's API key. */
  tenant: string;
  signal: AbortSignal;
  /**
   * The deployment's own server tools enabled for this tenant (the built-in tools), served
   * beside the hosted servers' tools under `label`.
   */
  localTools?: { label: string; tools: readonly ServerTool[] };
}

/**
 * The MCP servers a deployment hosts (bound by `mcpHosting()` of `@agentport/tools-builtin`):
 * what the gateway lists at `/v1/mcp/servers` and serves to MCP clients at `/v1/mcp`.
 */
export interface McpHost {
  /** Every configured server, in config order. */
  listServers(): McpServerStatus[];
  /** The cached tools of a server; undefined for a label that is not hosted. */
  listServerTools(label: string): McpToolDescription[] | undefined;
  /** Whether the hosted tools are served to MCP clients (`/v1/mcp`). */
  readonly servesMcpClients: boolean;
  /** Answers one request of MCP's Streamable HTTP transport. */
  serveMcpClient(exchange: McpEndpointExchange): Promise<Response>;
}
