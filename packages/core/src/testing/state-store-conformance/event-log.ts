import { beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../items/ids.js';
import type { StateStore } from '../../store/state-store.js';
import { assistantMessage, sampleResponseRecord, textDeltaEvents } from '../store-fixtures.js';
import { newTenant } from './sample-items.js';

/** A response's stored stream events: append, read, dropped with the response. */
export function eventLogCases(currentStore: () => StateStore): void {
  describe('event log', () => {
    let store: StateStore;
    beforeEach(() => {
      store = currentStore();
    });

    it("appends and reads a response's events", async () => {
      const tenant = newTenant();
      const response = await store.createResponse(sampleResponseRecord(tenant));
      const other = await store.createResponse(sampleResponseRecord(tenant));
      expect(await store.readEvents(tenant, response.id)).toEqual([]);

      const all = textDeltaEvents(0, 6);
      await store.appendEvents(tenant, response.id, all.slice(0, 3));
      await store.appendEvents(tenant, response.id, all.slice(3, 4));
      await store.appendEvents(tenant, other.id, textDeltaEvents(0, 2));
      await store.appendEvents(tenant, response.id, all.slice(4));

      expect(await store.readEvents(tenant, response.id)).toEqual(all);
      expect(await store.readEvents(tenant, response.id, 2)).toEqual(all.slice(3));
      // `after` in the middle of what one append wrote.
      expect(await store.readEvents(tenant, response.id, 1)).toEqual(all.slice(2));
      expect(await store.readEvents(tenant, response.id, 4)).toEqual(all.slice(5));
      expect(await store.readEvents(tenant, response.id, 5)).toEqual([]);
      expect(await store.readEvents(tenant, other.id)).toEqual(textDeltaEvents(0, 2));
    });

    it('keeps a long append (a step of thousands of deltas) whole and in order', async () => {
      const tenant = newTenant();
      const response = await store.createResponse(sampleResponseRecord(tenant));
      const all = textDeltaEvents(0, 1_234);
      await store.appendEvents(tenant, response.id, all.slice(0, 1_200));
      await store.appendEvents(tenant, response.id, all.slice(1_200));

      expect(await store.readEvents(tenant, response.id)).toEqual(all);
      expect(await store.readEvents(tenant, response.id, 777)).toEqual(all.slice(778));
      await expect(store.appendEvents(tenant, response.id, textDeltaEvents(1_000, 1)))
        .rejects.toMatchObject({ code: 'conflict' });
    });

    it('truncates the log after a sequence number, inside one append too, and appends on from there', async () => {
      const tenant = newTenant();
      const response = await store.createResponse(sampleResponseRecord(tenant));
      const all = textDeltaEvents(0, 300);
      await store.appendEvents(tenant, response.id, all);
      await store.truncateEvents(tenant, response.id, 150);
      expect(await store.readEvents(tenant, response.id)).toEqual(all.slice(0, 151));
      // The numbers past the cut are free again: a resumed run tells that part anew.
      const retold = textDeltaEvents(151, 3);
      await store.appendEvents(tenant, response.id, retold);
      expect(await store.readEvents(tenant, response.id, 149)).toEqual([...all.slice(150, 151), ...retold]);
      await store.truncateEvents(tenant, response.id, 1_000);
      expect(await store.readEvents(tenant, response.id)).toHaveLength(154);
    });

    it('checkpoints items and events in one write, leaving the state as it was', async () => {
      const tenant = newTenant();
      const response = await store.createResponse(sampleResponseRecord(tenant, { status: 'in_progress' }));
      const item = assistantMessage('step one');
      expect(await store.checkpointResponse(tenant, response.id, { items: [item], events: textDeltaEvents(0, 2) })).toBe(true);
      expect((await store.listResponseItems(tenant, response.id, 'output'))?.data).toEqual([item]);
      expect(await store.readEvents(tenant, response.id)).toEqual(textDeltaEvents(0, 2));
      expect((await store.getResponse(tenant, response.id))?.status).toBe('in_progress');
      // Events that do not follow refuse the whole checkpoint: the item is not stored either.
      await expect(store.checkpointResponse(tenant, response.id, { items: [assistantMessage('late')], events: textDeltaEvents(0, 1) }))
        .rejects.toMatchObject({ code: 'conflict' });
      expect((await store.listResponseItems(tenant, response.id, 'output'))?.data).toEqual([item]);
      expect(await store.checkpointResponse(tenant, newId('response'), { items: [], events: [] })).toBe(false);
    });

    it('answers undefined for an unknown response and drops the log with its response', async () => {
      const tenant = newTenant();
      expect(await store.readEvents(tenant, newId('response'))).toBeUndefined();
      await expect(store.appendEvents(tenant, newId('response'), textDeltaEvents(0, 1)))
        .rejects.toMatchObject({ code: 'response_not_found' });

      const response = await store.createResponse(sampleResponseRecord(tenant));
      await store.appendEvents(tenant, response.id, textDeltaEvents(0, 2));
      await store.deleteResponse(tenant, response.id);
      expect(await store.readEvents(tenant, response.id)).toBeUndefined();
    });
  });
}
