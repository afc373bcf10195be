import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../items/ids.js';
import type { FunctionCallItem, FunctionCallOutputItem, Item, MessageItem, ReasoningItem } from '../items/item.js';
import type { StateStore } from '../store/state-store.js';
import { assistantMessage, nowSeconds, sampleConversationRecord, sampleResponseRecord, textDeltaEvents, userMessage } from './store-fixtures.js';

export interface StateStoreConformanceOptions {
  /** Runs after each case, once the store is closed (e.g. to remove a database file). */
  cleanup?: (store: StateStore) => Promise<void>;
}

/**
 * Declares the cases every `StateStore` must pass, in a vitest `describe` block. `makeStore` is
 * called before each case; each case uses its own tenants and ids, so a store may be shared.
 */
export function runStateStoreConformance(
  name: string,
  makeStore: () => Promise<StateStore> | StateStore,
  options: StateStoreConformanceOptions = {},
): void {
  describe(`StateStore conformance: ${name}`, () => {
    let store: StateStore;

    beforeEach(async () => {
      store = await makeStore();
    });

    afterEach(async () => {
      await store.close();
      await options.cleanup?.(store);
    });

    describe('responses', () => {
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

    describe('items', () => {
      it("lists a response's input and output items in append order", async () => {
        const tenant = newTenant();
        const response = await store.createResponse(sampleResponseRecord(tenant));
        const input = [userMessage('one'), userMessage('two'), userMessage('three')];
        const output = [reasoning('thinking'), functionCall('lookup'), assistantMessage('done')];
        await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'input' }, input.slice(0, 2));
        await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'output' }, output.slice(0, 1));
        await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'input' }, input.slice(2));
        await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'output' }, output.slice(1));

        expect((await store.listResponseItems(tenant, response.id, 'input', { order: 'asc' }))?.data).toEqual(input);
        expect((await store.listResponseItems(tenant, response.id, 'output', { order: 'asc' }))?.data).toEqual(output);
      });

      it('round-trips every item type', async () => {
        const tenant = newTenant();
        const conversation = await store.createConversation(sampleConversationRecord(tenant));
        const items = everyItemType();
        await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, items);
        expect((await store.listConversationItems(tenant, conversation.id, { order: 'asc', limit: 100 }))?.data).toEqual(items);
      });

      it('stores an item of a response in a conversation once, listed in both', async () => {
        const tenant = newTenant();
        const conversation = await store.createConversation(sampleConversationRecord(tenant));
        const response = await store.createResponse(sampleResponseRecord(tenant, { conversationId: conversation.id }));
        const question = userMessage('question');
        const answer = assistantMessage('answer');
        await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'input' }, [question]);
        await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'output', conversationId: conversation.id }, [answer]);

        expect((await store.listConversationItems(tenant, conversation.id, { order: 'asc' }))?.data).toEqual([question, answer]);
        expect((await store.listResponseItems(tenant, response.id, 'input'))?.data).toEqual([question]);
        expect((await store.listResponseItems(tenant, response.id, 'output'))?.data).toEqual([answer]);
        expect(await store.getConversationItem(tenant, conversation.id, answer.id)).toEqual(answer);

        // The item is stored once: appending it again, anywhere, is refused.
        await expect(store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [question]))
          .rejects.toMatchObject({ code: 'conflict' });
        expect(await idsOf(store, tenant, conversation.id)).toEqual([question.id, answer.id]);
      });

      it('refuses an item id already stored, and the whole batch with it', async () => {
        const tenant = newTenant();
        const conversation = await store.createConversation(sampleConversationRecord(tenant));
        const response = await store.createResponse(sampleResponseRecord(tenant));
        const [a, b, c] = [userMessage('a'), userMessage('b'), userMessage('c')];
        await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [a, b]);

        await expect(store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [c, a]))
          .rejects.toMatchObject({ code: 'conflict' });
        await expect(store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [c, c]))
          .rejects.toMatchObject({ code: 'conflict' });
        await expect(store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'input' }, [c, b]))
          .rejects.toMatchObject({ code: 'conflict' });
        expect(await idsOf(store, tenant, conversation.id)).toEqual([a.id, b.id]);
        expect((await store.listResponseItems(tenant, response.id, 'input'))?.data).toEqual([]);

        // Nothing of a refused batch was kept, so its new item can still be appended.
        await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [c]);
        expect(await idsOf(store, tenant, conversation.id)).toEqual([a.id, b.id, c.id]);
      });

      it('throws NotFoundError when appending to an unknown target', async () => {
        const tenant = newTenant();
        await expect(store.appendItems(tenant, { kind: 'response', responseId: newId('response'), role: 'input' }, [userMessage('x')]))
          .rejects.toMatchObject({ code: 'response_not_found' });
        await expect(store.appendItems(tenant, { kind: 'conversation', conversationId: newId('conversation') }, [userMessage('x')]))
          .rejects.toMatchObject({ code: 'conversation_not_found' });
      });

      it('keeps appending to a response whose conversation was deleted', async () => {
        const tenant = newTenant();
        const conversation = await store.createConversation(sampleConversationRecord(tenant));
        const response = await store.createResponse(sampleResponseRecord(tenant, { conversationId: conversation.id }));
        await store.deleteConversation(tenant, conversation.id);

        const answer = assistantMessage('still here');
        await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'output' }, [answer]);
        expect((await store.listResponseItems(tenant, response.id, 'output'))?.data).toEqual([answer]);
        expect(await store.getConversation(tenant, conversation.id)).toBeUndefined();
      });
    });

    describe('history', () => {
      it('walks previous_response_id, oldest first, each input then output', async () => {
        const tenant = newTenant();
        const r1 = await store.createResponse(sampleResponseRecord(tenant, { request: { instructions: 'You are terse.' } }));
        const u1 = userMessage('weather in Paris?');
        const rs1 = reasoning('need the tool');
        const fc1 = functionCall('get_weather');
        await appendTo(store, tenant, r1.id, 'input', [u1]);
        await appendTo(store, tenant, r1.id, 'output', [rs1, fc1]);

        const r2 = await store.createResponse(sampleResponseRecord(tenant, { previousResponseId: r1.id, request: { instructions: 'You are terse.' } }));
        const fco1 = functionCallOutput(fc1.call_id, '{"celsius":21}');
        const a2 = assistantMessage('21 °C');
        // Output appended before input: the history still puts a response's input first.
        await appendTo(store, tenant, r2.id, 'output', [a2]);
        await appendTo(store, tenant, r2.id, 'input', [fco1]);

        const r3 = await store.createResponse(sampleResponseRecord(tenant, { previousResponseId: r2.id }));
        const u3 = userMessage('and tomorrow?');
        const a3 = assistantMessage('rain');
        await appendTo(store, tenant, r3.id, 'input', [u3]);
        await appendTo(store, tenant, r3.id, 'output', [a3]);

        const r4 = await store.createResponse(sampleResponseRecord(tenant, { previousResponseId: r3.id }));
        const u4 = userMessage('thanks');
        await appendTo(store, tenant, r4.id, 'input', [u4]);

        const history = await store.loadHistory(tenant, { kind: 'previous_response', responseId: r4.id });
        expect(history).toEqual([u1, rs1, fc1, fco1, a2, u3, a3, u4]);
        expect(JSON.stringify(history)).not.toContain('You are terse.');
        expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: r2.id })).toEqual([u1, rs1, fc1, fco1, a2]);
        expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: r1.id })).toEqual([u1, rs1, fc1]);
      });

      it('follows each branch of responses that continue from the same one', async () => {
        const tenant = newTenant();
        const root = await store.createResponse(sampleResponseRecord(tenant));
        const u = userMessage('start');
        await appendTo(store, tenant, root.id, 'input', [u]);
        const left = await store.createResponse(sampleResponseRecord(tenant, { previousResponseId: root.id }));
        const right = await store.createResponse(sampleResponseRecord(tenant, { previousResponseId: root.id }));
        const l = userMessage('left');
        const r = userMessage('right');
        await appendTo(store, tenant, right.id, 'input', [r]);
        await appendTo(store, tenant, left.id, 'input', [l]);

        expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: left.id })).toEqual([u, l]);
        expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: right.id })).toEqual([u, r]);
      });

      it('ends the chain at a deleted response', async () => {
        const tenant = newTenant();
        const r1 = await store.createResponse(sampleResponseRecord(tenant));
        await appendTo(store, tenant, r1.id, 'input', [userMessage('one')]);
        const r2 = await store.createResponse(sampleResponseRecord(tenant, { previousResponseId: r1.id }));
        await appendTo(store, tenant, r2.id, 'input', [userMessage('two')]);
        const r3 = await store.createResponse(sampleResponseRecord(tenant, { previousResponseId: r2.id }));
        const three = userMessage('three');
        await appendTo(store, tenant, r3.id, 'input', [three]);

        await store.deleteResponse(tenant, r2.id);
        expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: r3.id })).toEqual([three]);
      });

      it('answers undefined for an unknown response or conversation, and [] for one without items', async () => {
        const tenant = newTenant();
        expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: newId('response') })).toBeUndefined();
        expect(await store.loadHistory(tenant, { kind: 'conversation', conversationId: newId('conversation') })).toBeUndefined();

        const response = await store.createResponse(sampleResponseRecord(tenant));
        const conversation = await store.createConversation(sampleConversationRecord(tenant));
        expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: response.id })).toEqual([]);
        expect(await store.loadHistory(tenant, { kind: 'conversation', conversationId: conversation.id })).toEqual([]);
      });

      it("loads a conversation's items in append order", async () => {
        const tenant = newTenant();
        const conversation = await store.createConversation(sampleConversationRecord(tenant));
        const seed = userMessage('seed');
        await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [seed]);
        const r1 = await store.createResponse(sampleResponseRecord(tenant, { conversationId: conversation.id }));
        const [u1, a1] = [userMessage('u1'), assistantMessage('a1')];
        await appendTo(store, tenant, r1.id, 'input', [u1]);
        await appendTo(store, tenant, r1.id, 'output', [a1]);
        const note = userMessage('added between turns');
        await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [note]);
        const r2 = await store.createResponse(sampleResponseRecord(tenant, { conversationId: conversation.id }));
        const [u2, a2] = [userMessage('u2'), assistantMessage('a2')];
        await appendTo(store, tenant, r2.id, 'input', [u2]);
        await appendTo(store, tenant, r2.id, 'output', [a2]);

        expect(await store.loadHistory(tenant, { kind: 'conversation', conversationId: conversation.id }))
          .toEqual([seed, u1, a1, note, u2, a2]);
      });
    });

    describe('paging', () => {
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

    describe('hostile strings', () => {
      // Ids and texts come from clients: each must be bound as a value, never become SQL text.
      const hostile = ['with\u0000nul', "it's 'quoted'", 'back\\slash', '100%_like', 'x'.repeat(10_000), '"; drop table responses; --'];

      it('looks hostile ids up as plain values: not found, never an error', async () => {
        const tenant = newTenant();
        const kept = await store.createResponse(sampleResponseRecord(tenant));
        for (const id of hostile) {
          expect(await store.getResponse(tenant, id)).toBeUndefined();
          expect(await store.updateResponse(tenant, id, { status: 'cancelled' })).toBeUndefined();
          expect(await store.listResponseItems(tenant, id, 'input')).toBeUndefined();
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

    describe('conversations', () => {
      it('creates, reads, updates and deletes a conversation', async () => {
        const tenant = newTenant();
        const record = sampleConversationRecord(tenant, { metadata: { topic: 'travel', lang: 'en' } });
        const created = await store.createConversation(record);
        expect(created).toEqual(record);
        expect(await store.getConversation(tenant, record.id)).toEqual(record);

        const updated = await store.updateConversation(tenant, record.id, { topic: 'food' });
        expect(updated).toEqual({ ...record, metadata: { topic: 'food' } });
        expect(await store.getConversation(tenant, record.id)).toEqual(updated);

        expect(await store.deleteConversation(tenant, record.id)).toBe(true);
        expect(await store.getConversation(tenant, record.id)).toBeUndefined();
        expect(await store.updateConversation(tenant, record.id, { topic: 'x' })).toBeUndefined();
        expect(await store.listConversationItems(tenant, record.id)).toBeUndefined();
        expect(await store.deleteConversation(tenant, record.id)).toBe(false);
        await expect(store.appendItems(tenant, { kind: 'conversation', conversationId: record.id }, [userMessage('late')]))
          .rejects.toMatchObject({ code: 'conversation_not_found' });
      });

      it('refuses a conversation id that is taken', async () => {
        const tenant = newTenant();
        const first = await store.createConversation(sampleConversationRecord(tenant, { metadata: { n: '1' } }));
        await expect(store.createConversation({ ...sampleConversationRecord(tenant, { metadata: { n: '2' } }), id: first.id }))
          .rejects.toMatchObject({ code: 'conflict' });
        expect(await store.getConversation(tenant, first.id)).toEqual(first);
      });

      it("deletes a conversation's items, and keeps those a response lists for that response", async () => {
        const tenant = newTenant();
        const conversation = await store.createConversation(sampleConversationRecord(tenant));
        const direct = userMessage('added to the conversation');
        await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [direct]);
        const response = await store.createResponse(sampleResponseRecord(tenant, { conversationId: conversation.id }));
        const [question, answer] = [userMessage('question'), assistantMessage('answer')];
        await appendTo(store, tenant, response.id, 'input', [question]);
        await appendTo(store, tenant, response.id, 'output', [answer]);

        expect(await store.deleteConversation(tenant, conversation.id)).toBe(true);
        expect(await store.getConversationItem(tenant, conversation.id, direct.id)).toBeUndefined();
        expect(await store.getConversationItem(tenant, conversation.id, question.id)).toBeUndefined();
        expect(await store.loadHistory(tenant, { kind: 'conversation', conversationId: conversation.id })).toBeUndefined();

        expect((await store.listResponseItems(tenant, response.id, 'input'))?.data).toEqual([question]);
        expect((await store.listResponseItems(tenant, response.id, 'output'))?.data).toEqual([answer]);
        expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: response.id })).toEqual([question, answer]);

        // The conversation's own item is gone for good, so its id is free again.
        const again = await store.createConversation(sampleConversationRecord(tenant));
        await store.appendItems(tenant, { kind: 'conversation', conversationId: again.id }, [direct]);
        expect(await store.getConversationItem(tenant, again.id, direct.id)).toEqual(direct);
      });

      it("keeps a deleted response's items in its conversation", async () => {
        const tenant = newTenant();
        const conversation = await store.createConversation(sampleConversationRecord(tenant));
        const response = await store.createResponse(sampleResponseRecord(tenant, { conversationId: conversation.id }));
        const [question, answer] = [userMessage('question'), assistantMessage('answer')];
        await appendTo(store, tenant, response.id, 'input', [question]);
        await appendTo(store, tenant, response.id, 'output', [answer]);

        expect(await store.deleteResponse(tenant, response.id)).toBe(true);
        expect((await store.listConversationItems(tenant, conversation.id, { order: 'asc' }))?.data).toEqual([question, answer]);
        expect(await store.getConversationItem(tenant, conversation.id, answer.id)).toEqual(answer);
      });

      it('gets and deletes a conversation item', async () => {
        const tenant = newTenant();
        const conversation = await store.createConversation(sampleConversationRecord(tenant));
        const other = await store.createConversation(sampleConversationRecord(tenant));
        const [a, b, c] = [userMessage('a'), userMessage('b'), userMessage('c')];
        await store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, [a, b, c]);

        expect(await store.getConversationItem(tenant, conversation.id, b!.id)).toEqual(b);
        expect(await store.getConversationItem(tenant, other.id, b!.id)).toBeUndefined();
        expect(await store.getConversationItem(tenant, conversation.id, newId('message'))).toBeUndefined();

        expect(await store.deleteConversationItem(tenant, other.id, a!.id)).toBe(false);
        expect(await store.deleteConversationItem(tenant, conversation.id, b!.id)).toBe(true);
        expect(await store.getConversationItem(tenant, conversation.id, b!.id)).toBeUndefined();
        expect(await store.deleteConversationItem(tenant, conversation.id, b!.id)).toBe(false);
        expect(await idsOf(store, tenant, conversation.id)).toEqual([a!.id, c!.id]);
        expect(await store.loadHistory(tenant, { kind: 'conversation', conversationId: conversation.id })).toEqual([a, c]);
      });

      it("keeps a response's item for the response when it is deleted from the conversation", async () => {
        const tenant = newTenant();
        const conversation = await store.createConversation(sampleConversationRecord(tenant));
        const response = await store.createResponse(sampleResponseRecord(tenant, { conversationId: conversation.id }));
        const answer = assistantMessage('answer');
        await appendTo(store, tenant, response.id, 'output', [answer]);

        expect(await store.deleteConversationItem(tenant, conversation.id, answer.id)).toBe(true);
        expect(await idsOf(store, tenant, conversation.id)).toEqual([]);
        expect((await store.listResponseItems(tenant, response.id, 'output'))?.data).toEqual([answer]);
      });
    });

    describe('tenant isolation', () => {
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

    describe('concurrency', () => {
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

    describe('event log', () => {
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
        expect(await store.readEvents(tenant, response.id, 5)).toEqual([]);
        expect(await store.readEvents(tenant, other.id)).toEqual(textDeltaEvents(0, 2));
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

    describe('creating and finishing a response in one call', () => {
      it('stores with createResponse(record, input) what createResponse then appendItems store', async () => {
        const [combined, separate] = [newTenant(), newTenant()];
        const ids = { response: newId('response'), conversation: newId('conversation') };
        const earlier = userMessage('said before');
        const input = [userMessage('question'), functionCallOutput(newId('call'), 'result')];
        for (const tenant of [combined, separate]) {
          await store.createConversation(sampleConversationRecord(tenant, { id: ids.conversation }));
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
          await store.createConversation(sampleConversationRecord(tenant, { id: ids.conversation }));
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

    describe('copies', () => {
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
  });
}

/** A tenant of its own per case, so cases stay independent even on a shared store. */
function newTenant(): string {
  return `tenant_${randomUUID()}`;
}

function messages(count: number): MessageItem[] {
  return Array.from({ length: count }, (_, n) => userMessage(`message ${n}`));
}

function twoItems(label: string): [MessageItem, MessageItem] {
  return [userMessage(`${label}: first`), assistantMessage(`${label}: second`)];
}

function reasoning(text: string): ReasoningItem {
  return { type: 'reasoning', id: newId('reasoning'), summary: [], content: [{ type: 'reasoning_text', text }], status: 'completed' };
}

function functionCall(name: string): FunctionCallItem {
  return { type: 'function_call', id: newId('function_call'), call_id: newId('call'), name, arguments: '{"city":"Paris"}', status: 'completed' };
}

function functionCallOutput(callId: string, output: string): FunctionCallOutputItem {
  return { type: 'function_call_output', id: newId('function_call_output'), call_id: callId, output };
}

function everyItemType(): Item[] {
  const call = functionCall('lookup');
  const approval = newId('mcp_approval_request');
  return [
    { type: 'message', id: newId('message'), role: 'developer', content: [{ type: 'input_text', text: 'be kind' }] },
    { type: 'message', id: newId('message'), role: 'user', content: [{ type: 'input_text', text: 'look' }, { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' }] },
    { type: 'reasoning', id: newId('reasoning'), summary: [{ type: 'summary_text', text: 'short' }], content: [{ type: 'reasoning_text', text: 'long' }], encrypted_content: null },
    call,
    functionCallOutput(call.call_id, 'result'),
    { type: 'mcp_list_tools', id: newId('mcp_list_tools'), server_label: 'docs', tools: [{ name: 'search', description: null, input_schema: { type: 'object' }, annotations: { readOnlyHint: true } }] },
    { type: 'mcp_approval_request', id: approval, server_label: 'docs', name: 'search', arguments: '{}' },
    { type: 'mcp_approval_response', id: newId('mcp_approval_response'), approval_request_id: approval, approve: true, reason: null },
    { type: 'mcp_call', id: newId('mcp_call'), server_label: 'docs', name: 'search', arguments: '{}', output: 'found', error: null, approval_request_id: approval, status: 'completed' },
    { type: 'code_interpreter_call', id: newId('code_interpreter_call'), code: 'print(1)', container_id: newId('container'), outputs: [{ type: 'logs', logs: '1\n' }], status: 'completed' },
    { type: 'message', id: newId('message'), role: 'assistant', status: 'incomplete', content: [{ type: 'output_text', text: 'cut', annotations: [], logprobs: [] }, { type: 'refusal', refusal: 'no' }] },
  ];
}

function appendTo(store: StateStore, tenant: string, responseId: string, role: 'input' | 'output', items: Item[]): Promise<void> {
  return store.appendItems(tenant, { kind: 'response', responseId, role }, items);
}

async function idsOf(store: StateStore, tenant: string, conversationId: string): Promise<string[] | undefined> {
  return (await store.listConversationItems(tenant, conversationId, { order: 'asc', limit: 100 }))?.data.map((item) => item.id);
}

/** Everything a tenant can read about one response and one conversation. */
async function snapshot(store: StateStore, tenant: string, responseId: string, conversationId: string) {
  return {
    response: await store.getResponse(tenant, responseId),
    input: await store.listResponseItems(tenant, responseId, 'input', { order: 'asc' }),
    output: await store.listResponseItems(tenant, responseId, 'output', { order: 'asc' }),
    history: await store.loadHistory(tenant, { kind: 'previous_response', responseId }),
    events: await store.readEvents(tenant, responseId),
    conversation: await store.getConversation(tenant, conversationId),
    conversationItems: await store.listConversationItems(tenant, conversationId, { order: 'asc', limit: 100 }),
  };
}

/** A copy with every `tenant` field set to `tenant`, to compare what two tenants stored. */
function withTenant<T>(value: T, tenant: string): T {
  return JSON.parse(JSON.stringify(value ?? null), (key, field: unknown) => key === 'tenant' ? tenant : field) as T;
}

function setText(item: Item, text: string): void {
  if (item.type !== 'message') throw new Error(`expected a message, got ${item.type}`);
  const part = item.content[0];
  if (part?.type !== 'input_text') throw new Error('expected an input_text part');
  part.text = text;
}
