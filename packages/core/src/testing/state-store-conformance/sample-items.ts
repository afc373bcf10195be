import { randomUUID } from 'node:crypto';
import { newId } from '../../items/ids.js';
import type { FunctionCallItem, FunctionCallOutputItem, Item, MessageItem, ReasoningItem } from '../../items/item.js';
import { assistantMessage, userMessage } from '../store-fixtures.js';

/** A tenant of its own per case, so cases stay independent even on a shared store. */
export function newTenant(): string {
  return `tenant_${randomUUID()}`;
}

export function messages(count: number): MessageItem[] {
  return Array.from({ length: count }, (_, n) => userMessage(`message ${n}`));
}

export function twoItems(label: string): [MessageItem, MessageItem] {
  return [userMessage(`${label}: first`), assistantMessage(`${label}: second`)];
}

export function reasoning(text: string): ReasoningItem {
  return { type: 'reasoning', id: newId('reasoning'), summary: [], content: [{ type: 'reasoning_text', text }], status: 'completed' };
}

export function functionCall(name: string): FunctionCallItem {
  return { type: 'function_call', id: newId('function_call'), call_id: newId('call'), name, arguments: '{"city":"Paris"}', status: 'completed' };
}

export function functionCallOutput(callId: string, output: string): FunctionCallOutputItem {
  return { type: 'function_call_output', id: newId('function_call_output'), call_id: callId, output };
}

export function everyItemType(): Item[] {
  const call = functionCall('lookup');
  const approval = newId('mcp_approval_request');
  return [
    { type: 'message', id: newId('message'), role: 'developer', content: [{ type: 'input_text', text: 'be kind' }] },
    { type: 'message', id: newId('message'), role: 'user', content: [{ type: 'input_text', text: 'look' }, { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' }] },
    { type: 'reasoning', id: newId('reasoning'), summary: [{ type: 'summary_text', text: 'short' }], content: [{ type: 'reasoning_text', text: 'long' }], encrypted_content: null },
    call,
    functionCallOutput(call.call_id, 'result'),
    { type: 'mcp_list_tools', id: newId('mcp_list_tools'), server_label: 'docs', tools: [{ name: 'search', description: null, input_schema: { type: 'object' }, annotations: { readOnlyHint: true } }] },
    { type: 'mcp_approval_request', id: approval, server_label: 'docs', name: 'search', arguments: '{}' },
    { type: 'mcp_approval_response', id: newId('mcp_approval_response'), approval_request_id: approval, approve: true, reason: null },
    { type: 'mcp_call', id: newId('mcp_call'), server_label: 'docs', name: 'search', arguments: '{}', output: 'found', error: null, approval_request_id: approval, status: 'completed' },
    { type: 'code_interpreter_call', id: newId('code_interpreter_call'), code: 'print(1)', container_id: newId('container'), outputs: [{ type: 'logs', logs: '1\n' }], status: 'completed' },
    { type: 'message', id: newId('message'), role: 'assistant', status: 'incomplete', content: [{ type: 'output_text', text: 'cut', annotations: [], logprobs: [] }, { type: 'refusal', refusal: 'no' }] },
  ];
}

export function setText(item: Item, text: string): void {
  if (item.type !== 'message') throw new Error(`expected a message, got ${item.type}`);
  const part = item.content[0];
  if (part?.type !== 'input_text') throw new Error('expected an input_text part');
  part.text = text;
}
