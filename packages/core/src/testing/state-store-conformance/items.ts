import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../items/ids.js';
import type { StateStore } from '../../store/state-store.js';
import { assistantMessage, sampleConversationRecord, sampleResponseRecord, userMessage } from '../store-fixtures.js';
import { everyItemType, functionCall, newTenant, reasoning } from './sample-items.js';
import { idsOf } from './store-shortcuts.js';

/** Items appended to a response or conversation: order, every item type, one item listed in both, duplicate ids refused. */
export function itemCases(currentStore: () => StateStore): void {
  describe('items', () => {
    let store: StateStore;
    beforeEach(() => {
      store = currentStore();
    });

    it("lists a response's input and output items in append order", async () => {
      const tenant = newTenant();
      const response = await store.createResponse(sampleResponseRecord(tenant));
      const input = [userMessage('one'), userMessage('two'), userMessage('three')];
      const output = [reasoning('thinking'), functionCall('lookup'), assistantMessage('done')];
      await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'input' }, input.slice(0, 2));
      await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'output' }, output.slice(0, 1));
      await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'input' }, input.slice(2));
      await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'output' }, output.slice(1));

      expect((await store.listResponseItems(tenant, response.id, 'input', { order: 'asc' }))?.data).toEqual(input);
      expect((await store.listResponseItems(tenant, response.id, 'output', { order: 'asc' }))?.data).toEqual(output);
    });

    it('round-trips every item type', async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const items = everyItemType();
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, items);
      expect((await store.listConversationItems(tenant, conversation.id, { order: 'asc', limit: 100 }))?.data).toEqual(items);
    });

    it('finds one item by id wherever it is stored, for its tenant only', async () => {
      const tenant = newTenant();
      const response = await store.createResponse(sampleResponseRecord(tenant));
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const [inResponse, inConversation] = [functionCall('lookup'), assistantMessage('kept in a conversation')];
      await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'output' }, [inResponse]);
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [inConversation]);

      expect(await store.getItem(tenant, inResponse.id)).toEqual(inResponse);
      expect(await store.getItem(tenant, inConversation.id)).toEqual(inConversation);
      expect(await store.getItem(newTenant(), inResponse.id)).toBeUndefined();
      expect(await store.getItem(tenant, newId('message'))).toBeUndefined();
      await store.deleteResponse(tenant, response.id);
      expect(await store.getItem(tenant, inResponse.id)).toBeUndefined();
    });

    it('stores an item of a response in a conversation once, listed in both', async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const response = await store.createResponse(sampleResponseRecord(tenant, { conversationId: conversation.id }));
      const question = userMessage('question');
      const answer = assistantMessage('answer');
      await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'input' }, [question]);
      await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'output', conversationId: conversation.id }, [answer]);

      expect((await store.listConversationItems(tenant, conversation.id, { order: 'asc' }))?.data).toEqual([question, answer]);
      expect((await store.listResponseItems(tenant, response.id, 'input'))?.data).toEqual([question]);
      expect((await store.listResponseItems(tenant, response.id, 'output'))?.data).toEqual([answer]);
      expect(await store.getConversationItem(tenant, conversation.id, answer.id)).toEqual(answer);

      // The item is stored once: appending it again, anywhere, is refused.
      await expect(store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [question]))
        .rejects.toMatchObject({ code: 'conflict' });
      expect(await idsOf(store, tenant, conversation.id)).toEqual([question.id, answer.id]);
    });

    it('refuses an item id already stored, and the whole batch with it', async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const response = await store.createResponse(sampleResponseRecord(tenant));
      const [a, b, c] = [userMessage('a'), userMessage('b'), userMessage('c')];
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [a, b]);

      await expect(store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [c, a]))
        .rejects.toMatchObject({ code: 'conflict' });
      await expect(store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [c, c]))
        .rejects.toMatchObject({ code: 'conflict' });
      await expect(store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'input' }, [c, b]))
        .rejects.toMatchObject({ code: 'conflict' });
      expect(await idsOf(store, tenant, conversation.id)).toEqual([a.id, b.id]);
      expect((await store.listResponseItems(tenant, response.id, 'input'))?.data).toEqual([]);

      // Nothing of a refused batch was kept, so its new item can still be appended.
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [c]);
      expect(await idsOf(store, tenant, conversation.id)).toEqual([a.id, b.id, c.id]);
    });

    it('throws NotFoundError when appending to an unknown target', async () => {
      const tenant = newTenant();
      await expect(store.appendItems(tenant, { kind: 'response', responseId: newId('response'), role: 'input' }, [userMessage('x')]))
        .rejects.toMatchObject({ code: 'response_not_found' });
      await expect(store.appendItems(tenant, { kind: 'conversation', conversationId: newId('conversation') }, [userMessage('x')]))
        .rejects.toMatchObject({ code: 'conversation_not_found' });
    });

    it('keeps appending to a response whose conversation was deleted', async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const response = await store.createResponse(sampleResponseRecord(tenant, { conversationId: conversation.id }));
      await store.deleteConversation(tenant, conversation.id);

      const answer = assistantMessage('still here');
      await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'output' }, [answer]);
      expect((await store.listResponseItems(tenant, response.id, 'output'))?.data).toEqual([answer]);
      expect(await store.getConversation(tenant, conversation.id)).toBeUndefined();
    });
  });
}
