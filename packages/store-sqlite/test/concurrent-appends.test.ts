import type { Item } from '@agentport/core';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../src/index.js';
import { openRawDatabase } from './raw-database.js';
import { assistantMessage, conversationRecord, responseRecord, temporaryDirectory, userMessage } from './store-fixtures.js';

const dir = temporaryDirectory('concurrency');
afterAll(() => dir.remove());

const tenant = 'tenant_concurrency';

describe('concurrent appends', () => {
  it('gives 50 appends to one conversation distinct, gap-free positions while readers only ever see whole batches', async () => {
    const path = dir.file('appends.db');
    const store = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
    const conversation = await store.createConversation(conversationRecord(tenant));
    const responses = await Promise.all(Array.from({ length: 25 }, () =>
      store.createResponse(responseRecord(tenant, { conversationId: conversation.id }))));
    const batches: [Item, Item][] = Array.from({ length: 50 }, (_, n) => [userMessage(`batch ${n} first`), assistantMessage(`batch ${n} second`)]);

    // Half the batches go to the conversation directly, half through a response in it; a read
    // is started after every fifth append, so reads land between writes.
    const appends: Promise<void>[] = [];
    const reads: Promise<Item[] | undefined>[] = [];
    batches.forEach((batch, n) => {
      const response = n % 2 === 0 ? responses[n / 2] : undefined;
      appends.push(response
        ? store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'output' }, batch)
        : store.appendItems(tenant, { kind: 'conversation', conversationId: conversation.id }, batch));
      if (n % 5 === 4) reads.push(store.loadHistory(tenant, { kind: 'conversation', conversationId: conversation.id }));
    });
    await Promise.all(appends);
    const snapshots = await Promise.all(reads);
    // The reads saw the conversation grow: they did run between the appends.
    expect(new Set(snapshots.map((snapshot) => snapshot?.length)).size).toBeGreaterThan(1);

    const firstIds = new Map(batches.map(([first, second]) => [first.id, second.id]));
    const secondIds = new Set(batches.map(([, second]) => second.id));
    for (const snapshot of [...snapshots, await store.loadHistory(tenant, { kind: 'conversation', conversationId: conversation.id })]) {
      const ids = snapshot?.map((item) => item.id) ?? [];
      expect(ids.length % 2).toBe(0);
      for (let at = 0; at < ids.length; at += 2) {
        expect(firstIds.get(ids[at]!)).toBe(ids[at + 1]);
        expect(secondIds.has(ids[at + 1]!)).toBe(true);
      }
    }
    await store.close();

    const raw = await openRawDatabase(path);
    const positions = await raw.all<{ conversation_position: number }>(
      'select conversation_position from items where conversation_seq is not null order by conversation_position');
    expect(positions.map((row) => row.conversation_position)).toEqual(Array.from({ length: 100 }, (_, n) => n + 1));
    const perResponse = await raw.all<{ positions: string }>(
      "select group_concat(response_position, ',') as positions from items where response_seq is not null group by response_seq");
    expect(perResponse).toHaveLength(25);
    for (const row of perResponse) expect(row.positions).toBe('1,2');
    await raw.close();
  });
});
