import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../items/ids.js';
import type { StateStore } from '../../store/state-store.js';
import { assistantMessage, sampleConversationRecord, sampleResponseRecord, userMessage } from '../store-fixtures.js';
import { newTenant } from './sample-items.js';
import { appendTo, idsOf } from './store-shortcuts.js';

/** Conversation records and items: create, update, delete, and what a response keeps of them. */
export function conversationCases(currentStore: () => StateStore): void {
  describe('conversations', () => {
    let store: StateStore;
    beforeEach(() => {
      store = currentStore();
    });

    it('creates, reads, updates and deletes a conversation', async () => {
      const tenant = newTenant();
      const record = sampleConversationRecord(tenant, { metadata: { topic: 'travel', lang: 'en' } });
      const created = await store.createConversation(record);
      expect(created).toEqual(record);
      expect(await store.getConversation(tenant, record.id)).toEqual(record);

      const updated = await store.updateConversation(tenant, record.id, { topic: 'food' });
      expect(updated).toEqual({ ...record, metadata: { topic: 'food' } });
      expect(await store.getConversation(tenant, record.id)).toEqual(updated);

      expect(await store.deleteConversation(tenant, record.id)).toBe(true);
      expect(await store.getConversation(tenant, record.id)).toBeUndefined();
      expect(await store.updateConversation(tenant, record.id, { topic: 'x' })).toBeUndefined();
      expect(await store.listConversationItems(tenant, record.id)).toBeUndefined();
      expect(await store.deleteConversation(tenant, record.id)).toBe(false);
      await expect(store.appendItems(tenant, { kind: 'conversation', conversationId: record.id }, [userMessage('late')]))
        .rejects.toMatchObject({ code: 'conversation_not_found' });
    });

    it('refuses a conversation id that is taken', async () => {
      const tenant = newTenant();
      const first = await store.createConversation(sampleConversationRecord(tenant, { metadata: { n: '1' } }));
      await expect(store.createConversation({ ...sampleConversationRecord(tenant, { metadata: { n: '2' } }), id: first.id }))
        .rejects.toMatchObject({ code: 'conflict' });
      expect(await store.getConversation(tenant, first.id)).toEqual(first);
    });

    it("deletes a conversation's items, and keeps those a response lists for that response", async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const direct = userMessage('added to the conversation');
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [direct]);
      const response = await store.createResponse(sampleResponseRecord(tenant, { conversationId: conversation.id }));
      const [question, answer] = [userMessage('question'), assistantMessage('answer')];
      await appendTo(store, tenant, response.id, 'input', [question]);
      await appendTo(store, tenant, response.id, 'output', [answer]);

      expect(await store.deleteConversation(tenant, conversation.id)).toBe(true);
      expect(await store.getConversationItem(tenant, conversation.id, direct.id)).toBeUndefined();
      expect(await store.getConversationItem(tenant, conversation.id, question.id)).toBeUndefined();
      expect(await store.loadHistory(tenant, { kind: 'conversation', conversationId: conversation.id })).toBeUndefined();

      expect((await store.listResponseItems(tenant, response.id, 'input'))?.data).toEqual([question]);
      expect((await store.listResponseItems(tenant, response.id, 'output'))?.data).toEqual([answer]);
      expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: response.id })).toEqual([question, answer]);

      // The conversation's own item is gone for good, so its id is free again.
      const again = await store.createConversation(sampleConversationRecord(tenant));
      await store.appendItems(tenant, { kind: 'conversation', conversationId: again.id }, [direct]);
      expect(await store.getConversationItem(tenant, again.id, direct.id)).toEqual(direct);
    });

    it("keeps a deleted response's items in its conversation", async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const response = await store.createResponse(sampleResponseRecord(tenant, { conversationId: conversation.id }));
      const [question, answer] = [userMessage('question'), assistantMessage('answer')];
      await appendTo(store, tenant, response.id, 'input', [question]);
      await appendTo(store, tenant, response.id, 'output', [answer]);

      expect(await store.deleteResponse(tenant, response.id)).toBe(true);
      expect((await store.listConversationItems(tenant, conversation.id, { order: 'asc' }))?.data).toEqual([question, answer]);
      expect(await store.getConversationItem(tenant, conversation.id, answer.id)).toEqual(answer);
    });

    it('gets and deletes a conversation item', async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const other = await store.createConversation(sampleConversationRecord(tenant));
      const [a, b, c] = [userMessage('a'), userMessage('b'), userMessage('c')];
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [a, b, c]);

      expect(await store.getConversationItem(tenant, conversation.id, b!.id)).toEqual(b);
      expect(await store.getConversationItem(tenant, other.id, b!.id)).toBeUndefined();
      expect(await store.getConversationItem(tenant, conversation.id, newId('message'))).toBeUndefined();

      expect(await store.deleteConversationItem(tenant, other.id, a!.id)).toBe(false);
      expect(await store.deleteConversationItem(tenant, conversation.id, b!.id)).toBe(true);
      expect(await store.getConversationItem(tenant, conversation.id, b!.id)).toBeUndefined();
      expect(await store.deleteConversationItem(tenant, conversation.id, b!.id)).toBe(false);
      expect(await idsOf(store, tenant, conversation.id)).toEqual([a!.id, c!.id]);
      expect(await store.loadHistory(tenant, { kind: 'conversation', conversationId: conversation.id })).toEqual([a, c]);
    });

    it("keeps a response's item for the response when it is deleted from the conversation", async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const response = await store.createResponse(sampleResponseRecord(tenant, { conversationId: conversation.id }));
      const answer = assistantMessage('answer');
      await appendTo(store, tenant, response.id, 'output', [answer]);

      expect(await store.deleteConversationItem(tenant, conversation.id, answer.id)).toBe(true);
      expect(await idsOf(store, tenant, conversation.id)).toEqual([]);
      expect((await store.listResponseItems(tenant, response.id, 'output'))?.data).toEqual([answer]);
    });
  });
}
