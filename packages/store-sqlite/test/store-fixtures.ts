import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId, type ConversationRecord, type MessageItem, type NewResponseRecord } from '@agentport/core';

export function now(): number {
  return Math.floor(Date.now() / 1000);
}

export function responseRecord(tenant: string, fields: Partial<NewResponseRecord> = {}): NewResponseRecord {
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
    createdAt: now(),
    expiresAt: null,
    ...fields,
  };
}

export function conversationRecord(tenant: string, fields: Partial<ConversationRecord> = {}): ConversationRecord {
  return { id: newId('conversation'), tenant, metadata: {}, createdAt: now(), ...fields };
}

export function userMessage(text: string, id: string = newId('message')): MessageItem {
  return { type: 'message', id, role: 'user', content: [{ type: 'input_text', text }] };
}

export function assistantMessage(text: string): MessageItem {
  return { type: 'message', id: newId('message'), role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
}

export function textEvents(from: number, count: number) {
  return Array.from({ length: count }, (_, n) => ({
    sequenceNumber: from + n,
    type: 'response.output_text.delta',
    data: { type: 'response.output_text.delta', sequence_number: from + n, delta: `token ${from + n}` },
  }));
}

/** A fresh directory under the OS temp dir; `remove()` deletes it with everything in it. */
export function temporaryDirectory(prefix: string): { path: string; file(name: string): string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `agentport-${prefix}-`));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}
