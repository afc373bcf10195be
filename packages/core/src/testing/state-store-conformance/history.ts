import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../items/ids.js';
import type { StateStore } from '../../store/state-store.js';
import { assistantMessage, sampleConversationRecord, sampleResponseRecord, userMessage } from '../store-fixtures.js';
import { functionCall, functionCallOutput, newTenant, reasoning } from './sample-items.js';
import { appendTo } from './store-shortcuts.js';

/** loadHistory: the previous_response_id chain (branches, a deleted link) and a conversation's items. */
export function historyCases(currentStore: () => StateStore): void {
  describe('history', () => {
    let store: StateStore;
    beforeEach(() => {
      store = currentStore();
    });

    it('walks previous_response_id, oldest first, each input then output', async () => {
      const tenant = newTenant();
      const r1 = await store.createResponse(sampleResponseRecord(tenant, { request: { instructions: 'You are terse.' } }));
      const u1 = userMessage('weather in Paris?');
      const rs1 = reasoning('need the tool');
      const fc1 = functionCall('get_weather');
      await appendTo(store, tenant, r1.id, 'input', [u1]);
      await appendTo(store, tenant, r1.id, 'output', [rs1, fc1]);

      const r2 = await store.createResponse(sampleResponseRecord(tenant, { previousResponseId: r1.id, request: { instructions: 'You are terse.' } }));
      const fco1 = functionCallOutput(fc1.call_id, '{"celsius":21}');
      const a2 = assistantMessage('21 °C');
      // Output appended before input: the history still puts a response's input first.
      await appendTo(store, tenant, r2.id, 'output', [a2]);
      await appendTo(store, tenant, r2.id, 'input', [fco1]);

      const r3 = await store.createResponse(sampleResponseRecord(tenant, { previousResponseId: r2.id }));
      const u3 = userMessage('and tomorrow?');
      const a3 = assistantMessage('rain');
      await appendTo(store, tenant, r3.id, 'input', [u3]);
      await appendTo(store, tenant, r3.id, 'output', [a3]);

      const r4 = await store.createResponse(sampleResponseRecord(tenant, { previousResponseId: r3.id }));
      const u4 = userMessage('thanks');
      await appendTo(store, tenant, r4.id, 'input', [u4]);

      const history = await store.loadHistory(tenant, { kind: 'previous_response', responseId: r4.id });
      expect(history).toEqual([u1, rs1, fc1, fco1, a2, u3, a3, u4]);
      expect(JSON.stringify(history)).not.toContain('You are terse.');
      expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: r2.id })).toEqual([u1, rs1, fc1, fco1, a2]);
      expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: r1.id })).toEqual([u1, rs1, fc1]);
    });

    it('follows each branch of responses that continue from the same one', async () => {
      const tenant = newTenant();
      const root = await store.createResponse(sampleResponseRecord(tenant));
      const u = userMessage('start');
      await appendTo(store, tenant, root.id, 'input', [u]);
      const left = await store.createResponse(sampleResponseRecord(tenant, { previousResponseId: root.id }));
      const right = await store.createResponse(sampleResponseRecord(tenant, { previousResponseId: root.id }));
      const l = userMessage('left');
      const r = userMessage('right');
      await appendTo(store, tenant, right.id, 'input', [r]);
      await appendTo(store, tenant, left.id, 'input', [l]);

      expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: left.id })).toEqual([u, l]);
      expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: right.id })).toEqual([u, r]);
    });

    it('ends the chain at a deleted response', async () => {
      const tenant = newTenant();
      const r1 = await store.createResponse(sampleResponseRecord(tenant));
      await appendTo(store, tenant, r1.id, 'input', [userMessage('one')]);
      const r2 = await store.createResponse(sampleResponseRecord(tenant, { previousResponseId: r1.id }));
      await appendTo(store, tenant, r2.id, 'input', [userMessage('two')]);
      const r3 = await store.createResponse(sampleResponseRecord(tenant, { previousResponseId: r2.id }));
      const three = userMessage('three');
      await appendTo(store, tenant, r3.id, 'input', [three]);

      await store.deleteResponse(tenant, r2.id);
      expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: r3.id })).toEqual([three]);
    });

    it('answers undefined for an unknown response or conversation, and [] for one without items', async () => {
      const tenant = newTenant();
      expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: newId('response') })).toBeUndefined();
      expect(await store.loadHistory(tenant, { kind: 'conversation', conversationId: newId('conversation') })).toBeUndefined();

      const response = await store.createResponse(sampleResponseRecord(tenant));
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: response.id })).toEqual([]);
      expect(await store.loadHistory(tenant, { kind: 'conversation', conversationId: conversation.id })).toEqual([]);
    });

    it("loads a conversation's items in append order", async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const seed = userMessage('seed');
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [seed]);
      const r1 = await store.createResponse(sampleResponseRecord(tenant, { conversationId: conversation.id }));
      const [u1, a1] = [userMessage('u1'), assistantMessage('a1')];
      await appendTo(store, tenant, r1.id, 'input', [u1]);
      await appendTo(store, tenant, r1.id, 'output', [a1]);
      const note = userMessage('added between turns');
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [note]);
      const r2 = await store.createResponse(sampleResponseRecord(tenant, { conversationId: conversation.id }));
      const [u2, a2] = [userMessage('u2'), assistantMessage('a2')];
      await appendTo(store, tenant, r2.id, 'input', [u2]);
      await appendTo(store, tenant, r2.id, 'output', [a2]);

      expect(await store.loadHistory(tenant, { kind: 'conversation', conversationId: conversation.id }))
        .toEqual([seed, u1, a1, note, u2, a2]);
    });
  });
}
