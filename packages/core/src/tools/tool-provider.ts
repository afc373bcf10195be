import type { Tool } from './tool.js';

export interface ToolListContext {
  tenant: string;
  signal?: AbortSignal;
}

/** A source of server tools: a static set, or a dynamic one such as an MCP server's. */
export interface ToolProvider {
  /** Unique among providers; names the provider in logs and config. */
  readonly name: string;
  listTools(ctx: ToolListContext): Promise<Tool[]>;
}

/** A provider over a fixed list of tools. */
export function staticToolProvider(name: string, tools: Tool[]): ToolProvider {
  return { name, listTools: async () => tools };
}
