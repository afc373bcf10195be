import { ModelError } from '@agentport/core';
import { describe, expect, it } from 'vitest';
import { RetryPolicy } from '../src/index.js';
import { collectEvents, joinDeltas, terminalError, USER_HELLO, useHarness } from './harness.js';

const ANSWER = { parts: [{ type: 'text' as const, text: 'Recovered answer' }] };

describe('retries', () => {
  const start = useHarness();

  it('retries a 500 that came before the first token, and the caller sees one clean answer', async () => {
    const { model, server } = await start({ turns: [{ type: 'error', status: 500, message: 'engine restarting' }, ANSWER] }, { model: 'fake-model' });
    const events = await collectEvents(model.stream(USER_HELLO));
    expect(joinDeltas(events, 'text-delta')).toBe('Recovered answer');
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    expect(events.some((event) => event.type === 'error')).toBe(false);
    expect(server.chatRequests).toHaveLength(2);
    expect(server.chatRequests[1]?.rawBody).toBe(server.chatRequests[0]?.rawBody);
  });

  it('retries a stream cut before its first token, and a 429', async () => {
    const { model, server } = await start(
      { turns: [{ parts: [], ending: 'cut' }, { type: 'error', status: 429, message: 'slow down' }, ANSWER] },
      { model: 'fake-model' },
    );
    const events = await collectEvents(model.stream(USER_HELLO));
    expect(joinDeltas(events, 'text-delta')).toBe('Recovered answer');
    expect(server.chatRequests).toHaveLength(3);
  });

  it('retries a server that does not answer in time before the first token', async () => {
    const { model, server } = await start(
      { turns: [{ parts: [{ type: 'text', text: 'too late' }], timing: { firstByteDelayMs: 5_000 } }, ANSWER] },
      { model: 'fake-model', streamIdleTimeoutMs: 100 },
    );
    const events = await collectEvents(model.stream(USER_HELLO));
    expect(joinDeltas(events, 'text-delta')).toBe('Recovered answer');
    expect(server.chatRequests.map((request) => request.outcome)).toEqual(['client-closed', 'completed']);
  });

  it('does not retry once a token reached the caller: the cut stream ends with an error', async () => {
    const { model, server } = await start({ turns: [{ parts: [{ type: 'text', text: 'Half an answer' }], ending: 'cut' }, ANSWER] }, { model: 'fake-model' });
    const events = await collectEvents(model.stream(USER_HELLO));
    expect(joinDeltas(events, 'text-delta')).toBe('Half an answer');
    expect(terminalError(events)).toMatchObject({ code: 'transport', retryable: true });
    expect(server.chatRequests).toHaveLength(1);
  });

  it('does not retry a 4xx', async () => {
    const { model, server } = await start({ turns: [{ type: 'error', status: 400, message: 'bad' }, ANSWER] }, { model: 'fake-model' });
    expect(terminalError(await collectEvents(model.stream(USER_HELLO))).code).toBe('bad_request');
    expect(server.chatRequests).toHaveLength(1);
  });

  it('gives up after maxRetries, with the last error', async () => {
    const failures = Array.from({ length: 5 }, (_, index) => ({ type: 'error' as const, status: 503, message: `busy ${index + 1}` }));
    const { model, server } = await start({ turns: failures }, { model: 'fake-model', maxRetries: 2 });
    const error = terminalError(await collectEvents(model.stream(USER_HELLO)));
    expect(error).toMatchObject({ code: 'provider_error', providerMessage: 'busy 3' });
    expect(server.chatRequests).toHaveLength(3);
  });
});

describe('RetryPolicy', () => {
  const retryable = new ModelError('provider_error', 'x', { status: 500 });
  const final = new ModelError('bad_request', 'x', { status: 400 });

  it('retries only retryable errors, only before delivery, at most maxRetries times', () => {
    const policy = new RetryPolicy({ maxRetries: 2, initialDelayMs: 100, maxDelayMs: 1_000 });
    expect(policy.shouldRetry(retryable, 1, false)).toBe(true);
    expect(policy.shouldRetry(retryable, 2, false)).toBe(true);
    expect(policy.shouldRetry(retryable, 3, false)).toBe(false);
    expect(policy.shouldRetry(retryable, 1, true)).toBe(false);
    expect(policy.shouldRetry(final, 1, false)).toBe(false);
  });

  it('backs off exponentially with jitter, capped', () => {
    const low = new RetryPolicy({ maxRetries: 5, initialDelayMs: 100, maxDelayMs: 1_000, random: () => 0 });
    const high = new RetryPolicy({ maxRetries: 5, initialDelayMs: 100, maxDelayMs: 1_000, random: () => 1 });
    expect([1, 2, 3, 4, 5].map((attempt) => high.delayMs(attempt))).toEqual([100, 200, 400, 800, 1_000]);
    expect([1, 2, 3].map((attempt) => low.delayMs(attempt))).toEqual([50, 100, 200]);
  });
});
