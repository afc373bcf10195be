import type { Item, McpApprovalRequestItem } from '../items/item.js';
import type { JsonSchema } from '../schema/json-schema.js';
import type { TraceSpan } from '../tracing/tracer.js';

/** What a running server tool can see and do. */
export interface ToolContext {
  /** Aborted when the run is cancelled or the tool's time limit is reached. */
  signal: AbortSignal;
  tenant: string;
  responseId: string;
  /** The model's call id for this invocation. */
  callId: string;
  /** Reports progress to the client while the tool runs (e.g. interpreter output). */
  emit(progress: ToolProgress): void;
  /** The call's span: a tool that calls out passes `propagationHeaders()` on (MCP in `params._meta`). */
  span?: TraceSpan;
}

export interface ToolProgress {
  /** e.g. `code_interpreter_call.interpreting`; the gateway maps it to stream events. */
  kind: string;
  data?: Record<string, unknown>;
}

/** What a server tool returns. `output` is what the model sees next. */
export interface ToolResult {
  output: string;
  /** The tool failed; `output` says why, and the model is told so. */
  isError?: boolean;
  /** Fields for a hosted tool's own item (`outputs` of a `code_interpreter_call`, …). */
  itemFields?: Record<string, unknown>;
}

/** The kind of item a call of the tool appears as in the response's output. */
export type ToolItemType = 'function_call' | 'code_interpreter_call' | 'mcp_call' | 'shell_call';

/** One invocation as the loop sees it, for tools that render their own item. */
export interface ToolCallState {
  itemId: string;
  callId: string;
  name: string;
  arguments: string;
  status: 'in_progress' | 'completed' | 'incomplete';
  result?: ToolResult;
  /** Set when the call runs because the caller approved it (the `mcp_approval_request` id). */
  approvalRequestId?: string;
}

/** What an approval request is made from: the call the model asked for. */
export interface ApprovalCall {
  /** The id the approval request item gets. */
  itemId: string;
  name: string;
  arguments: string;
}

/**
 * Calls of a tool that wait for the caller's approval (MCP's `require_approval`). Such a call
 * is not run: the loop shows the tool's approval request item and ends the run; a later
 * request whose input holds an `mcp_approval_response` for it runs it (approved) or tells the
 * model it was declined.
 */
export interface ToolApproval {
  /** Whether this call waits for approval; `input` is the parsed arguments. */
  required(input: unknown): boolean;
  /** The item that asks the caller. */
  renderRequest(call: ApprovalCall): McpApprovalRequestItem;
  /** Whether an approval request of an earlier response asked for a call of this tool. */
  matches(request: McpApprovalRequestItem): boolean;
}

interface ToolBase {
  name: string;
  description?: string;
  parameters: JsonSchema;
  /** Ask the model provider to constrain arguments to `parameters`. */
  strict?: boolean;
}

/** A tool the agent runs itself; a call's result goes back to the model. */
export interface ServerTool<Args = unknown> extends ToolBase {
  execution: 'server';
  /** Defaults to `function_call`: a call item, then a `function_call_output` item. */
  itemType?: ToolItemType;
  execute(args: Args, ctx: ToolContext): Promise<ToolResult>;
  /** Builds the output item of a hosted tool type (required unless `itemType` is `function_call`). */
  renderItem?(call: ToolCallState): Item;
  /** Set when some calls wait for the caller's approval before they run. */
  approval?: ToolApproval;
}

/** A tool the caller runs: a call ends the run and hands control back to the caller. */
export interface ClientTool extends ToolBase {
  execution: 'client';
}

export type Tool<Args = unknown> = ServerTool<Args> | ClientTool;
