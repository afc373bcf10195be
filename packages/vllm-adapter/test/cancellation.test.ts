import type { ModelStreamEvent } from '@agentport/core';
import { describe, expect, it } from 'vitest';
import { collectEvents, terminalError, USER_HELLO, useHarness } from './harness.js';

const SLOW_TOKENS = { type: 'tokens' as const, count: 10_000, intervalMs: 5 };

describe('cancellation', () => {
  const start = useHarness();

  it('aborting mid-stream closes the connection (the server sees it) and ends the stream with cancelled', async () => {
    const { model, server } = await start({ turns: [SLOW_TOKENS] }, { model: 'fake-model' });
    const controller = new AbortController();
    const events: ModelStreamEvent[] = [];
    for await (const event of model.stream(USER_HELLO, { signal: controller.signal })) {
      events.push(event);
      if (events.length === 3) controller.abort();
    }
    expect(events.slice(0, 3).every((event) => event.type === 'text-delta')).toBe(true);
    expect(events.slice(3)).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'cancelled' }) }]);
    const closed = await server.waitForClientClose();
    expect(closed.path).toBe('/v1/chat/completions');
    expect(server.chatRequests).toHaveLength(1);
  });

  it('aborting while waiting for the first byte closes the connection too', async () => {
    const { model, server } = await start({ turns: [{ parts: [{ type: 'text', text: 'late' }], timing: { firstByteDelayMs: 10_000 } }] }, { model: 'fake-model' });
    const controller = new AbortController();
    const stream = collectEvents(model.stream(USER_HELLO, { signal: controller.signal }));
    await waitFor(() => server.chatRequests.length === 1);
    controller.abort();
    const events = await stream;
    expect(terminalError(events).code).toBe('cancelled');
    expect(events).toHaveLength(1);
    await expect(server.waitForClientClose()).resolves.toMatchObject({ outcome: 'client-closed' });
  });

  it('an already-aborted signal sends nothing', async () => {
    const { model, server } = await start({ turns: [] }, { model: 'fake-model' });
    const controller = new AbortController();
    controller.abort();
    const events = await collectEvents(model.stream(USER_HELLO, { signal: controller.signal }));
    expect(events).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'cancelled' }) }]);
    expect(server.requests).toHaveLength(0);
  });

  it('aborting during the backoff before a retry ends with cancelled and sends no retry', async () => {
    const { model, server } = await start(
      { turns: [{ type: 'error', status: 503, message: 'busy' }, { parts: [{ type: 'text', text: 'never' }] }] },
      { model: 'fake-model', retryInitialDelayMs: 10_000, retryMaxDelayMs: 10_000 },
    );
    const controller = new AbortController();
    const stream = collectEvents(model.stream(USER_HELLO, { signal: controller.signal }));
    await waitFor(() => server.chatRequests[0]?.outcome === 'completed');
    controller.abort();
    expect(terminalError(await stream).code).toBe('cancelled');
    expect(server.chatRequests).toHaveLength(1);
  });

  it('a consumer that stops reading closes the connection', async () => {
    const { model, server } = await start({ turns: [SLOW_TOKENS] }, { model: 'fake-model' });
    for await (const event of model.stream(USER_HELLO)) {
      if (event.type === 'text-delta') break;
    }
    await expect(server.waitForClientClose()).resolves.toMatchObject({ path: '/v1/chat/completions' });
  });

  it('complete() rejects with cancelled when aborted', async () => {
    const { model, server } = await start({ turns: [SLOW_TOKENS] }, { model: 'fake-model' });
    const controller = new AbortController();
    const answer = model.complete(USER_HELLO, { signal: controller.signal });
    await waitFor(() => server.chatRequests.length === 1);
    controller.abort();
    await expect(answer).rejects.toMatchObject({ code: 'cancelled' });
    await server.waitForClientClose();
  });
});

/** Polls a condition the test cannot await directly (the fake server's view of a request). */
async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}
