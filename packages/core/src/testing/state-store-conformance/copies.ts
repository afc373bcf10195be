import { beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../../store/state-store.js';
import { sampleConversationRecord, sampleResponseRecord, textDeltaEvents, userMessage } from '../store-fixtures.js';
import { newTenant, setText } from './sample-items.js';

/** Mutating an object passed in or returned never changes what is stored. */
export function copyCases(currentStore: () => StateStore): void {
  describe('copies', () => {
    let store: StateStore;
    beforeEach(() => {
      store = currentStore();
    });

    it('keeps stored data unchanged when objects passed in or returned are mutated', async () => {
      const tenant = newTenant();
      const record = sampleResponseRecord(tenant, { request: { nested: { value: 1 } }, metadata: { k: 'v' } });
      const created = await store.createResponse(record);
      const expected = structuredClone(created);
      (record.request.nested as { value: number }).value = 2;
      record.metadata['k'] = 'changed';
      created.metadata['k'] = 'changed';
      const read = await store.getResponse(tenant, created.id);
      read!.status = 'failed';
      const usage = { total_tokens: 3 };
      const updated = await store.updateResponse(tenant, created.id, { usage });
      usage.total_tokens = 99;
      updated!.metadata['k'] = 'changed';
      expect(await store.getResponse(tenant, created.id)).toEqual({ ...expected, usage: { total_tokens: 3 } });

      const metadata = { topic: 'a' };
      const conversation = await store.createConversation({ ...sampleConversationRecord(tenant), metadata });
      metadata.topic = 'changed';
      conversation.metadata['topic'] = 'changed';
      const newMetadata = { topic: 'b' };
      await store.updateConversation(tenant, conversation.id, newMetadata);
      newMetadata.topic = 'changed';
      expect((await store.getConversation(tenant, conversation.id))?.metadata).toEqual({ topic: 'b' });

      const item = userMessage('original');
      await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [item]);
      setText(item, 'changed by the caller');
      setText((await store.listConversationItems(tenant, conversation.id))!.data[0]!, 'changed');
      setText((await store.loadHistory(tenant, { kind: 'conversation', conversationId: conversation.id }))![0]!, 'changed');
      setText((await store.getConversationItem(tenant, conversation.id, item.id))!, 'changed');
      expect(await store.getConversationItem(tenant, conversation.id, item.id))
        .toEqual({ ...item, content: [{ type: 'input_text', text: 'original' }] });

      const appended = textDeltaEvents(0, 1);
      await store.appendEvents(tenant, created.id, appended);
      appended[0]!.data['changed'] = true;
      (await store.readEvents(tenant, created.id))![0]!.data['changed'] = true;
      expect(await store.readEvents(tenant, created.id)).toEqual(textDeltaEvents(0, 1));
    });
  });
}
