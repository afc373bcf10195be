import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../src/index.js';
import { openRawDatabase } from './raw-database.js';
import { conversationRecord, responseRecord, temporaryDirectory, textEvents, userMessage } from './store-fixtures.js';

const dir = temporaryDirectory('tenants');
afterAll(() => dir.remove());

describe('tenant isolation', () => {
  it('keeps the same ids apart in two tenants, on every read, and through deletes', async () => {
    const path = dir.file('tenants.db');
    const store = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
    const ids = { response: 'resp_shared', previous: 'resp_shared_previous', conversation: 'conv_shared', item: 'msg_shared' };

    // Each tenant stores objects under the very same ids, with its own content.
    const seen = new Map<string, unknown>();
    for (const tenant of ['tenant_a', 'tenant_b']) {
      const conversation = await store.createConversation(conversationRecord(tenant, { id: ids.conversation, metadata: { owner: tenant } }));
      const previous = await store.createResponse(responseRecord(tenant, { id: ids.previous, model: `model of ${tenant}` }));
      await store.appendItems(tenant, { kind: 'response', responseId: previous.id, role: 'input' }, [userMessage(`earlier ${tenant}`)]);
      const response = await store.createResponse(responseRecord(tenant, {
        id: ids.response, model: `model of ${tenant}`, previousResponseId: ids.previous, conversationId: conversation.id,
      }));
      await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'input' }, [userMessage(`secret of ${tenant}`, ids.item)]);
      await store.appendEvents(tenant, response.id, [{ ...textEvents(0, 1)[0]!, data: { owner: tenant } }]);
      seen.set(tenant, { conversation, response });
    }

    for (const tenant of ['tenant_a', 'tenant_b']) {
      expect((await store.getResponse(tenant, ids.response))?.model).toBe(`model of ${tenant}`);
      expect((await store.getConversation(tenant, ids.conversation))?.metadata).toEqual({ owner: tenant });
      expect(await store.getConversationItem(tenant, ids.conversation, ids.item)).toEqual(userMessage(`secret of ${tenant}`, ids.item));
      expect((await store.listResponseItems(tenant, ids.response, 'input'))?.data).toEqual([userMessage(`secret of ${tenant}`, ids.item)]);
      expect((await store.listConversationItems(tenant, ids.conversation))?.data).toEqual([userMessage(`secret of ${tenant}`, ids.item)]);
      expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: ids.response }))
        .toEqual([expect.objectContaining({ content: [{ type: 'input_text', text: `earlier ${tenant}` }] }), userMessage(`secret of ${tenant}`, ids.item)]);
      expect(await store.loadHistory(tenant, { kind: 'conversation', conversationId: ids.conversation }))
        .toEqual([userMessage(`secret of ${tenant}`, ids.item)]);
      expect((await store.readEvents(tenant, ids.response))?.map((event) => event.data)).toEqual([{ owner: tenant }]);
    }

    // Deleting everything of one tenant leaves the other's untouched.
    expect(await store.deleteConversationItem('tenant_a', ids.conversation, ids.item)).toBe(true);
    expect(await store.deleteResponse('tenant_a', ids.response)).toBe(true);
    expect(await store.deleteConversation('tenant_a', ids.conversation)).toBe(true);
    expect(await store.getResponse('tenant_a', ids.response)).toBeUndefined();
    expect(await store.getResponse('tenant_b', ids.response)).toEqual((seen.get('tenant_b') as { response: unknown }).response);
    expect(await store.getConversationItem('tenant_b', ids.conversation, ids.item)).toEqual(userMessage('secret of tenant_b', ids.item));
    expect((await store.readEvents('tenant_b', ids.response))?.map((event) => event.data)).toEqual([{ owner: 'tenant_b' }]);
    await store.close();

    const raw = await openRawDatabase(path);
    expect(await raw.all('select tenant, id from items order by tenant, id')).toEqual([
      { tenant: 'tenant_a', id: expect.stringMatching(/^msg_/) },
      { tenant: 'tenant_b', id: expect.stringMatching(/^msg_/) },
      { tenant: 'tenant_b', id: ids.item },
    ]);
    await raw.close();
  });

  it('answers a tenant with no objects at all like one without that object', async () => {
    const store = await SqliteStateStore.open({ path: ':memory:', purgeIntervalSeconds: 0 });
    const owner = await store.createResponse(responseRecord('owner'));
    for (const stranger of ['stranger', '', 'OWNER', "owner' or '1'='1"]) {
      expect(await store.getResponse(stranger, owner.id)).toBeUndefined();
      expect(await store.loadHistory(stranger, { kind: 'previous_response', responseId: owner.id })).toBeUndefined();
      expect(await store.readEvents(stranger, owner.id)).toBeUndefined();
    }
    await store.close();
  });
});
