import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../items/ids.js';
import type { StateStore } from '../../store/state-store.js';
import { nowSeconds, sampleResponseRecord, textDeltaEvents, userMessage } from '../store-fixtures.js';
import { newTenant, reasoning } from './sample-items.js';

/** Response records: create, read back, update, delete, and a taken id refused. */
export function responseCases(currentStore: () => StateStore): void {
  describe('responses', () => {
    let store: StateStore;
    beforeEach(() => {
      store = currentStore();
    });

    it('reads a created response back as it was created', async () => {
      const tenant = newTenant();
      const record = sampleResponseRecord(tenant, { metadata: { topic: 'tests' }, background: true, expiresAt: nowSeconds() + 3600 });
      const created = await store.createResponse(record);
      expect(created).toEqual({ ...record, completedAt: null });
      expect(await store.getResponse(tenant, record.id)).toEqual(created);

      const finished = sampleResponseRecord(tenant, { status: 'completed', completedAt: nowSeconds() });
      expect(await store.createResponse(finished)).toEqual(finished);
      expect(await store.getResponse(tenant, finished.id)).toEqual(finished);
    });

    it('round-trips the JSON of the request', async () => {
      const tenant = newTenant();
      const request = {
        model: 'test-model',
        instructions: 'Answer in one word.',
        input: [{ role: 'user', content: 'héllo ✓ "quoted" \\ back\nslash 🙂' }],
        tools: [{ type: 'function', name: 'lookup', strict: true, parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } }],
        temperature: 0.25,
        max_output_tokens: 1024,
        parallel_tool_calls: false,
        reasoning: null,
        nested: { deep: [[1, 2], [3, { x: null, y: true }]], empty: {}, none: [] },
        largest_safe_integer: Number.MAX_SAFE_INTEGER,
        negative: -1.5,
      };
      const record = sampleResponseRecord(tenant, { request });
      await store.createResponse(record);
      expect((await store.getResponse(tenant, record.id))?.request).toEqual(request);
    });

    it('updates a response and returns the new record', async () => {
      const tenant = newTenant();
      const created = await store.createResponse(sampleResponseRecord(tenant, { status: 'queued', metadata: { a: '1' } }));

      const running = await store.updateResponse(tenant, created.id, { status: 'in_progress' });
      expect(running).toEqual({ ...created, status: 'in_progress' });

      const usage = { input_tokens: 12, output_tokens: 34, total_tokens: 46, output_tokens_details: { reasoning_tokens: 5 } };
      const completedAt = nowSeconds();
      const done = await store.updateResponse(tenant, created.id, { status: 'completed', usage, completedAt, metadata: { b: '2' } });
      expect(done).toEqual({ ...created, status: 'completed', usage, completedAt, metadata: { b: '2' } });
      expect(await store.getResponse(tenant, created.id)).toEqual(done);
    });

    it('round-trips an error, incomplete details and an expiry through an update', async () => {
      const tenant = newTenant();
      const created = await store.createResponse(sampleResponseRecord(tenant, { expiresAt: nowSeconds() + 60 }));

      const failed = await store.updateResponse(tenant, created.id, {
        status: 'failed', error: { code: 'server_error', message: 'the model went away' }, completedAt: nowSeconds(), expiresAt: null,
      });
      expect(failed?.status).toBe('failed');
      expect(failed?.error).toEqual({ code: 'server_error', message: 'the model went away' });
      expect(failed?.expiresAt).toBeNull();
      expect(await store.getResponse(tenant, created.id)).toEqual(failed);

      const other = await store.createResponse(sampleResponseRecord(tenant));
      const incomplete = await store.updateResponse(tenant, other.id, {
        status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' },
      });
      expect(incomplete).toEqual({ ...other, status: 'incomplete', incompleteDetails: { reason: 'max_output_tokens' } });
      expect(await store.getResponse(tenant, other.id)).toEqual(incomplete);
    });

    it('answers undefined when updating an unknown response', async () => {
      expect(await store.updateResponse(newTenant(), newId('response'), { status: 'completed' })).toBeUndefined();
    });

    it('deletes a response with its items and events', async () => {
      const tenant = newTenant();
      const created = await store.createResponse(sampleResponseRecord(tenant));
      const question = userMessage('hi');
      await store.appendItems(tenant, { kind: 'response', responseId: created.id, role: 'input' }, [question]);
      await store.appendEvents(tenant, created.id, textDeltaEvents(0, 2));

      expect(await store.deleteResponse(tenant, created.id)).toBe(true);
      expect(await store.getResponse(tenant, created.id)).toBeUndefined();
      expect(await store.listResponseItems(tenant, created.id, 'input')).toBeUndefined();
      expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: created.id })).toBeUndefined();
      expect(await store.readEvents(tenant, created.id)).toBeUndefined();
      expect(await store.deleteResponse(tenant, created.id)).toBe(false);

      // Its item is gone for good, so its id is free again.
      const next = await store.createResponse(sampleResponseRecord(tenant));
      await store.appendItems(tenant, { kind: 'response', responseId: next.id, role: 'input' }, [question]);
      expect((await store.listResponseItems(tenant, next.id, 'input'))?.data).toEqual([question]);
    });

    it('refuses a response id that is taken', async () => {
      const tenant = newTenant();
      const first = await store.createResponse(sampleResponseRecord(tenant, { model: 'first' }));
      await expect(store.createResponse(sampleResponseRecord(tenant, { id: first.id, model: 'second' })))
        .rejects.toMatchObject({ code: 'conflict' });
      expect(await store.getResponse(tenant, first.id)).toEqual(first);
    });
  });
}
