import type {
  JsonSchema, McpApprovalRequestItem, McpCallItem, McpToolDescription, ServerTool, ToolCallState, ToolContext, ToolResult,
} from '@agentport/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { approvalRequired, type McpApprovalPolicy } from './mcp-approval-policy.js';
import { callOutputText, capText } from './mcp-call-output.js';

/** What runs a server's tool calls (a hosted server's connection, or a `server_url` one). */
export interface McpToolSource {
  /** `traceContext`: the call's `traceparent` / `tracestate`, sent in the request's `params._meta` as the MCP conventions of OpenTelemetry ask. */
  callTool(name: string, args: Record<string, unknown>, signal: AbortSignal, traceContext?: Readonly<Record<string, string>>): Promise<CallToolResult>;
}

export interface McpCallToolOptions {
  serverLabel: string;
  /** The tool as the server lists it. */
  tool: McpToolDescription;
  /** The name the model calls it by: its own, unless another server of the request has one alike. */
  modelName: string;
  source: McpToolSource;
  approval: McpApprovalPolicy;
  maxOutputChars: number;
}

/** The `output` / `error` of a finished call's item, carried in `ToolResult.itemFields`. */
interface CallItemFields {
  output: string | null;
  error: string | null;
}

/**
 * One tool of an MCP server, offered to the model for one request. A call is an `mcp_call`
 * item (`output` on success; `error` and status `failed` when the tool reports an error or
 * the server cannot be reached: the model is told, the response goes on). When the request's
 * `require_approval` covers the tool, a call is first an `mcp_approval_request`.
 */
export function mcpCallTool(options: McpCallToolOptions): ServerTool {
  const { serverLabel, tool, source, maxOutputChars } = options;
  const requiresApproval = approvalRequired(options.approval, tool.name);
  const base = (call: ToolCallState) => ({
    type: 'mcp_call' as const,
    id: call.itemId,
    server_label: serverLabel,
    name: tool.name,
    arguments: call.arguments,
    approval_request_id: call.approvalRequestId ?? null,
  });
  return {
    execution: 'server',
    name: options.modelName,
    itemType: 'mcp_call',
    description: tool.description || `The tool "${tool.name}" of the MCP server "${serverLabel}".`,
    parameters: parametersOf(tool.input_schema),
    async execute(args: unknown, ctx: ToolContext): Promise<ToolResult> {
      try {
        const traceContext = ctx.span?.propagationHeaders();
        const result = await source.callTool(tool.name, argumentsOf(args), ctx.signal, traceContext && Object.keys(traceContext).length > 0 ? traceContext : undefined);
        const { text, isError } = callOutputText(result, maxOutputChars);
        if (!isError) return succeeded(text);
        return failed(text === '' ? 'the tool reported an error' : text);
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        return failed(capText(error instanceof Error ? error.message : String(error), maxOutputChars));
      }
    },
    renderItem(call: ToolCallState): McpCallItem {
      if (call.status === 'in_progress') return { ...base(call), status: 'in_progress' };
      if (call.status === 'incomplete') return { ...base(call), output: null, error: null, status: 'incomplete' };
      const fields = itemFieldsOf(call.result);
      return { ...base(call), ...fields, status: fields.error === null ? 'completed' : 'failed' };
    },
    approval: {
      // The policy decides per tool: every call of a covered tool waits.
      required: () => requiresApproval,
      renderRequest: (call): McpApprovalRequestItem => ({
        type: 'mcp_approval_request', id: call.itemId, server_label: serverLabel, name: tool.name, arguments: call.arguments,
      }),
      // Matched whatever this request's policy: an approval answered under a changed policy still runs.
      matches: (request: McpApprovalRequestItem) => request.server_label === serverLabel && request.name === tool.name,
    },
  };
}

function succeeded(text: string): ToolResult {
  const fields: CallItemFields = { output: text, error: null };
  return { output: text, itemFields: { ...fields } };
}

function failed(message: string): ToolResult {
  const fields: CallItemFields = { output: null, error: message };
  return { output: `Error: ${message}`, isError: true, itemFields: { ...fields } };
}

/** A result made elsewhere (the loop's own, for a call that threw or timed out) shows its output as the error. */
function itemFieldsOf(result: ToolResult | undefined): CallItemFields {
  const fields = result?.itemFields;
  if (fields && ('output' in fields || 'error' in fields)) {
    return { output: typeof fields.output === 'string' ? fields.output : null, error: typeof fields.error === 'string' ? fields.error : null };
  }
  if (result && !result.isError) return { output: result.output, error: null };
  return { output: null, error: (result?.output ?? 'the call did not finish').replace(/^Error: /, '') };
}

/** The model gets the server's input schema; `$schema` is left out, as validators of other drafts would refuse it. */
function parametersOf(schema: Record<string, unknown>): JsonSchema {
  const { $schema: _dialect, ...rest } = schema;
  return { type: 'object', ...rest } as JsonSchema;
}

function argumentsOf(args: unknown): Record<string, unknown> {
  return typeof args === 'object' && args !== null && !Array.isArray(args) ? args as Record<string, unknown> : {};
}
