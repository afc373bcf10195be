import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../items/ids.js';
import type { StateStore } from '../../store/state-store.js';
import { sampleConversationRecord, sampleResponseRecord, userMessage } from '../store-fixtures.js';
import { messages, newTenant } from './sample-items.js';
import { appendTo } from './store-shortcuts.js';

/** Item lists: after, limit, order, the default page and the limit clamped to 1..100. */
export function pagingCases(currentStore: () => StateStore): void {
  describe('paging', () => {
    let store: StateStore;
    beforeEach(() => {
      store = currentStore();
    });

    it("pages a response's items, newest first by default", async () => {
      const tenant = newTenant();
      const response = await store.createResponse(sampleResponseRecord(tenant));
      const input = messages(5);
      await appendTo(store, tenant, response.id, 'input', input);
      const ids = input.map((item) => item.id);

      expect(await store.listResponseItems(tenant, response.id, 'input'))
        .toEqual({ data: [...input].reverse(), firstId: ids[4], lastId: ids[0], hasMore: false });

      const first = await store.listResponseItems(tenant, response.id, 'input', { order: 'asc', limit: 2 });
      expect(first).toEqual({ data: input.slice(0, 2), firstId: ids[0], lastId: ids[1], hasMore: true });
      const second = await store.listResponseItems(tenant, response.id, 'input', { order: 'asc', limit: 2, after: ids[1] });
      expect(second).toEqual({ data: input.slice(2, 4), firstId: ids[2], lastId: ids[3], hasMore: true });
      const third = await store.listResponseItems(tenant, response.id, 'input', { order: 'asc', limit: 2, after: ids[3] });
      expect(third).toEqual({ data: input.slice(4), firstId: ids[4], lastId: ids[4], hasMore: false });

      const newest = await store.listResponseItems(tenant, response.id, 'input', { limit: 2, after: ids[3] });
      expect(newest).toEqual({ data: [input[2], input[1]], firstId: ids[2], lastId: ids[1], hasMore: true });

      expect(await store.listResponseItems(tenant, response.id, 'output'))
        .toEqual({ data: [], firstId: null, lastId: null, hasMore: false });
    });

    it("pages a conversation's items with after, limit and order", async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const items = messages(7);
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, items.slice(0, 4));
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, items.slice(4));
      const ids = items.map((item) => item.id);
      const list = (page: Parameters<StateStore['listConversationItems']>[2]) =>
        store.listConversationItems(tenant, conversation.id, page);

      expect(await list({ order: 'asc', limit: 3 })).toEqual({ data: items.slice(0, 3), firstId: ids[0], lastId: ids[2], hasMore: true });
      expect(await list({ order: 'asc', limit: 3, after: ids[2] })).toEqual({ data: items.slice(3, 6), firstId: ids[3], lastId: ids[5], hasMore: true });
      expect(await list({ order: 'asc', limit: 3, after: ids[5] })).toEqual({ data: items.slice(6), firstId: ids[6], lastId: ids[6], hasMore: false });
      expect(await list({ order: 'asc', limit: 3, after: ids[6] })).toEqual({ data: [], firstId: null, lastId: null, hasMore: false });

      const reversed = [...items].reverse();
      expect(await list({ order: 'desc', limit: 3 })).toEqual({ data: reversed.slice(0, 3), firstId: ids[6], lastId: ids[4], hasMore: true });
      expect(await list({ order: 'desc', limit: 3, after: ids[4] })).toEqual({ data: reversed.slice(3, 6), firstId: ids[3], lastId: ids[1], hasMore: true });
      expect(await list({ order: 'desc', limit: 3, after: ids[1] })).toEqual({ data: reversed.slice(6), firstId: ids[0], lastId: ids[0], hasMore: false });
      expect(await list({ order: 'desc', after: ids[0] })).toEqual({ data: [], firstId: null, lastId: null, hasMore: false });

      // An exact fit has nothing more.
      expect((await list({ order: 'asc', limit: 7 }))?.hasMore).toBe(false);
    });

    it('lists 20 items, newest first, when no page is given', async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const items = messages(25);
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, items);

      const page = await store.listConversationItems(tenant, conversation.id);
      expect(page?.data).toEqual([...items].reverse().slice(0, 20));
      expect(page?.hasMore).toBe(true);
      expect((await store.listConversationItems(tenant, conversation.id, { order: 'asc' }))?.data).toEqual(items.slice(0, 20));
    });

    it('clamps the limit to 1..100', async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const items = messages(105);
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, items);
      const list = (limit: number) => store.listConversationItems(tenant, conversation.id, { order: 'asc', limit });

      expect((await list(0))?.data).toEqual(items.slice(0, 1));
      expect((await list(-5))?.data).toEqual(items.slice(0, 1));
      const most = await list(1000);
      expect(most?.data).toEqual(items.slice(0, 100));
      expect(most?.hasMore).toBe(true);
    });

    it('yields every item once, in order, when paging through everything', async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const items = messages(23);
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, items);
      const ids = items.map((item) => item.id);

      for (const order of ['asc', 'desc'] as const) {
        const seen: string[] = [];
        let after: string | undefined;
        for (let pages = 0; pages < 10; pages += 1) {
          const page = await store.listConversationItems(tenant, conversation.id, { order, limit: 5, after });
          seen.push(...(page?.data ?? []).map((item) => item.id));
          if (!page?.hasMore) break;
          after = page.lastId ?? undefined;
        }
        expect(seen).toEqual(order === 'asc' ? ids : [...ids].reverse());
      }
    });

    it('gives an empty page after an id that is not in the list', async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const other = await store.createConversation(sampleConversationRecord(tenant));
      const elsewhere = userMessage('in the other conversation');
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, messages(3));
      await store.appendItems(tenant, { kind: 'conversation', conversationId: other.id }, [elsewhere]);

      const empty = { data: [], firstId: null, lastId: null, hasMore: false };
      expect(await store.listConversationItems(tenant, conversation.id, { after: newId('message') })).toEqual(empty);
      expect(await store.listConversationItems(tenant, conversation.id, { after: elsewhere.id, order: 'asc' })).toEqual(empty);
    });

    it('answers undefined when listing an unknown response or conversation', async () => {
      const tenant = newTenant();
      expect(await store.listResponseItems(tenant, newId('response'), 'input')).toBeUndefined();
      expect(await store.listConversationItems(tenant, newId('conversation'))).toBeUndefined();
    });
  });
}
