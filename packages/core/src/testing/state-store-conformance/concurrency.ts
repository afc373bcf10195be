import { beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../../store/state-store.js';
import { sampleConversationRecord, sampleResponseRecord } from '../store-fixtures.js';
import { newTenant, twoItems } from './sample-items.js';

/** Appends that run at once lose nothing. */
export function concurrencyCases(currentStore: () => StateStore): void {
  describe('concurrency', () => {
    let store: StateStore;
    beforeEach(() => {
      store = currentStore();
    });

    it('loses nothing when 50 appends to one conversation run at once', async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const responses = await Promise.all(
        Array.from({ length: 25 }, () => store.createResponse(sampleResponseRecord(tenant, { conversationId: conversation.id }))),
      );
      // Half the batches go to the conversation directly, half through a response in it.
      const direct = Array.from({ length: 25 }, (_, b) => twoItems(`direct ${b}`));
      const viaResponse = responses.map((response, b) => ({ response, batch: twoItems(`response ${b}`) }));
      await Promise.all([
        ...direct.map((batch) => store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, batch)),
        ...viaResponse.map(({ response, batch }) =>
          store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'output' }, batch)),
      ]);
      const batches = [...direct, ...viaResponse.map(({ batch }) => batch)];

      const page = await store.listConversationItems(tenant, conversation.id, { order: 'asc', limit: 100 });
      const listed = page?.data.map((item) => item.id) ?? [];
      expect(page?.hasMore).toBe(false);
      expect(listed).toHaveLength(100);
      expect(new Set(listed).size).toBe(100);
      for (const [first, second] of batches) {
        const at = listed.indexOf(first.id);
        expect(at).toBeGreaterThanOrEqual(0);
        expect(listed[at + 1]).toBe(second.id);
      }
      const history = await store.loadHistory(tenant, { kind: 'conversation', conversationId: conversation.id });
      expect(history?.map((item) => item.id)).toEqual(listed);
      for (const { response, batch } of viaResponse) {
        expect((await store.listResponseItems(tenant, response.id, 'output', { order: 'asc' }))?.data).toEqual(batch);
      }
    });
  });
}
