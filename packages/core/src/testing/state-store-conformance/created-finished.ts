import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../items/ids.js';
import type { StateStore } from '../../store/state-store.js';
import { assistantMessage, nowSeconds, sampleConversationRecord, sampleResponseRecord, textDeltaEvents, userMessage } from '../store-fixtures.js';
import { functionCall, functionCallOutput, newTenant, reasoning } from './sample-items.js';
import { appendTo, idsOf, snapshot, withTenant } from './store-shortcuts.js';

/** createResponse(record, input) and finishResponse store what the step-by-step calls store, or nothing. */
export function createdFinishedCases(currentStore: () => StateStore): void {
  describe('creating and finishing a response in one call', () => {
    let store: StateStore;
    beforeEach(() => {
      store = currentStore();
    });

    it('stores with createResponse(record, input) what createResponse then appendItems store', async () => {
      const [combined, separate] = [newTenant(), newTenant()];
      const ids = { response: newId('response'), conversation: newId('conversation') };
      const earlier = userMessage('said before');
      const input = [userMessage('question'), functionCallOutput(newId('call'), 'result')];
      for (const tenant of [combined, separate]) {
        // One creation time for both: two clock reads may fall on either side of a second.
        await store.createConversation(sampleConversationRecord(tenant, { id: ids.conversation, createdAt: 1000 }));
        await store.appendItems(tenant, { kind: 'conversation', conversationId: ids.conversation }, [earlier]);
      }

      const record = (tenant: string) => sampleResponseRecord(tenant, { id: ids.response, conversationId: ids.conversation, createdAt: 1000 });
      const created = await store.createResponse(record(combined), input);
      expect(created).toEqual({ ...record(combined), completedAt: null });
      await store.createResponse(record(separate));
      await store.appendItems(separate, { kind: 'response', responseId: ids.response, role: 'input', conversationId: ids.conversation }, input);

      const seen = await snapshot(store, combined, ids.response, ids.conversation);
      expect(seen.input?.data).toEqual(input);
      expect(seen.conversationItems?.data).toEqual([earlier, ...input]);
      expect(withTenant(seen, 'same')).toEqual(withTenant(await snapshot(store, separate, ids.response, ids.conversation), 'same'));

      // No items, or an empty list, is a plain create.
      const bare = await store.createResponse(sampleResponseRecord(combined), []);
      expect((await store.listResponseItems(combined, bare.id, 'input'))?.data).toEqual([]);
    });

    it('stores with finishResponse what appendItems, appendEvents and updateResponse store', async () => {
      const [combined, separate] = [newTenant(), newTenant()];
      const ids = { response: newId('response'), conversation: newId('conversation') };
      const input = [userMessage('question')];
      const firstStep = [functionCall('lookup')];
      const lastStep = [reasoning('thinking'), assistantMessage('answer')];
      const patch = { status: 'completed' as const, usage: { total_tokens: 12 }, completedAt: 2000 };
      for (const tenant of [combined, separate]) {
        // One creation time for both: two clock reads may fall on either side of a second.
        await store.createConversation(sampleConversationRecord(tenant, { id: ids.conversation, createdAt: 1000 }));
        await store.createResponse(sampleResponseRecord(tenant, { id: ids.response, conversationId: ids.conversation, createdAt: 1000 }), input);
        // A step flushed before the end, as a running response does.
        await appendTo(store, tenant, ids.response, 'output', firstStep);
        await store.appendEvents(tenant, ids.response, textDeltaEvents(0, 3));
      }

      const finished = await store.finishResponse(combined, ids.response, { items: lastStep, events: textDeltaEvents(3, 2), patch });
      await appendTo(store, separate, ids.response, 'output', lastStep);
      await store.appendEvents(separate, ids.response, textDeltaEvents(3, 2));
      const updated = await store.updateResponse(separate, ids.response, patch);

      expect(finished).toMatchObject({ id: ids.response, tenant: combined, ...patch });
      expect(withTenant(finished, 'same')).toEqual(withTenant(updated, 'same'));
      const seen = await snapshot(store, combined, ids.response, ids.conversation);
      expect(seen.response).toEqual(finished);
      expect(seen.output?.data).toEqual([...firstStep, ...lastStep]);
      expect(seen.events).toEqual(textDeltaEvents(0, 5));
      expect(seen.history).toEqual([...input, ...firstStep, ...lastStep]);
      expect(seen.conversationItems?.data).toEqual([...input, ...firstStep, ...lastStep]);
      expect(withTenant(seen, 'same')).toEqual(withTenant(await snapshot(store, separate, ids.response, ids.conversation), 'same'));

      // Nothing to append: only the patch.
      const again = await store.finishResponse(combined, ids.response, { items: [], events: [], patch: { metadata: { k: 'v' } } });
      expect(again).toEqual({ ...finished, metadata: { k: 'v' } });
    });

    it('writes nothing when createResponse or finishResponse is refused', async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const taken = userMessage('already stored');
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [taken]);

      const refused = sampleResponseRecord(tenant, { conversationId: conversation.id });
      await expect(store.createResponse(refused, [userMessage('new'), taken])).rejects.toMatchObject({ code: 'conflict' });
      const twice = userMessage('twice');
      await expect(store.createResponse(refused, [twice, twice])).rejects.toMatchObject({ code: 'conflict' });
      expect(await store.getResponse(tenant, refused.id)).toBeUndefined();
      expect(await idsOf(store, tenant, conversation.id)).toEqual([taken.id]);

      const response = await store.createResponse(sampleResponseRecord(tenant, { conversationId: conversation.id }), [userMessage('q')]);
      await store.appendEvents(tenant, response.id, textDeltaEvents(0, 3));
      const before = await snapshot(store, tenant, response.id, conversation.id);
      const patch = { status: 'completed' as const, completedAt: nowSeconds() };
      await expect(store.finishResponse(tenant, response.id, { items: [assistantMessage('a')], events: textDeltaEvents(2, 1), patch }))
        .rejects.toMatchObject({ code: 'conflict' });
      await expect(store.finishResponse(tenant, response.id, { items: [assistantMessage('a'), taken], events: textDeltaEvents(3, 1), patch }))
        .rejects.toMatchObject({ code: 'conflict' });
      expect(await snapshot(store, tenant, response.id, conversation.id)).toEqual(before);

      // An unknown response: undefined, and the items were not stored (their ids are still free).
      const items = [assistantMessage('orphan')];
      expect(await store.finishResponse(tenant, newId('response'), { items, events: textDeltaEvents(0, 1), patch })).toBeUndefined();
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, items);
      expect(await idsOf(store, tenant, conversation.id)).toEqual([...before.conversationItems!.data.map((item) => item.id), items[0]!.id]);
    });

    it("keeps each tenant's responses apart", async () => {
      const owner = newTenant();
      const intruder = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(owner));
      const response = await store.createResponse(sampleResponseRecord(owner, { conversationId: conversation.id }), [userMessage('private')]);
      await store.appendEvents(owner, response.id, textDeltaEvents(0, 2));
      const before = await snapshot(store, owner, response.id, conversation.id);

      const patch = { status: 'failed' as const, metadata: { taken: 'yes' } };
      expect(await store.finishResponse(intruder, response.id, { items: [assistantMessage('x')], events: textDeltaEvents(2, 1), patch }))
        .toBeUndefined();
      // A response that names another tenant's conversation never writes to it.
      const squatter = await store.createResponse(sampleResponseRecord(intruder, { conversationId: conversation.id }), [userMessage('x')]);
      await store.finishResponse(intruder, squatter.id, { items: [assistantMessage('y')], events: [], patch }).catch(() => undefined);

      expect(await snapshot(store, owner, response.id, conversation.id)).toEqual(before);
      expect(await store.readEvents(intruder, response.id)).toBeUndefined();
    });
  });
}
