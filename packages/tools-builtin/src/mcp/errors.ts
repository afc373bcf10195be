import { AgentportError, errorMarker } from '@agentport/core';

/** A hosted MCP server is not connected and did not connect in time. */
export class McpServerUnavailableError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/McpServerUnavailableError');

  constructor(readonly label: string, reason: string | null) {
    super('mcp_server_unavailable', `the MCP server "${label}" is not available${reason ? `: ${reason}` : ''}`);
  }
}

/** The host was closed (the app is stopping). */
export class McpHostClosedError extends AgentportError {
  static override readonly marker = errorMarker('@agentport/tools-builtin/McpHostClosedError');

  constructor(readonly label: string) {
    super('mcp_host_closed', `the MCP server "${label}" is shut down`);
  }
}
