import type { McpToolDescription } from '@agentport/core';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool as SdkTool } from '@modelcontextprotocol/sdk/types.js';

/** A server's tool list as read: the SDK's tools (for MCP clients) and how many were left out. */
export interface ListedTools {
  tools: SdkTool[];
  /** Tools past the cap that were not kept. */
  leftOut: number;
}

/** Reads every page of `tools/list`, keeping at most `maxTools`. */
export async function listAllTools(client: Client, options: { maxTools: number; timeoutMs: number; signal?: AbortSignal }): Promise<ListedTools> {
  const tools: SdkTool[] = [];
  let leftOut = 0;
  let cursor: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor }, {
      timeout: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}),
    });
    for (const tool of page.tools) {
      if (tools.length < options.maxTools) tools.push(tool);
      else leftOut += 1;
    }
    cursor = page.nextCursor;
    // A server that hands back a cursor it gave before would page forever.
    if (cursor !== undefined && seen.has(cursor)) break;
    if (cursor !== undefined) seen.add(cursor);
  } while (cursor !== undefined);
  return { tools, leftOut };
}

/** A tool as `mcp_list_tools` and `GET /v1/mcp/servers/{label}/tools` show it. */
export function toToolDescription(tool: SdkTool): McpToolDescription {
  return {
    name: tool.name,
    description: tool.description ?? null,
    input_schema: tool.inputSchema as Record<string, unknown>,
    annotations: (tool.annotations as Record<string, unknown> | undefined) ?? null,
  };
}
