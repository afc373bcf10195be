import type { Item } from '../items/item.js';
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
  /**
   * The items the run starts from: earlier turns, then this request's input. A provider that
   * shows an item once per conversation (an MCP server's `mcp_list_tools`) looks here.
   */
  history?: readonly Item[];
  /**
   * Shows an item in the response before the model's first step (an `mcp_list_tools`).
   * Absent when the caller shows none.
   */
  emitItem?(item: Item): void;
}

/** A source of server tools: a static set, or a dynamic one such as an MCP server's. */
export interface ToolProvider {
  /** Unique among providers; names the provider in logs and config. */
  readonly name: string;
  /** Request tool types it serves (`mcp`, `code_interpreter`, …); a request naming one is not refused. */
  readonly servesToolTypes?: readonly string[];
  /**
   * Whether it serves this one requested tool, for types several providers share (each MCP
   * server label has its provider). When every provider of a type answers and none says yes,
   * the request is refused (400) rather than quietly left without the tool.
   */
  ownsRequestedTool?(tool: RequestedTool): boolean;
  listTools(ctx: ToolListContext): Promise<Tool[]>;
}

/** A provider over a fixed list of tools. */
export function staticToolProvider(name: string, tools: Tool[]): ToolProvider {
  return { name, listTools: async () => tools };
}
