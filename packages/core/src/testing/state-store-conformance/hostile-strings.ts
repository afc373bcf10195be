import { beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../../store/state-store.js';
import { sampleConversationRecord, sampleResponseRecord, userMessage } from '../store-fixtures.js';
import { newTenant } from './sample-items.js';

/** Ids and texts with NUL, quotes, backslashes, LIKE wildcards or SQL in them are plain values. */
export function hostileStringCases(currentStore: () => StateStore): void {
  describe('hostile strings', () => {
    let store: StateStore;
    beforeEach(() => {
      store = currentStore();
    });

    // Ids and texts come from clients: each must be bound as a value, never become SQL text.
    const hostile = ['with\u0000nul', "it's 'quoted'", 'back\\slash', '100%_like', 'x'.repeat(10_000), '"; drop table responses; --'];

    it('looks hostile ids up as plain values: not found, never an error', async () => {
      const tenant = newTenant();
      const kept = await store.createResponse(sampleResponseRecord(tenant));
      for (const id of hostile) {
        expect(await store.getResponse(tenant, id)).toBeUndefined();
        expect(await store.updateResponse(tenant, id, { status: 'cancelled' })).toBeUndefined();
        expect(await store.listResponseItems(tenant, id, 'input')).toBeUndefined();
        expect(await store.getItem(tenant, id)).toBeUndefined();
        expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: id })).toBeUndefined();
        expect(await store.deleteResponse(tenant, id)).toBe(false);
        expect(await store.getConversation(tenant, id)).toBeUndefined();
        expect(await store.listConversationItems(tenant, id)).toBeUndefined();
        expect(await store.deleteConversation(tenant, id)).toBe(false);
        expect(await store.getResponse(id, kept.id)).toBeUndefined();
      }
      expect(await store.getResponse(tenant, kept.id)).toEqual(kept);
    });

    it('stores hostile texts in every field and reads them back unchanged', async () => {
      const tenant = newTenant();
      for (const text of hostile) {
        const record = sampleResponseRecord(tenant, { model: text, metadata: { note: text }, request: { instructions: text } });
        await store.createResponse(record);
        expect(await store.getResponse(tenant, record.id)).toMatchObject({ model: text, metadata: { note: text }, request: { instructions: text } });
        const conversation = await store.createConversation(sampleConversationRecord(tenant, { metadata: { note: text } }));
        expect(await store.updateConversation(tenant, conversation.id, { note: `${text}!` })).toMatchObject({ metadata: { note: `${text}!` } });
        const item = userMessage(text);
        await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [item]);
        expect((await store.listConversationItems(tenant, conversation.id))?.data).toEqual([item]);
      }
    });
  });
}
