import { beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../../store/state-store.js';
import type { SpanRecord } from '../../tracing/span-record.js';
import { sampleConversationRecord, sampleResponseRecord, textDeltaEvents } from '../store-fixtures.js';
import { messages, newTenant } from './sample-items.js';

/** What the trace viewer reads: a tenant's responses and conversations, newest first, and each response's trace. */
export function traceViewerReadCases(currentStore: () => StateStore): void {
  describe('trace viewer reads', () => {
    let store: StateStore;
    beforeEach(() => {
      store = currentStore();
    });

    it("lists a tenant's responses newest first, page by page, and only that tenant's", async () => {
      const tenant = newTenant();
      const conversation = await store.createConversation(sampleConversationRecord(tenant));
      const ids: string[] = [];
      for (let index = 0; index < 5; index += 1) {
        const record = sampleResponseRecord(tenant, { conversationId: index % 2 === 0 ? conversation.id : null });
        ids.push((await store.createResponse(record)).id);
      }
      await store.createResponse(sampleResponseRecord(newTenant()));
      const newest = [...ids].reverse();

      const first = await store.listResponses(tenant, { limit: 2 });
      expect(first.data.map((response) => response.id)).toEqual(newest.slice(0, 2));
      expect(first).toMatchObject({ firstId: newest[0], lastId: newest[1], hasMore: true });
      const rest = await store.listResponses(tenant, { after: newest[1] });
      expect(rest.data.map((response) => response.id)).toEqual(newest.slice(2));
      expect(rest.hasMore).toBe(false);
      expect(rest.data[0]).toEqual(await store.getResponse(tenant, newest[2]!));

      const inConversation = await store.listResponses(tenant, { conversationId: conversation.id });
      expect(inConversation.data.map((response) => response.id)).toEqual([ids[4], ids[2], ids[0]]);
      expect((await store.listResponses(tenant, { after: 'resp_unknown' })).data).toEqual([]);
      expect((await store.listResponses(newTenant())).data).toEqual([]);
    });

    it("lists a tenant's conversations newest first", async () => {
      const tenant = newTenant();
      const ids = [];
      for (let index = 0; index < 3; index += 1) ids.push((await store.createConversation(sampleConversationRecord(tenant))).id);
      await store.createConversation(sampleConversationRecord(newTenant()));

      const page = await store.listConversations(tenant, { limit: 2 });
      expect(page.data.map((conversation) => conversation.id)).toEqual([ids[2], ids[1]]);
      expect(page.hasMore).toBe(true);
      expect((await store.listConversations(tenant, { after: ids[1] })).data.map((conversation) => conversation.id)).toEqual([ids[0]]);
    });

    it("keeps a response's spans as written, each replaced by its id, and only for its tenant", async () => {
      const tenant = newTenant();
      const response = await store.createResponse(sampleResponseRecord(tenant));
      expect(await store.readTrace(tenant, response.id)).toEqual([]);

      const root = span('s1', null, false);
      const firstCall = span('s2', 's1', true);
      expect(await store.checkpointResponse(tenant, response.id, { items: messages(1), events: textDeltaEvents(0, 2), spans: [root, firstCall] })).toBe(true);
      expect(await store.readTrace(tenant, response.id)).toEqual([root, firstCall]);
      // Progress without spans leaves them as they are.
      await store.checkpointResponse(tenant, response.id, { items: [], events: textDeltaEvents(2, 1) });
      expect(await store.readTrace(tenant, response.id)).toEqual([root, firstCall]);

      // The open root again, longer, and a new span: the root keeps its place, the new one goes last.
      const rootLater = { ...root, durationMs: 40 };
      const tool = span('s3', 's1', true);
      await store.checkpointResponse(tenant, response.id, { items: [], events: textDeltaEvents(3, 1), spans: [rootLater, tool] });
      expect(await store.readTrace(tenant, response.id)).toEqual([rootLater, firstCall, tool]);
      const rootEnded = span('s1', null, true);
      await store.finishResponse(tenant, response.id, { items: [], events: [], spans: [rootEnded], patch: { status: 'completed' } });
      expect(await store.readTrace(tenant, response.id)).toEqual([rootEnded, firstCall, tool]);

      expect(await store.readTrace(newTenant(), response.id)).toBeUndefined();
      expect(await store.readTrace(tenant, 'resp_unknown')).toBeUndefined();
      await store.deleteResponse(tenant, response.id);
      expect(await store.readTrace(tenant, response.id)).toBeUndefined();
    });
  });
}

function span(id: string, parentId: string | null, ended: boolean): SpanRecord {
  return {
    id, parentId, name: parentId ? 'chat test-model' : 'invoke_agent test', kind: parentId ? 'client' : 'server',
    startedAt: 1_765_000_000_123, durationMs: 12.5, ended,
    attributes: { 'gen_ai.usage.input_tokens': 12, 'gen_ai.response.finish_reasons': ['stop'], 'gen_ai.request.stream': true },
    error: ended ? null : { code: 'cancelled', message: 'the run was "cancelled"' },
  };
}
