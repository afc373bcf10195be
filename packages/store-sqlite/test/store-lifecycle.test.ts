import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStateStore, StoreUnavailableError } from '../src/index.js';
import { responseRecord, temporaryDirectory } from './store-fixtures.js';

const dir = temporaryDirectory('lifecycle');
afterAll(() => dir.remove());

describe('store lifecycle', () => {
  it('refuses operations before open and after close', async () => {
    const store = new SqliteStateStore({ path: ':memory:', purgeIntervalSeconds: 0 });
    await expect(store.createResponse(responseRecord('t'))).rejects.toMatchObject({ code: 'store_unavailable', state: 'not_open' });
    await store.open();
    await store.createResponse(responseRecord('t'));
    await store.close();
    await expect(store.getResponse('t', 'resp_1')).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.open()).rejects.toMatchObject({ state: 'closed' });
    await store.close();
  });

  it('opens once however often open() is called, and finishes queued work before closing', async () => {
    const store = new SqliteStateStore({ path: dir.file('once.db'), purgeIntervalSeconds: 0 });
    const [first, second] = await Promise.all([store.open(), store.open()]);
    expect(second).toBe(first);
    expect(await store.open()).toBe(first);

    const records = Array.from({ length: 20 }, () => responseRecord('t'));
    const writes = records.map((record) => store.createResponse(record));
    await store.close();
    // Everything queued before close() was written.
    await Promise.all(writes);
    const reopened = await SqliteStateStore.open({ path: dir.file('once.db'), purgeIntervalSeconds: 0 });
    for (const record of records) expect(await reopened.getResponse('t', record.id)).toMatchObject({ id: record.id });
    await reopened.close();
  });

  it('closes cleanly when close() comes while it is still opening', async () => {
    const store = new SqliteStateStore({ path: dir.file('early-close.db'), purgeIntervalSeconds: 0.01 });
    const opening = store.open();
    await store.close();
    await opening;
    await expect(store.getResponse('t', 'resp_1')).rejects.toMatchObject({ state: 'closed' });
  });

  it('is closed for good after a failed open', async () => {
    // A directory is not a database file.
    const store = new SqliteStateStore({ path: dir.path, purgeIntervalSeconds: 0 });
    await expect(store.open()).rejects.toThrow();
    await expect(store.getResponse('t', 'resp_1')).rejects.toMatchObject({ state: 'closed' });
    await store.close();
  });
});
