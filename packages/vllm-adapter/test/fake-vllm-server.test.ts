import { join } from 'node:path';
import { createParser } from 'eventsource-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeVllmServer, type FakeVllmServerOptions, loadChatStreamRecording } from '../src/testing/index.js';
import { CHAT_STREAM_FIXTURES } from './harness.js';

const BASE_BODY = { model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] };

/** The `data` payloads of an SSE body and its comment lines, read as any client would. */
async function readSse(response: Response): Promise<{ data: string[]; comments: string[] }> {
  const data: string[] = [];
  const comments: string[] = [];
  const parser = createParser({ onEvent: (event) => data.push(event.data), onComment: (comment) => comments.push(comment.trim()) });
  parser.feed(await response.text());
  return { data, comments };
}

describe('FakeVllmServer', () => {
  const servers: FakeVllmServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  async function serve(options: FakeVllmServerOptions = {}): Promise<FakeVllmServer> {
    const server = await new FakeVllmServer(options).start();
    servers.push(server);
    return server;
  }

  const post = (server: FakeVllmServer, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('listens on 127.0.0.1 and lists its models with max_model_len', async () => {
    const server = await serve({ models: [{ id: 'm1', maxModelLen: 4_096 }] });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const list = (await (await fetch(`${server.url}/models`)).json()) as { object: string; data: Array<Record<string, unknown>> };
    expect(list.object).toBe('list');
    expect(list.data).toEqual([expect.objectContaining({ id: 'm1', object: 'model', max_model_len: 4_096 })]);
  });

  it('streams a scripted turn as vLLM does: role chunk, deltas, finish, usage with choices [], [DONE]', async () => {
    const server = await serve({
      turns: [{ parts: [{ type: 'reasoning', text: 'Hm.' }, { type: 'text', text: 'Hi there' }, { type: 'comment' }], usage: { inputTokens: 7 } }],
    });
    const response = await post(server, { ...BASE_BODY, stream: true, stream_options: { include_usage: true } });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const { data, comments } = await readSse(response);
    expect(comments).toEqual(['ping']);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((payload) => JSON.parse(payload) as { object: string; choices: Array<Record<string, unknown>>; usage?: unknown });
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { reasoning: 'Hm.' },
      { content: 'Hi ' },
      { content: 'there' },
      { content: '' },
      undefined,
    ]);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 } });
  });

  it('sends no usage chunk unless stream_options.include_usage is set', async () => {
    const server = await serve({ turns: [{ parts: [{ type: 'text', text: 'x' }] }] });
    const { data } = await readSse(await post(server, { ...BASE_BODY, stream: true }));
    expect(data.some((payload) => payload.includes('"usage"'))).toBe(false);
  });

  it('fragments tool-call arguments: id and name first, then argument pieces by index', async () => {
    const server = await serve({ turns: [{ parts: [{ type: 'tool-call', name: 'f', input: { a: 'long value' }, id: 'call_x', chunks: 4 }] }] });
    const body = { ...BASE_BODY, stream: true, tools: [{ type: 'function', function: { name: 'f', parameters: {} } }], tool_choice: 'required' };
    const { data } = await readSse(await post(server, body));
    const fragments = data
      .slice(0, -1)
      .flatMap((payload) => (JSON.parse(payload) as { choices: Array<{ delta: { tool_calls?: unknown[] } }> }).choices[0]?.delta.tool_calls ?? []);
    expect(fragments[0]).toEqual({ index: 0, id: 'call_x', type: 'function', function: { name: 'f', arguments: '' } });
    const args = fragments.slice(1).map((fragment) => (fragment as { index: number; function: { arguments: string } }).function.arguments);
    expect(args).toHaveLength(4);
    expect(args.join('')).toBe('{"a":"long value"}');
    expect(data.at(-2)).toContain('"finish_reason":"tool_calls"');
  });

  it('answers a non-streaming request with one chat.completion body', async () => {
    const server = await serve({ turns: [{ parts: [{ type: 'reasoning', text: 'R' }, { type: 'tool-call', name: 'f', input: {}, id: 'c1' }] }] });
    const body = { ...BASE_BODY, tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] };
    const completion = (await (await post(server, body)).json()) as Record<string, unknown>;
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'fake-model',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: { role: 'assistant', content: null, reasoning: 'R', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        },
      ],
      usage: { prompt_tokens: 10 },
    });
  });

  it.each([
    [{ ...BASE_BODY, tool_choice: 'required' }, 400, 'When using `tool_choice`, `tools` must be set.'],
    [{ ...BASE_BODY, stream_options: { include_usage: true } }, 400, 'Stream options can only be defined when `stream=True`.'],
    [
      { ...BASE_BODY, tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: { type: 'function', function: { name: 'g' } } },
      400,
      'The tool specified in `tool_choice` does not match any of the specified `tools`',
    ],
    [{ ...BASE_BODY, guided_json: {} }, 400, 'guided_json'],
    [{ ...BASE_BODY, model: 'other' }, 404, 'The model `other` does not exist.'],
  ])('refuses like vLLM: %j → %i', async (body, status, message) => {
    const server = await serve({ turns: [{ parts: [{ type: 'text', text: 'never' }] }] });
    const response = await post(server, body);
    expect(response.status).toBe(status);
    const error = ((await response.json()) as { error: { message: string; code: number; type: string } }).error;
    expect(error.message).toContain(message);
    expect(error.code).toBe(status);
    // A refused request does not use up a turn.
    expect((await post(server, BASE_BODY)).status).toBe(200);
  });

  it('refuses "auto" tool choice when started without --enable-auto-tool-choice', async () => {
    const server = await serve({ autoToolChoice: false, turns: [{ parts: [] }] });
    const response = await post(server, { ...BASE_BODY, tools: [{ type: 'function', function: { name: 'f' } }] });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('--enable-auto-tool-choice');
  });

  it('checks the API key like --api-key', async () => {
    const server = await serve({ apiKey: 'k', turns: [{ parts: [] }] });
    const refused = await post(server, BASE_BODY);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: 'Unauthorized' });
    expect((await post(server, BASE_BODY, { authorization: 'Bearer k' })).status).toBe(200);
  });

  it('answers an error turn with the status and both vLLM error body shapes', async () => {
    const server = await serve({
      turns: [
        { type: 'error', status: 500, message: 'boom' },
        { type: 'error', status: 400, message: 'old', format: 'legacy' },
      ],
    });
    const current = await post(server, BASE_BODY);
    expect(current.status).toBe(500);
    expect(await current.json()).toEqual({ error: { message: 'boom', type: 'InternalServerError', param: null, code: 500 } });
    expect(await (await post(server, BASE_BODY)).json()).toEqual({ object: 'error', message: 'old', type: 'BadRequestError', param: null, code: 400 });
  });

  it('says when no scripted turn is left', async () => {
    const server = await serve();
    const response = await post(server, BASE_BODY);
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('no scripted turn left');
  });

  it('asks the handler when the queue is empty', async () => {
    const server = await serve({ handler: (request) => ({ parts: [{ type: 'text', text: `echo ${(request.body as { model: string }).model}` }] }) });
    const completion = (await (await post(server, BASE_BODY)).json()) as { choices: Array<{ message: { content: string } }> };
    expect(completion.choices[0]?.message.content).toBe('echo fake-model');
  });

  it('replays a recorded stream byte for byte', async () => {
    const recording = await loadChatStreamRecording(join(CHAT_STREAM_FIXTURES, 'vllm-code-interpreter-step1-stream.json'));
    const server = await serve({ models: [{ id: 'MiniMaxAI/MiniMax-M2.1' }], turns: [{ type: 'replay', recording }] });
    const response = await post(server, recording.request.body);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(recording.response.sse);
  });

  it('streams N tokens for benchmarks', async () => {
    const server = await serve({ turns: [{ type: 'tokens', count: 50, token: 't' }] });
    const { data } = await readSse(await post(server, { ...BASE_BODY, stream: true, stream_options: { include_usage: true } }));
    const contents = data
      .slice(0, -1)
      .map((payload) => (JSON.parse(payload) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content)
      .filter((content) => content === 't');
    expect(contents).toHaveLength(50);
    expect(data.at(-2)).toContain('"completion_tokens":50');
  });

  it('records every request with headers, body and the connection it came on', async () => {
    const server = await serve({ turns: [{ parts: [] }] });
    await fetch(`${server.url}/models`, { headers: { 'x-test': 'yes' } });
    await post(server, BASE_BODY);
    expect(server.requests.map(({ method, path }) => `${method} ${path}`)).toEqual(['GET /v1/models', 'POST /v1/chat/completions']);
    expect(server.requests[0]?.headers['x-test']).toBe('yes');
    expect(server.requests[1]?.body).toEqual(BASE_BODY);
    expect(server.requests[1]?.connectionId).toBeGreaterThan(0);
    expect(server.requests.map((request) => request.outcome)).toEqual(['completed', 'completed']);
  });

  it('reports a client that hangs up mid-stream', async () => {
    const server = await serve({ turns: [{ parts: [{ type: 'text', text: 'first' }], ending: 'hang' }] });
    const response = await post(server, { ...BASE_BODY, stream: true });
    const reader = response.body?.getReader();
    await reader?.read();
    await reader?.cancel();
    const closed = await server.waitForClientClose();
    expect(closed.outcome).toBe('client-closed');
  });
});
