/**
 * The item model: the OpenAI Responses item shapes, used end to end. The store persists
 * items as they are and the gateway streams them without translation.
 */
import type { MessageContentPart, ReasoningTextPart, SummaryTextPart } from './content.js';

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export interface MessageItem {
  type: 'message';
  id: string;
  role: 'user' | 'system' | 'developer' | 'assistant';
  status?: ItemStatus;
  content: MessageContentPart[];
}

export interface FunctionCallItem {
  type: 'function_call';
  id: string;
  call_id: string;
  name: string;
  /** The arguments as the model wrote them: a JSON string. */
  arguments: string;
  /** The `namespace` tool the function was declared in (Codex groups tools so); `name` is the member's own name. */
  namespace?: string;
  status?: ItemStatus;
}

export interface FunctionCallOutputItem {
  type: 'function_call_output';
  id: string;
  call_id: string;
  output: string;
  status?: ItemStatus;
}

/** A call of a `custom` (freeform) tool: its input is plain text, not JSON arguments. */
export interface CustomToolCallItem {
  type: 'custom_tool_call';
  id: string;
  call_id: string;
  name: string;
  input: string;
  /** The `namespace` tool the custom tool was declared in. */
  namespace?: string;
  status?: ItemStatus;
}

export interface CustomToolCallOutputItem {
  type: 'custom_tool_call_output';
  id: string;
  call_id: string;
  output: string;
  status?: ItemStatus;
}

export interface ReasoningItem {
  type: 'reasoning';
  id: string;
  summary: SummaryTextPart[];
  content?: ReasoningTextPart[];
  encrypted_content?: string | null;
  status?: ItemStatus;
}

export interface McpToolDescription {
  name: string;
  description?: string | null;
  input_schema: Record<string, unknown>;
  annotations?: Record<string, unknown> | null;
}

export interface McpListToolsItem {
  type: 'mcp_list_tools';
  id: string;
  server_label: string;
  tools: McpToolDescription[];
  error?: string | null;
}

export interface McpCallItem {
  type: 'mcp_call';
  id: string;
  server_label: string;
  name: string;
  arguments: string;
  output?: string | null;
  error?: string | null;
  approval_request_id?: string | null;
  status?: ItemStatus | 'calling' | 'failed';
}

export interface McpApprovalRequestItem {
  type: 'mcp_approval_request';
  id: string;
  server_label: string;
  name: string;
  arguments: string;
}

export interface McpApprovalResponseItem {
  type: 'mcp_approval_response';
  id: string;
  approval_request_id: string;
  approve: boolean;
  reason?: string | null;
}

export type CodeInterpreterOutput =
  | { type: 'logs'; logs: string }
  | { type: 'image'; url: string };

export interface CodeInterpreterCallItem {
  type: 'code_interpreter_call';
  id: string;
  code: string | null;
  container_id: string;
  outputs: CodeInterpreterOutput[] | null;
  status: ItemStatus | 'interpreting' | 'failed';
}

/**
 * What a compaction left of the conversation before it: the model's summary, standing for
 * every earlier item except the user's, system and developer messages. `encrypted_content` is
 * the summary sealed by the host (the spec's opaque form a stateless client sends back).
 */
export interface CompactionItem {
  type: 'compaction';
  id: string;
  summary: string;
  encrypted_content?: string;
}

export type Item =
  | MessageItem
  | FunctionCallItem
  | FunctionCallOutputItem
  | CustomToolCallItem
  | CustomToolCallOutputItem
  | ReasoningItem
  | McpListToolsItem
  | McpCallItem
  | McpApprovalRequestItem
  | McpApprovalResponseItem
  | CodeInterpreterCallItem
  | CompactionItem;

export type ItemType = Item['type'];

/** The item of one type, e.g. `ItemOf<'function_call'>`. */
export type ItemOf<T extends ItemType> = Extract<Item, { type: T }>;
