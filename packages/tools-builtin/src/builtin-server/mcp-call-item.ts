import type { McpCallItem, ToolCallState } from '@agentport/core';

/** The agent loop's own wording of a thrown error (`Error: …`); the item's `error` goes without it. */
const LOOP_ERROR_PREFIX = 'Error: ';

/**
 * The `mcp_call` item of one call of a built-in tool: `in_progress` while it runs, then
 * `completed` with `output`, or `failed` with `error` (a refusal, a time limit, a thrown error).
 * What the model sees next is read from this item, so `output` and `error` are its input.
 */
export function renderMcpCallItem(serverLabel: string, call: ToolCallState): McpCallItem {
  const item: McpCallItem = {
    type: 'mcp_call',
    id: call.itemId,
    server_label: serverLabel,
    name: call.name,
    arguments: call.arguments,
    output: null,
    error: null,
    approval_request_id: call.approvalRequestId ?? null,
    status: call.status,
  };
  const result = call.result;
  if (call.status !== 'completed' || result === undefined) return item;
  if (result.isError) {
    const error = result.output.startsWith(LOOP_ERROR_PREFIX) ? result.output.slice(LOOP_ERROR_PREFIX.length) : result.output;
    return { ...item, status: 'failed', error: error === '' ? 'the tool failed' : error };
  }
  return { ...item, output: result.output };
}
