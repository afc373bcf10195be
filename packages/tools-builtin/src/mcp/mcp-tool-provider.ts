import {
  type Item, type McpListToolsItem, type McpToolDescription, namespacedToolName, newId, type RequestedTool, type Tool,
  type ToolListContext, type ToolProvider,
} from '@agentport/core';
import { mcpCallTool } from './mcp-call-tool.js';
import type { AvailableTools } from './mcp-server-connection.js';
import type { McpServerHost } from './mcp-server-host.js';
import {
  filterTools, isHostRequest, MCP_TOOL_TYPE, type McpServerRequest, parseMcpServerRequests,
} from './mcp-server-request.js';
import type { McpServerHandle } from './remote-mcp-servers.js';

/** Names a model may call a tool by (OpenAI's function name rule). */
const MODEL_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

interface RequestedServer {
  request: McpServerRequest;
  server: McpServerHandle;
  available: AvailableTools;
  /** The tools the request's `allowed_tools` lets through. */
  tools: McpToolDescription[];
}

/**
 * Serves `{type: 'mcp', server_label, allowed_tools?, require_approval?, server_url?}` tools:
 * the server's tools are offered to the model, and the response opens with an
 * `mcp_list_tools` item for each server the conversation (or previous-response chain) has
 * not listed yet, as OpenAI does. A server that cannot be reached gets a failed
 * `mcp_list_tools` (with `error`) and offers nothing; the response itself goes on.
 */
export class McpToolProvider implements ToolProvider {
  readonly name = 'mcp';
  readonly servesToolTypes = [MCP_TOOL_TYPE] as const;

  constructor(private readonly host: McpServerHost) {}

  ownsRequestedTool(tool: RequestedTool): boolean {
    return isHostRequest(tool, this.host.labels);
  }

  async listTools(ctx: ToolListContext): Promise<Tool[]> {
    const requests = parseMcpServerRequests(ctx.requestedTools ?? [], this.host.requestRules);
    if (requests.length === 0) return [];
    const servers: RequestedServer[] = await Promise.all(requests.map(async (request) => {
      const server = this.host.serverFor(request, ctx.tenant);
      const available = await server.availableTools(this.host.settings.listWaitMs, ctx.signal);
      const tools = available.kind === 'listed' ? filterTools(available.descriptions, request.allowedTools) : [];
      return { request, server, available, tools };
    }));
    const servedBy = countServers(servers);
    const offered: Tool[] = [];
    for (const { request, server, available, tools } of servers) {
      if (available.kind === 'unavailable') {
        ctx.emitItem?.(listingItem(request.label, [], available.error));
        continue;
      }
      if (!listedBefore(ctx.history ?? [], request.label)) ctx.emitItem?.(listingItem(request.label, tools, null));
      for (const tool of tools) {
        offered.push(mcpCallTool({
          serverLabel: request.label,
          tool,
          modelName: modelNameOf(request.label, tool.name, servedBy),
          source: server,
          approval: request.approval,
          maxOutputChars: this.host.settings.maxOutputChars,
        }));
      }
    }
    return offered;
  }
}

/** A tool keeps its own name unless another server of the request has one alike (or the name is not a valid function name). */
function modelNameOf(label: string, name: string, servedBy: ReadonlyMap<string, number>): string {
  return MODEL_TOOL_NAME.test(name) && servedBy.get(name) === 1 ? name : namespacedToolName(label, name);
}

function countServers(servers: readonly RequestedServer[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { tools } of servers) {
    for (const tool of tools) counts.set(tool.name, (counts.get(tool.name) ?? 0) + 1);
  }
  return counts;
}

/** Whether the history already holds a good listing of this server (a failed one does not count). */
function listedBefore(history: readonly Item[], label: string): boolean {
  return history.some((item) => item.type === 'mcp_list_tools' && item.server_label === label && !item.error);
}

function listingItem(label: string, tools: McpToolDescription[], error: string | null): McpListToolsItem {
  return { type: 'mcp_list_tools', id: newId('mcp_list_tools'), server_label: label, tools, ...(error === null ? {} : { error }) };
}
