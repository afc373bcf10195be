import { newId } from '../items/ids.js';
import type { Item, McpApprovalRequestItem, McpApprovalResponseItem, McpCallItem } from '../items/item.js';
import type { ServerTool, Tool } from '../tools/tool.js';
import type { AgentEvent } from './agent-event.js';
import type { StepToolCall } from './model-step.js';
import { runServerTools, type ServerToolCall, type ToolExecutionOptions } from './tool-execution.js';

/** An approval request of an earlier response and the caller's answer to it in this input. */
export interface AnsweredApproval {
  request: McpApprovalRequestItem;
  response: McpApprovalResponseItem;
}

/**
 * The approval requests this request's input answers. A request already answered by a call
 * (an `mcp_call` with its `approval_request_id`, as a client that resends the whole history
 * sends it) is not answered twice; nor is one answered twice in the same input.
 */
export function answeredApprovals(history: readonly Item[], input: readonly Item[]): AnsweredApproval[] {
  const all = [...history, ...input];
  const requests = new Map<string, McpApprovalRequestItem>();
  const settled = new Set<string>();
  for (const item of all) {
    if (item.type === 'mcp_approval_request') requests.set(item.id, item);
    if (item.type === 'mcp_call' && item.approval_request_id) settled.add(item.approval_request_id);
  }
  const answered: AnsweredApproval[] = [];
  for (const item of input) {
    if (item.type !== 'mcp_approval_response') continue;
    const request = requests.get(item.approval_request_id);
    if (!request || settled.has(request.id)) continue;
    settled.add(request.id);
    answered.push({ request, response: item });
  }
  return answered;
}

export type ApprovalsOutcome =
  | { kind: 'done'; toolCalls: number }
  | { kind: 'cancelled' }
  /** More approved calls than the run may make. */
  | { kind: 'over_limit' };

/**
 * Settles the approval requests this input answers, before the model is asked again: an
 * approved call runs (its item names the request); a declined one, or one whose tool is not
 * in this request, becomes a failed `mcp_call` whose error tells the model why.
 */
export async function* settleApprovals(
  history: readonly Item[],
  input: readonly Item[],
  tools: Iterable<Tool>,
  produced: Item[],
  options: ToolExecutionOptions & { maxToolCalls: number },
): AsyncGenerator<AgentEvent, ApprovalsOutcome> {
  const runnable = [...tools];
  const approved: ServerToolCall[] = [];
  for (const answer of answeredApprovals(history, input)) {
    const tool = answer.response.approve ? toolOfApproval(runnable, answer.request) : undefined;
    if (tool) approved.push(approvedCall(tool, answer.request));
    else yield* showItem(unrunCallItem(answer.request, answer.response.approve ? unavailableMessage(answer.request) : declinedMessage(answer)), produced);
  }
  if (approved.length === 0) return { kind: 'done', toolCalls: 0 };
  if (approved.length > options.maxToolCalls) return { kind: 'over_limit' };
  const execution = yield* runServerTools(approved, options);
  produced.push(...execution.items);
  return execution.kind === 'cancelled' ? { kind: 'cancelled' } : { kind: 'done', toolCalls: approved.length };
}

/** The server tool whose approval request this was, among the run's tools. */
export function toolOfApproval(tools: Iterable<Tool>, request: McpApprovalRequestItem): ServerTool | undefined {
  for (const tool of tools) {
    if (tool.execution === 'server' && tool.approval?.matches(request)) return tool;
  }
  return undefined;
}

/** An approved call, run as the call the model asked for, its item tied to the request. */
export function approvedCall(tool: ServerTool, request: McpApprovalRequestItem): ServerToolCall {
  const call: StepToolCall = { callId: request.id, name: tool.name, arguments: request.arguments, input: parseArguments(request.arguments) };
  return { call, tool, approvalRequestId: request.id };
}

/**
 * The call item of an approval that did not run: declined by the caller, or its tool is not
 * in this request. Its `error` is what the model is told.
 */
export function unrunCallItem(request: McpApprovalRequestItem, error: string): McpCallItem {
  return {
    type: 'mcp_call', id: newId('mcp_call'), server_label: request.server_label, name: request.name,
    arguments: request.arguments, output: null, error, approval_request_id: request.id, status: 'failed',
  };
}

export function declinedMessage(answer: AnsweredApproval): string {
  const reason = answer.response.reason ? `: ${answer.response.reason}` : '';
  return `the user declined this call of "${answer.request.name}", so it was not run${reason}`;
}

export function unavailableMessage(request: McpApprovalRequestItem): string {
  return `the call of "${request.name}" was approved, but the MCP server "${request.server_label}" is not among this request's tools, so it was not run`;
}

/** Shows an approval request for each call; the run then ends and waits for the caller's answers. */
export function* requestApprovals(calls: readonly ServerToolCall[], produced: Item[]): Generator<AgentEvent> {
  for (const { call, tool } of calls) {
    const item = tool!.approval!.renderRequest({ itemId: newId('mcp_approval_request'), name: call.name, arguments: call.arguments });
    yield { type: 'item.added', item };
    yield { type: 'item.done', item };
    produced.push(item);
  }
}

/**
 * Shows a finished item at once (one made before the first step, or a call that did not run):
 * added as it looks while in progress (a tool list still empty, a call without its result), then done.
 */
export function* showItem(item: Item, produced: Item[]): Generator<AgentEvent> {
  yield { type: 'item.added', item: inProgressForm(item) };
  yield { type: 'item.done', item };
  produced.push(item);
}

function inProgressForm(item: Item): Item {
  switch (item.type) {
    case 'mcp_list_tools':
      return { type: 'mcp_list_tools', id: item.id, server_label: item.server_label, tools: [] };
    case 'mcp_call': {
      const { output: _output, error: _error, ...rest } = item;
      return { ...rest, status: 'in_progress' };
    }
    default:
      return item;
  }
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text === '' ? '{}' : text);
  } catch {
    return {};
  }
}
