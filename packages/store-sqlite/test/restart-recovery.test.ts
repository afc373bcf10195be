import { afterAll, describe, expect, it } from 'vitest';
import { SERVER_RESTARTED, SqliteStateStore } from '../src/index.js';
import { assistantMessage, responseRecord, temporaryDirectory, userMessage } from './store-fixtures.js';

const dir = temporaryDirectory('recovery');
afterAll(() => dir.remove());

const tenant = 'tenant_recovery';

describe('recovery at start', () => {
  it('marks foreground responses left queued or in_progress incomplete (server_restarted), with their items, and hands background ones over once', async () => {
    const path = dir.file('recover.db');
    const before = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
    const done = await before.createResponse(responseRecord(tenant, { status: 'completed', completedAt: 1 }));
    const failed = await before.createResponse(responseRecord(tenant, { status: 'failed', error: { code: 'server_error', message: 'x' } }));
    const running = await before.createResponse(responseRecord(tenant, { status: 'in_progress' }));
    const queued = await before.createResponse(responseRecord(tenant, { status: 'queued', background: true }));
    const question = userMessage('question');
    const partial = assistantMessage('half an ans');
    await before.appendItems(tenant, { kind: 'response', responseId: running.id, role: 'input' }, [question]);
    await before.appendItems(tenant, { kind: 'response', responseId: running.id, role: 'output' }, [partial]);
    // The process goes away without finishing them.
    await before.close();

    const after = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
    const report = await after.open();
    expect(report.recovered).toEqual([running.id]);
    expect(report.interruptedBackground).toEqual([{ tenant, id: queued.id }]);
    const incomplete = { status: 'incomplete', incompleteDetails: { reason: SERVER_RESTARTED } };
    expect(await after.getResponse(tenant, running.id)).toEqual({ ...running, ...incomplete });
    // A background response waits for the host (the gateway resumes or ends it), taken once.
    expect(await after.getResponse(tenant, queued.id)).toEqual(queued);
    expect(await after.takeInterruptedBackground()).toEqual([{ tenant, id: queued.id }]);
    expect(await after.takeInterruptedBackground()).toEqual([]);
    expect(await after.getResponse(tenant, done.id)).toEqual(done);
    expect(await after.getResponse(tenant, failed.id)).toEqual(failed);
    expect(await after.loadHistory(tenant, { kind: 'previous_response', responseId: running.id })).toEqual([question, partial]);
    await after.close();

    const again = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
    expect((await again.open()).recovered).toEqual([]);
    await again.close();
  });

  it('leaves running responses alone with recoverOnStart: false', async () => {
    const path = dir.file('shared.db');
    const first = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0 });
    const running = await first.createResponse(responseRecord(tenant, { status: 'in_progress' }));

    const second = await SqliteStateStore.open({ path, purgeIntervalSeconds: 0, recoverOnStart: false });
    expect((await second.open()).recovered).toEqual([]);
    expect(await second.getResponse(tenant, running.id)).toEqual(running);
    await second.close();
    await first.close();
  });
});
