import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

/** Labels name servers in requests (`server_label`) and in tool names: letters, digits, `_` and `-`. */
export const MCP_SERVER_LABEL_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** Anything an MCP server can be attached to a transport of (the SDK's `McpServer` and `Server` both are). */
export interface ConnectableMcpServer {
  connect(transport: Transport): Promise<void>;
  close(): Promise<void>;
}

/** A server reached over MCP's Streamable HTTP transport. */
export interface HttpMcpServerDefinition {
  transport: 'streamable_http';
  label: string;
  url: URL;
  /** Sent with every request (e.g. `Authorization`). */
  headers: Record<string, string>;
}

/** A server the host starts as a child process and talks to over its stdin and stdout. */
export interface StdioMcpServerDefinition {
  transport: 'stdio';
  label: string;
  command: string;
  args: string[];
  /** Added to a minimal environment (`HOME`, `PATH`, `USER`, …): the gateway's own variables are not passed on. */
  env: Record<string, string>;
  cwd?: string;
}

/** A server in this process (given in code), linked by an in-memory transport pair. */
export interface InProcessMcpServerDefinition {
  transport: 'in_process';
  label: string;
  /** Called for each connection, the first and every reconnection. */
  createServer(): ConnectableMcpServer;
}

export type McpServerDefinition = HttpMcpServerDefinition | StdioMcpServerDefinition | InProcessMcpServerDefinition;
