import type { Tool } from './tool.js';

/** A hosted tool a request asks for (`{ type: 'mcp', server_label, … }`), passed on as sent. */
export interface RequestedTool {
  type: string;
  config: Record<string, unknown>;
}

export interface ToolListContext {
  tenant: string;
  signal?: AbortSignal;
  /** The hosted tools the request names; a provider of such a type offers tools only when asked. */
  requestedTools?: readonly RequestedTool[];
}

/** A source of server tools: a static set, or a dynamic one such as an MCP server's. */
export interface ToolProvider {
  /** Unique among providers; names the provider in logs and config. */
  readonly name: string;
  /** Request tool types it serves (`mcp`, `code_interpreter`, …); a request naming one is not refused. */
  readonly servesToolTypes?: readonly string[];
  listTools(ctx: ToolListContext): Promise<Tool[]>;
}

/** A provider over a fixed list of tools. */
export function staticToolProvider(name: string, tools: Tool[]): ToolProvider {
  return { name, listTools: async () => tools };
}
