import type { RequestedTool, Tool, ToolListContext, ToolProvider } from '@agentport/core';
import type { ApprovalDefault } from '../mcp/mcp-hosting-config.js';
import { DEFAULT_BUILTIN_APPROVAL, MCP_TOOL_TYPE } from './builtin-server-label.js';
import { builtinServerTool, type BuiltinTool } from './builtin-tool.js';
import { BuiltinToolSelection, namesBuiltinServer } from './builtin-tool-selection.js';

/**
 * Offers a set of built-in tools to a request that names their server label
 * (`{type: 'mcp', server_label}`), filtered by its `allowed_tools` and waiting for approval as
 * its `require_approval` says; to other requests nothing.
 * It serves the `mcp` tool type for its one label only (`ownsRequestedTool`), so that the
 * registry can refuse a label no provider serves: the MCP hosting provider serves the labels
 * of its configured servers and requests with a `server_url`, and the two must not share a label.
 */
export class BuiltinToolProvider implements ToolProvider {
  readonly servesToolTypes = [MCP_TOOL_TYPE] as const;

  constructor(
    /** Unique among providers (`shell`, `http-get`, `files`). */
    readonly name: string,
    readonly serverLabel: string,
    readonly tools: readonly BuiltinTool[],
    /** `require_approval` of a request that leaves it out. */
    readonly defaultApproval: ApprovalDefault = DEFAULT_BUILTIN_APPROVAL,
  ) {}

  /** Tells the tool registry which requested `mcp` tools are this provider's: its label, without a `server_url`. */
  ownsRequestedTool(tool: RequestedTool): boolean {
    return namesBuiltinServer(tool, this.serverLabel);
  }

  async listTools(ctx: ToolListContext): Promise<Tool[]> {
    const selection = BuiltinToolSelection.of(ctx.requestedTools, this.serverLabel, this.defaultApproval);
    if (!selection) return [];
    return this.tools
      .filter((tool) => selection.allows(tool))
      .map((tool) => builtinServerTool(this.serverLabel, tool, selection.requiresApproval(tool)));
  }
}
