import type { JsonSchema, McpApprovalRequestItem, ServerTool, ToolContext, ToolResult } from '@agentport/core';
import { renderMcpCallItem } from './mcp-call-item.js';
import { BuiltinToolError } from './errors.js';
import type { SelectableTool } from './builtin-tool-selection.js';

/** One tool of the built-in server: shell, http_get, read_file, list_directory. */
export interface BuiltinTool extends SelectableTool {
  description: string;
  /** Every property required and no others: the model provider can constrain arguments to it (`strict`). */
  parameters: JsonSchema;
  /**
   * Runs one call and returns what the model sees. Throws a `BuiltinToolError` to refuse or
   * fail with a reason of its own; any other error is the agent loop's to report.
   */
  call(input: unknown, ctx: ToolContext): Promise<string>;
}

/**
 * The server tool a request gets: its calls appear as `mcp_call` items of `serverLabel`
 * (`output` when it succeeded; `error` and status `failed` when it refused or failed), each
 * first waiting for the caller's approval when `requiresApproval`.
 */
export function builtinServerTool(serverLabel: string, tool: BuiltinTool, requiresApproval = false): ServerTool {
  return {
    execution: 'server',
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
    strict: true,
    itemType: 'mcp_call',
    async execute(input: unknown, ctx: ToolContext): Promise<ToolResult> {
      try {
        return { output: await tool.call(input, ctx) };
      } catch (error) {
        if (BuiltinToolError.is(error)) return { output: error.message, isError: true };
        throw error;
      }
    },
    renderItem: (call) => renderMcpCallItem(serverLabel, call),
    // With require_approval a call is first an mcp_approval_request; the caller's answer runs or declines it.
    approval: {
      required: () => requiresApproval,
      renderRequest: (call): McpApprovalRequestItem => ({
        type: 'mcp_approval_request', id: call.itemId, server_label: serverLabel, name: tool.name, arguments: call.arguments,
      }),
      matches: (request) => request.server_label === serverLabel && request.name === tool.name,
    },
  };
}
