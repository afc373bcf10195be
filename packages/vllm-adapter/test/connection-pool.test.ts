import { describe, expect, it } from 'vitest';
import { createVllmHttpClient, resolveVllmConfig, VllmAgentModel } from '../src/index.js';
import { FakeVllmServer } from '../src/testing/index.js';
import { collectEvents, USER_HELLO, useHarness } from './harness.js';

const ANSWER = { parts: [{ type: 'text' as const, text: 'pooled' }] };

describe('one pooled keep-alive client per endpoint', () => {
  const start = useHarness();

  it('sequential requests reuse one connection', async () => {
    const { model, server } = await start({ turns: [ANSWER, ANSWER, ANSWER, ANSWER] }, { model: 'fake-model' });
    for (let call = 0; call < 3; call += 1) {
      const events = await collectEvents(model.stream(USER_HELLO));
      expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    }
    await model.complete(USER_HELLO);
    expect(new Set(server.chatRequests.map((request) => request.connectionId)).size).toBe(1);
    expect(server.chatRequests.map((request) => request.outcome)).toEqual(['completed', 'completed', 'completed', 'completed']);
  });

  it('a consumer that stops at the finish event still leaves the connection reusable', async () => {
    const { model, server } = await start({ turns: [ANSWER, ANSWER] }, { model: 'fake-model' });
    for (let call = 0; call < 2; call += 1) {
      for await (const event of model.stream(USER_HELLO)) {
        if (event.type === 'finish') break;
      }
    }
    expect(new Set(server.chatRequests.map((request) => request.connectionId)).size).toBe(1);
  });

  it('a body left open after [DONE] still finishes; its connection is dropped after drainTimeoutMs', async () => {
    const finishChunk = JSON.stringify({ choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }] });
    const { model, server } = await start(
      { turns: [{ parts: [{ type: 'raw', data: finishChunk }, { type: 'raw', data: '[DONE]' }], ending: 'hang' }, ANSWER] },
      { model: 'fake-model', drainTimeoutMs: 50 },
    );
    const events = await collectEvents(model.stream(USER_HELLO));
    expect(events).toEqual([{ type: 'text-delta', delta: 'x' }, { type: 'finish', reason: 'stop' }]);
    await expect(server.waitForClientClose()).resolves.toMatchObject({ path: '/v1/chat/completions' });
    expect((await model.complete(USER_HELLO)).text).toBe('pooled');
  });

  it('concurrent requests open at most maxConnections connections', async () => {
    const turns = Array.from({ length: 6 }, () => ({ ...ANSWER, timing: { firstByteDelayMs: 20 } }));
    const { model, server } = await start({ turns }, { model: 'fake-model', maxConnections: 2 });
    const results = await Promise.all(Array.from({ length: 6 }, () => collectEvents(model.stream(USER_HELLO))));
    for (const events of results) expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    expect(new Set(server.chatRequests.map((request) => request.connectionId)).size).toBe(2);
  });

  it('models of the same endpoint can share one client', async () => {
    const server = await new FakeVllmServer({ models: [{ id: 'a' }, { id: 'b' }], turns: [ANSWER, ANSWER] }).start();
    const client = createVllmHttpClient(resolveVllmConfig({ baseUrl: server.url }));
    const first = new VllmAgentModel({ client, model: 'a' });
    const second = new VllmAgentModel({ client, model: 'b' });
    try {
      await first.complete(USER_HELLO);
      // A model that does not own the client leaves it open.
      first.close();
      await second.complete(USER_HELLO);
      expect(server.chatRequests.map((request) => (request.body as { model: string }).model)).toEqual(['a', 'b']);
      expect(new Set(server.chatRequests.map((request) => request.connectionId)).size).toBe(1);
    } finally {
      client.close();
      await server.close();
    }
  });
});
