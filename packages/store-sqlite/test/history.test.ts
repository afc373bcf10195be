import { describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../src/index.js';
import { assistantMessage, responseRecord, userMessage } from './store-fixtures.js';

const tenant = 'tenant_history';

describe('history', () => {
  it('loads a long previous_response_id chain whole and in order', async () => {
    const store = await SqliteStateStore.open({ path: ':memory:', purgeIntervalSeconds: 0 });
    const expected: string[] = [];
    let previous: string | null = null;
    for (let turn = 0; turn < 300; turn += 1) {
      const response = await store.createResponse(responseRecord(tenant, { previousResponseId: previous }));
      const [question, answer] = [userMessage(`q${turn}`), assistantMessage(`a${turn}`)];
      // Output first: the history still puts each response's input before its output.
      await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'output' }, [answer]);
      await store.appendItems(tenant, { kind: 'response', responseId: response.id, role: 'input' }, [question]);
      expected.push(question.id, answer.id);
      previous = response.id;
    }
    const history = await store.loadHistory(tenant, { kind: 'previous_response', responseId: previous! });
    expect(history?.map((item) => item.id)).toEqual(expected);
    await store.close();
  });

  it('ends a chain that loops back through an id deleted and created again', async () => {
    const store = await SqliteStateStore.open({ path: ':memory:', purgeIntervalSeconds: 0 });
    const first = await store.createResponse(responseRecord(tenant));
    const second = await store.createResponse(responseRecord(tenant, { previousResponseId: first.id }));
    const middle = userMessage('middle');
    await store.appendItems(tenant, { kind: 'response', responseId: second.id, role: 'input' }, [middle]);
    await store.deleteResponse(tenant, first.id);
    // The id comes back, now continuing from `second`, which names it: a loop.
    const again = await store.createResponse(responseRecord(tenant, { id: first.id, previousResponseId: second.id }));
    const last = userMessage('last');
    await store.appendItems(tenant, { kind: 'response', responseId: again.id, role: 'input' }, [last]);

    expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: again.id })).toEqual([middle, last]);
    expect(await store.loadHistory(tenant, { kind: 'previous_response', responseId: second.id })).toEqual([middle]);
    await store.close();
  });
});
