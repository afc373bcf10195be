import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { isModelError } from '@agentport/core';
import { describe, expect, it } from 'vitest';
import { VllmAgentModel } from '../src/index.js';
import type { FakeErrorTurn } from '../src/testing/index.js';
import { collectEvents, terminalError, USER_HELLO, useHarness } from './harness.js';

const CONTEXT_MESSAGE =
  "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.";

describe('errors from vLLM become typed ModelErrors', () => {
  const start = useHarness();

  async function failWith(turn: FakeErrorTurn) {
    const { model, server } = await start({ turns: [turn] }, { model: 'fake-model', maxRetries: 0 });
    const events = await collectEvents(model.stream(USER_HELLO));
    expect(events).toHaveLength(1);
    return { error: terminalError(events), server };
  }

  it.each([
    { status: 400, message: CONTEXT_MESSAGE, code: 'context_length_exceeded', retryable: false },
    {
      status: 400,
      message: 'The decoder prompt (length 9000) is longer than the maximum model length of 8192. Make sure that `max_model_len` is no smaller than the number of text tokens.',
      code: 'context_length_exceeded',
      retryable: false,
    },
    { status: 400, message: 'temperature must be non-negative, got -1.', code: 'bad_request', retryable: false },
    { status: 404, message: 'The model `nope` does not exist.', code: 'model_not_found', retryable: false },
    { status: 422, message: 'Input should be a valid list', code: 'bad_request', retryable: false },
    { status: 429, message: 'Too many requests', code: 'rate_limited', retryable: true },
    { status: 500, message: 'EngineCore encountered an issue.', code: 'provider_error', retryable: true },
    { status: 503, message: 'The engine is sleeping', code: 'provider_error', retryable: true },
  ] as const)('$status "$message" → $code', async ({ status, message, code, retryable }) => {
    const { error } = await failWith({ type: 'error', status, message });
    expect(isModelError(error)).toBe(true);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.retryable).toBe(retryable);
    expect(error.providerMessage).toBe(message);
    expect(error.message).toContain(message);
  });

  it("reads older vLLM's {\"object\":\"error\",…} body", async () => {
    const { error } = await failWith({ type: 'error', status: 400, message: CONTEXT_MESSAGE, format: 'legacy' });
    expect(error.code).toBe('context_length_exceeded');
    expect(error.providerMessage).toBe(CONTEXT_MESSAGE);
  });

  it("reads the auth middleware's bare {\"error\":\"Unauthorized\"} as bad_request", async () => {
    const { model } = await start({ apiKey: 'right', turns: [{ parts: [] }] }, { apiKey: 'wrong', model: 'fake-model' });
    const error = terminalError(await collectEvents(model.stream(USER_HELLO)));
    expect(error).toMatchObject({ code: 'bad_request', status: 401, providerMessage: 'Unauthorized', retryable: false });
  });

  it('a chunk that is not JSON ends with invalid_chunk', async () => {
    const { model } = await start({ turns: [{ parts: [{ type: 'text', text: 'ok' }, { type: 'raw', data: '{"choices": [' }] }] }, { model: 'fake-model' });
    const events = await collectEvents(model.stream(USER_HELLO));
    expect(terminalError(events).code).toBe('invalid_chunk');
    expect(terminalError(events).message).toContain('{"choices": [');
  });

  it('a chunk without choices ends with invalid_chunk', async () => {
    const { model } = await start({ turns: [{ parts: [{ type: 'raw', data: '{"id":"x"}' }] }] }, { model: 'fake-model', maxRetries: 0 });
    expect(terminalError(await collectEvents(model.stream(USER_HELLO))).code).toBe('invalid_chunk');
  });

  it("an error object inside the stream becomes provider_error with vLLM's message", async () => {
    const { model } = await start(
      { turns: [{ parts: [{ type: 'text', text: 'Hel' }, { type: 'stream-error', message: 'CUDA out of memory' }] }] },
      { model: 'fake-model' },
    );
    const events = await collectEvents(model.stream(USER_HELLO));
    expect(terminalError(events)).toMatchObject({ code: 'provider_error', providerMessage: 'CUDA out of memory' });
  });

  it('a stream the server cuts before a finish reason is an error, never a success', async () => {
    const { model, server } = await start({ turns: [{ parts: [{ type: 'text', text: 'Half an ans' }], ending: 'cut' }] }, { model: 'fake-model' });
    const events = await collectEvents(model.stream(USER_HELLO));
    expect(events.some((event) => event.type === 'finish')).toBe(false);
    expect(terminalError(events).code).toBe('transport');
    expect(server.chatRequests[0]?.outcome).toBe('server-cut');
  });

  it('[DONE] without a finish reason ends with invalid_chunk', async () => {
    const { model } = await start({ turns: [{ parts: [{ type: 'text', text: 'ok' }], ending: 'done-without-finish' }] }, { model: 'fake-model' });
    const events = await collectEvents(model.stream(USER_HELLO));
    expect(terminalError(events).code).toBe('invalid_chunk');
    expect(terminalError(events).message).toContain('[DONE]');
  });

  it('an SSE event larger than maxEventBytes ends with invalid_chunk', async () => {
    const { model } = await start(
      { turns: [{ parts: [{ type: 'text', text: 'ok' }, { type: 'raw', data: JSON.stringify({ choices: [{ index: 0, delta: { content: 'x'.repeat(5_000) } }] }) }] }] },
      { model: 'fake-model', maxEventBytes: 2_048 },
    );
    const events = await collectEvents(model.stream(USER_HELLO));
    expect(events[0]).toEqual({ type: 'text-delta', delta: 'ok' });
    expect(terminalError(events)).toMatchObject({ code: 'invalid_chunk', message: expect.stringContaining('2048') });
  });

  it('an unknown finish reason ends with provider_error', async () => {
    const { model } = await start(
      {
        turns: [
          {
            parts: [{ type: 'raw', data: JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'abort' }] }) }],
            ending: 'end',
          },
        ],
      },
      { model: 'fake-model', maxRetries: 0 },
    );
    expect(terminalError(await collectEvents(model.stream(USER_HELLO)))).toMatchObject({ code: 'provider_error', providerMessage: 'abort' });
  });

  it('a stream that goes silent ends with timeout after the idle limit', async () => {
    const { model, server } = await start({ turns: [{ parts: [{ type: 'text', text: 'Still thinking' }], ending: 'hang' }] }, { model: 'fake-model' });
    const events = await collectEvents(model.stream(USER_HELLO, { idleTimeoutMs: 100 }));
    const error = terminalError(events);
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('100 ms');
    await expect(server.waitForClientClose()).resolves.toMatchObject({ path: '/v1/chat/completions' });
  });

  it('a server that is slow to answer at all hits the idle limit too (streamIdleTimeoutMs)', async () => {
    const { model } = await start(
      { turns: [{ parts: [{ type: 'text', text: 'late' }], timing: { firstByteDelayMs: 2_000 } }] },
      { model: 'fake-model', streamIdleTimeoutMs: 100, maxRetries: 0 },
    );
    expect(terminalError(await collectEvents(model.stream(USER_HELLO))).code).toBe('timeout');
  });

  it('a call longer than its overall limit ends with timeout, not retried', async () => {
    const { model, server } = await start({ turns: [{ parts: [{ type: 'text', text: 'slow' }], ending: 'hang' }] }, { model: 'fake-model' });
    const error = terminalError(await collectEvents(model.stream(USER_HELLO, { timeoutMs: 150 })));
    expect(error).toMatchObject({ code: 'timeout', retryable: false });
    expect(error.message).toContain('150 ms');
    expect(server.chatRequests).toHaveLength(1);
  });

  it('a server that refuses connections ends with a retryable transport error naming the URL', async () => {
    const port = await closedPort();
    const model = new VllmAgentModel({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm', maxRetries: 0 });
    try {
      const error = terminalError(await collectEvents(model.stream(USER_HELLO)));
      expect(error).toMatchObject({ code: 'transport', retryable: true });
      expect(error.message).toContain(`127.0.0.1:${port}`);
      expect(error.message).toContain('ECONNREFUSED');
    } finally {
      model.close();
    }
  });

  // A server that ignores `stream: true` and answers JSON: the adapter reads it whole, within maxEventBytes.
  it.each([
    { name: 'not JSON at all', body: 'Internal error, sorry', message: 'answered with a JSON content type but no JSON' },
    {
      name: 'larger than maxEventBytes',
      body: JSON.stringify({ object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'x'.repeat(5_000) }, finish_reason: 'stop' }] }),
      message: 'a JSON answer larger than 2048 characters',
    },
  ])('a JSON answer $name ends with invalid_chunk', async ({ body, message }) => {
    const server = createHttpServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const model = new VllmAgentModel({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, model: 'm', maxRetries: 0, maxEventBytes: 2_048 });
    try {
      const events = await collectEvents(model.stream(USER_HELLO));
      expect(events).toHaveLength(1);
      expect(terminalError(events)).toMatchObject({ code: 'invalid_chunk', message: expect.stringContaining(message) });
    } finally {
      model.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('complete() rejects with the ModelError', async () => {
    const { model } = await start({ turns: [{ type: 'error', status: 400, message: CONTEXT_MESSAGE }] }, { model: 'fake-model' });
    await expect(model.complete(USER_HELLO)).rejects.toMatchObject({ code: 'context_length_exceeded', providerMessage: CONTEXT_MESSAGE });
  });
});

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}
