import { textDeltaEvents } from '@agentport/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../src/index.js';
import { openRawDatabase } from './raw-database.js';
import { responseRecord, temporaryDirectory } from './store-fixtures.js';

const dir = temporaryDirectory('event-log-rows');
afterAll(() => dir.remove());

const tenant = 'tenant_event_log';

describe('the event log on disk', () => {
  it('keeps one row per append, not per event, and still reads the one-event rows of earlier versions', async () => {
    const path = dir.file('events.db');
    const store = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
    const response = await store.createResponse(responseRecord(tenant, { status: 'in_progress' }));
    const all = textDeltaEvents(0, 300);
    await store.appendEvents(tenant, response.id, all.slice(0, 200));
    await store.close();

    const raw = await openRawDatabase(path);
    expect(await raw.count('response_events')).toBe(1);
    // A row as versions before 2026-12-05 wrote it: one event, its data alone.
    const seq = (await raw.all<{ seq: number }>('select seq from responses where id = ?', [response.id]))[0]!.seq;
    const legacy = all[200]!;
    await raw.run('insert into response_events (response_seq, sequence_number, type, data) values (?, ?, ?, ?)',
      [seq, legacy.sequenceNumber, legacy.type, JSON.stringify(legacy.data)]);
    await raw.close();

    const reopened = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
    await reopened.appendEvents(tenant, response.id, all.slice(201));
    expect(await reopened.readEvents(tenant, response.id)).toEqual(all);
    expect(await reopened.readEvents(tenant, response.id, 199)).toEqual(all.slice(200));
    await reopened.close();
  });
});
