import { afterAll, describe, expect, it, vi } from 'vitest';
import { SqliteStateStore } from '../src/index.js';
import { openRawDatabase } from './raw-database.js';
import { assistantMessage, conversationRecord, responseRecord, temporaryDirectory, textEvents, userMessage } from './store-fixtures.js';

const dir = temporaryDirectory('retention');
afterAll(() => dir.remove());

const T0 = 1_700_000_000;
const tenant = 'tenant_retention';

describe('retention', () => {
  it('purges expired finished responses with their items and events, and keeps what a conversation holds', async () => {
    const path = dir.file('expiry.db');
    let clock = T0;
    const store = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0, clock: () => clock });
    const conversation = await store.createConversation(conversationRecord(tenant));
    const finished = { status: 'completed', completedAt: T0 } as const;

    const expired = await store.createResponse(responseRecord(tenant, { ...finished, expiresAt: T0 + 60 }));
    await store.appendItems(tenant, { kind: 'response', responseId: expired.id, role: 'input' }, [userMessage('q')]);
    await store.appendItems(tenant, { kind: 'response', responseId: expired.id, role: 'output' }, [assistantMessage('a')]);
    await store.appendEvents(tenant, expired.id, textEvents(0, 3));

    const inConversation = await store.createResponse(responseRecord(tenant, { ...finished, expiresAt: T0 + 60, conversationId: conversation.id }));
    const held = [userMessage('held q'), assistantMessage('held a')];
    await store.appendItems(tenant, { kind: 'response', responseId: inConversation.id, role: 'input' }, held.slice(0, 1));
    await store.appendItems(tenant, { kind: 'response', responseId: inConversation.id, role: 'output' }, held.slice(1));
    await store.appendEvents(tenant, inConversation.id, textEvents(0, 2));

    const notYet = await store.createResponse(responseRecord(tenant, { ...finished, expiresAt: T0 + 3600 }));
    const running = await store.createResponse(responseRecord(tenant, { status: 'in_progress', expiresAt: T0 + 60 }));
    const forever = await store.createResponse(responseRecord(tenant, { ...finished, expiresAt: null }));
    for (const kept of [notYet, running, forever]) {
      await store.appendItems(tenant, { kind: 'response', responseId: kept.id, role: 'input' }, [userMessage('kept')]);
      await store.appendEvents(tenant, kept.id, textEvents(0, 1));
    }

    expect(await store.purgeExpired()).toBe(0);
    clock = T0 + 61;
    expect(await store.purgeExpired()).toBe(2);

    for (const gone of [expired, inConversation]) {
      expect(await store.getResponse(tenant, gone.id)).toBeUndefined();
      expect(await store.listResponseItems(tenant, gone.id, 'input')).toBeUndefined();
      expect(await store.readEvents(tenant, gone.id)).toBeUndefined();
    }
    // The conversation keeps the items it holds.
    expect(await store.loadHistory(tenant, { kind: 'conversation', conversationId: conversation.id })).toEqual(held);
    for (const kept of [notYet, running, forever]) expect(await store.getResponse(tenant, kept.id)).toEqual(kept);

    // The rows themselves are gone, not only out of reach: 2 held + 3 kept items, 3 kept events.
    const raw = await openRawDatabase(path);
    expect(await raw.count('items')).toBe(5);
    expect(await raw.count('response_events')).toBe(3);
    expect(await raw.count('responses')).toBe(3);
    await raw.close();

    // A running response is purged once it has ended.
    await store.updateResponse(tenant, running.id, { status: 'completed', completedAt: clock });
    expect(await store.purgeExpired()).toBe(1);
    expect(await store.getResponse(tenant, running.id)).toBeUndefined();
    await store.close();
  });

  it('purges finished responses older than retentionSeconds, whatever their own expiry', async () => {
    const clock = T0;
    const store = await SqliteStateStore.open({
      path: dir.file('age.db'), purgeIntervalSeconds: 0, retentionSeconds: 3600, clock: () => clock,
    });
    const old = await store.createResponse(responseRecord(tenant, { status: 'failed', createdAt: T0 - 3600, expiresAt: null }));
    const young = await store.createResponse(responseRecord(tenant, { status: 'completed', createdAt: T0 - 3599, expiresAt: null }));
    const oldButRunning = await store.createResponse(responseRecord(tenant, { status: 'in_progress', createdAt: T0 - 7200 }));

    expect(await store.purgeExpired()).toBe(1);
    expect(await store.getResponse(tenant, old.id)).toBeUndefined();
    expect(await store.getResponse(tenant, young.id)).toEqual(young);
    expect(await store.getResponse(tenant, oldButRunning.id)).toEqual(oldButRunning);
    await store.close();
  });

  it('purges in batches until nothing expired is left', async () => {
    const store = await SqliteStateStore.open({ path: dir.file('batches.db'), purgeIntervalSeconds: 0, purgeBatchSize: 2, clock: () => T0 });
    const expired = [];
    for (let n = 0; n < 5; n += 1) {
      const response = await store.createResponse(responseRecord(tenant, { status: 'completed', expiresAt: T0 - 1 }));
      await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'input' }, [userMessage(`n${n}`)]);
      expired.push(response);
    }
    const kept = await store.createResponse(responseRecord(tenant, { status: 'completed', expiresAt: T0 + 1 }));

    expect(await store.purgeExpired()).toBe(5);
    for (const response of expired) expect(await store.getResponse(tenant, response.id)).toBeUndefined();
    expect(await store.getResponse(tenant, kept.id)).toEqual(kept);
    await store.close();
  });

  it('runs the purge job on its own, and stops it on close', async () => {
    const store = await SqliteStateStore.open({ path: dir.file('job.db'), purgeIntervalSeconds: 0.02 });
    const expired = await store.createResponse(responseRecord(tenant, { status: 'completed', expiresAt: 1 }));
    await store.appendEvents(tenant, expired.id, textEvents(0, 2));

    await vi.waitFor(async () => {
      expect(await store.getResponse(tenant, expired.id)).toBeUndefined();
    }, { timeout: 5_000, interval: 20 });
    await store.close();
    await expect(store.purgeExpired()).rejects.toMatchObject({ code: 'store_unavailable' });
  });
});
