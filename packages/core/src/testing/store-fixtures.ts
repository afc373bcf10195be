import type { ConversationRecord, NewResponseRecord, StoredEvent } from '../store/records.js';
import type { MessageItem } from '../items/item.js';
import { newId } from '../items/ids.js';

/** Record and item builders for store tests: a valid object with fresh ids, fields overridable. */

/** Now, in the Unix seconds stores keep. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function sampleResponseRecord(tenant: string, fields: Partial<NewResponseRecord> = {}): NewResponseRecord {
  return {
    id: newId('response'),
    tenant,
    model: 'test-model',
    status: 'in_progress',
    previousResponseId: null,
    conversationId: null,
    request: { input: 'hello' },
    usage: null,
    error: null,
    incompleteDetails: null,
    metadata: {},
    background: false,
    createdAt: nowSeconds(),
    expiresAt: null,
    ...fields,
  };
}

export function sampleConversationRecord(tenant: string, fields: Partial<ConversationRecord> = {}): ConversationRecord {
  return { id: newId('conversation'), tenant, metadata: {}, createdAt: nowSeconds(), ...fields };
}

export function userMessage(text: string, id: string = newId('message')): MessageItem {
  return { type: 'message', id, role: 'user', content: [{ type: 'input_text', text }] };
}

export function assistantMessage(text: string): MessageItem {
  return { type: 'message', id: newId('message'), role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
}

/** `count` text-delta events numbered from `from`. */
export function textDeltaEvents(from: number, count: number): StoredEvent[] {
  return Array.from({ length: count }, (_, n) => ({
    sequenceNumber: from + n,
    type: 'response.output_text.delta',
    data: { type: 'response.output_text.delta', sequence_number: from + n, delta: `token ${from + n}`, logprobs: [] },
  }));
}
