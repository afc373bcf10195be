import { beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../../store/state-store.js';
import { assistantMessage, sampleConversationRecord, sampleResponseRecord, textDeltaEvents, userMessage } from '../store-fixtures.js';
import { newTenant } from './sample-items.js';
import { appendTo, snapshot } from './store-shortcuts.js';

/** A tenant never reads or changes another tenant's responses, conversations, items or events. */
export function tenantIsolationCases(currentStore: () => StateStore): void {
  describe('tenant isolation', () => {
    let store: StateStore;
    beforeEach(() => {
      store = currentStore();
    });

    it('shows another tenant nothing and lets it change nothing', async () => {
      const owner = newTenant();
      const intruder = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(owner, { metadata: { secret: 'yes' } }));
      const response = await store.createResponse(sampleResponseRecord(owner, { conversationId: conversation.id, request: { secret: 'yes' } }));
      const [question, answer] = [userMessage('private question'), assistantMessage('private answer')];
      await appendTo(store, owner, response.id, 'input', [question]);
      await appendTo(store, owner, response.id, 'output', [answer]);
      await store.appendEvents(owner, response.id, textDeltaEvents(0, 3));

      const before = await snapshot(store, owner, response.id, conversation.id);

      expect(await store.getResponse(intruder, response.id)).toBeUndefined();
      expect(await store.updateResponse(intruder, response.id, { status: 'failed', metadata: { taken: 'yes' } })).toBeUndefined();
      expect(await store.deleteResponse(intruder, response.id)).toBe(false);
      expect(await store.listResponseItems(intruder, response.id, 'input')).toBeUndefined();
      expect(await store.listResponseItems(intruder, response.id, 'output')).toBeUndefined();
      expect(await store.loadHistory(intruder, { kind: 'previous_response', responseId: response.id })).toBeUndefined();
      expect(await store.loadHistory(intruder, { kind: 'conversation', conversationId: conversation.id })).toBeUndefined();
      await expect(store.appendItems(intruder, { kind: 'response', responseId: response.id, role: 'output' }, [userMessage('x')]))
        .rejects.toMatchObject({ code: 'response_not_found' });
      await expect(store.appendItems(intruder, { kind: 'conversation', conversationId: conversation.id }, [userMessage('x')]))
        .rejects.toMatchObject({ code: 'conversation_not_found' });

      expect(await store.getConversation(intruder, conversation.id)).toBeUndefined();
      expect(await store.updateConversation(intruder, conversation.id, { taken: 'yes' })).toBeUndefined();
      expect(await store.deleteConversation(intruder, conversation.id)).toBe(false);
      expect(await store.listConversationItems(intruder, conversation.id)).toBeUndefined();
      expect(await store.getConversationItem(intruder, conversation.id, question.id)).toBeUndefined();
      expect(await store.getItem(intruder, question.id)).toBeUndefined();
      expect(await store.deleteConversationItem(intruder, conversation.id, question.id)).toBe(false);

      await expect(store.appendEvents(intruder, response.id, textDeltaEvents(3, 1)))
        .rejects.toMatchObject({ code: 'response_not_found' });
      expect(await store.readEvents(intruder, response.id)).toBeUndefined();

      expect(await snapshot(store, owner, response.id, conversation.id)).toEqual(before);
    });

    it("does not reach another tenant's objects through its own", async () => {
      const owner = newTenant();
      const intruder = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(owner));
      const response = await store.createResponse(sampleResponseRecord(owner, { conversationId: conversation.id }));
      const secret = userMessage('private');
      await appendTo(store, owner, response.id, 'input', [secret]);
      const before = await snapshot(store, owner, response.id, conversation.id);

      // A chain that names another tenant's response ends there.
      const continued = await store.createResponse(sampleResponseRecord(intruder, { previousResponseId: response.id }));
      const own = userMessage('mine');
      await appendTo(store, intruder, continued.id, 'input', [own]);
      expect(await store.loadHistory(intruder, { kind: 'previous_response', responseId: continued.id })).toEqual([own]);

      // An item of another tenant is not found through one's own conversation.
      const ownConversation = await store.createConversation(sampleConversationRecord(intruder));
      expect(await store.getConversationItem(intruder, ownConversation.id, secret.id)).toBeUndefined();
      expect(await store.deleteConversationItem(intruder, ownConversation.id, secret.id)).toBe(false);
      expect(await store.listConversationItems(intruder, ownConversation.id, { after: secret.id }))
        .toEqual({ data: [], firstId: null, lastId: null, hasMore: false });

      // A response that names another tenant's conversation never writes to it.
      const squatter = await store.createResponse(sampleResponseRecord(intruder, { conversationId: conversation.id }));
      await store.appendItems(intruder, { kind: 'response', responseId: squatter.id, role: 'input' }, [userMessage('x')])
        .catch(() => undefined);

      expect(await snapshot(store, owner, response.id, conversation.id)).toEqual(before);
    });
  });
}
