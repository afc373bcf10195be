import { describe, expect, it } from 'vitest';
import { useGateways } from '../src/testing/gateway-harness.js';
import { checkResponseStream, type StreamEvent } from '../src/testing/response-stream-checker.js';
import { readSseEvents } from '../src/testing/sse-events.js';
import { assertResponseResource, responseResourceProblems } from '../src/testing/stream-event-schema.js';
import { connectResponsesWS } from '../src/testing/websocket-frames.js';

// Every response object the gateway shows (JSON body, stream snapshots over SSE and WebSocket,
// GET, replay) must fit the Open Responses ResponseResource, and echo what the request asked.
// readSseEvents, checkResponseStream and FrameLog check every event against the spec's schemas.

const startGateway = useGateways();

/** Every request setting the response object echoes, each set away from its default. */
const ECHOED_SETTINGS = {
  temperature: 0.3,
  top_p: 0.8,
  presence_penalty: 0.5,
  frequency_penalty: -0.25,
  top_logprobs: 3,
  reasoning: { effort: 'low', summary: 'detailed' },
  service_tier: 'flex',
  safety_identifier: 'user-hash-1',
  prompt_cache_key: 'cache-key-1',
  user: 'alice',
  truncation: 'auto',
  max_tool_calls: 4,
  max_output_tokens: 64,
  parallel_tool_calls: false,
  instructions: 'Be brief.',
  metadata: { ticket: 'T-1' },
  text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object', properties: { a: { type: 'string' } } }, strict: false }, verbosity: 'low' },
  tools: [{ type: 'function', name: 'lookup', description: 'Looks up', parameters: { type: 'object', properties: {} }, strict: false }],
  tool_choice: { type: 'function', name: 'lookup' },
} as const;

const EXPECTED_ECHO = {
  ...ECHOED_SETTINGS,
  text: { format: { ...ECHOED_SETTINGS.text.format, description: null }, verbosity: 'low' },
};

async function createJson(harness: Awaited<ReturnType<typeof startGateway>>, body: Record<string, unknown>) {
  const answer = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'hi', ...body } });
  expect(answer.status).toBe(200);
  return await answer.json() as Record<string, unknown> & { id: string };
}

async function createStream(harness: Awaited<ReturnType<typeof startGateway>>, body: Record<string, unknown>) {
  const events = await readSseEvents(await harness.fetch('/v1/responses', { body: { model: 'm', input: 'hi', stream: true, ...body } }));
  return { events, checked: checkResponseStream(events) };
}

async function getStored(harness: Awaited<ReturnType<typeof startGateway>>, id: string) {
  const answer = await harness.fetch(`/v1/responses/${id}`);
  expect(answer.status).toBe(200);
  const stored = await answer.json();
  assertResponseResource(stored);
  return stored as Record<string, unknown>;
}

async function replay(harness: Awaited<ReturnType<typeof startGateway>>, id: string): Promise<StreamEvent[]> {
  const events = await readSseEvents(await harness.fetch(`/v1/responses/${id}?stream=true`));
  checkResponseStream(events);
  return events;
}

describe('the response object, against the Open Responses ResponseResource', () => {
  it('has every required field with its type when the request sets nothing, and the sampling defaults are what went upstream', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'text', text: 'Hello' }] }] });
    const body = await createJson(harness, {});

    assertResponseResource(body);
    expect(body).toMatchObject({
      temperature: 1, top_p: 1, presence_penalty: 0, frequency_penalty: 0, top_logprobs: 0,
      reasoning: { effort: null, summary: null }, service_tier: 'default', safety_identifier: null, prompt_cache_key: null,
      user: null, truncation: 'disabled', max_tool_calls: null, text: { format: { type: 'text' } }, tool_choice: 'auto', tools: [],
      usage: { input_tokens: 10, output_tokens: 1, total_tokens: 11, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } },
    });
    expect(harness.model!.calls[0]!.request).toMatchObject({ temperature: 1, topP: 1 });
    expect(harness.model!.calls[0]!.request.presencePenalty).toBeUndefined();
    expect(await getStored(harness, body.id)).toEqual(body);
  });

  it('echoes the configured sampling defaults, which are the ones sent upstream', async () => {
    const harness = await startGateway({
      model: [{ parts: [{ type: 'text', text: 'Hello' }] }],
      config: { defaultTemperature: 0.6, defaultTopP: 0.95 },
    });
    const { checked } = await createStream(harness, {});

    expect(checked.terminal.response).toMatchObject({ temperature: 0.6, top_p: 0.95 });
    expect(harness.model!.calls[0]!.request).toMatchObject({ temperature: 0.6, topP: 0.95 });
  });

  it('echoes every setting of the request in the JSON body, the stream, GET and the replay', async () => {
    const harness = await startGateway({
      model: [
        { parts: [{ type: 'tool-call', name: 'lookup', input: {} }] },
        { parts: [{ type: 'tool-call', name: 'lookup', input: {} }] },
      ],
    });
    const body = await createJson(harness, ECHOED_SETTINGS);
    expect(body).toMatchObject(EXPECTED_ECHO);
    expect(harness.model!.calls[0]!.request).toMatchObject({ temperature: 0.3, topP: 0.8, presencePenalty: 0.5, frequencyPenalty: -0.25 });

    const { events } = await createStream(harness, ECHOED_SETTINGS);
    const lifecycle = events.filter((event) => event.type === 'response.created' || event.type === 'response.in_progress' || event.type === 'response.completed');
    expect(lifecycle).toHaveLength(3);
    for (const event of lifecycle) expect(event.response).toMatchObject(EXPECTED_ECHO);
    const id = (events[0]!.response as { id: string }).id;
    expect(await getStored(harness, id)).toMatchObject(EXPECTED_ECHO);
    const replayed = await replay(harness, id);
    expect(replayed.at(-1)!.response).toMatchObject(EXPECTED_ECHO);
  });

  it('fits the spec in a stream that calls a client tool', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'reasoning', text: 'Need data.' }, { type: 'tool-call', name: 'lookup', input: { q: 'x' } }] }] });
    const { checked } = await createStream(harness, { tools: ECHOED_SETTINGS.tools });

    expect(checked.items.map((item) => item.type)).toEqual(['reasoning', 'function_call']);
    await getStored(harness, checked.terminal.response.id);
    await replay(harness, checked.terminal.response.id);
  });

  it('fits the spec in a failed response', async () => {
    const harness = await startGateway({
      model: [{ parts: [{ type: 'text', text: 'partial answer' }], error: { code: 'provider_error', message: 'upstream broke', status: 500, afterParts: true } }],
    });
    const { checked } = await createStream(harness, {});

    expect(checked.terminal.type).toBe('response.failed');
    expect(checked.terminal.response.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    await getStored(harness, checked.terminal.response.id);
    await replay(harness, checked.terminal.response.id);
  });

  it('fits the spec in an incomplete response', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'text', text: 'cut short' }], finish: 'length' }] });
    const { checked } = await createStream(harness, { max_output_tokens: 16 });

    expect(checked.terminal.type).toBe('response.incomplete');
    expect(checked.terminal.response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    await getStored(harness, checked.terminal.response.id);
  });

  it('fits the spec in a cancelled background response, and in its queued snapshot', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'text', text: 'slow' }, { type: 'delay', ms: 10_000 }, { type: 'text', text: 'never' }] }] });
    const queued = await createJson(harness, { background: true });
    assertResponseResource(queued);
    await harness.waitForStatus(queued.id, ['in_progress']);
    const cancelled = await harness.fetch(`/v1/responses/${queued.id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    assertResponseResource(await cancelled.json());
    await harness.waitForStatus(queued.id, ['cancelled']);
    await getStored(harness, queued.id);
    await replay(harness, queued.id);
  });

  it('fits the spec over WebSocket, for a completed and a failed response', async () => {
    const harness = await startGateway({
      model: [
        { parts: [{ type: 'text', text: 'Hello over WS' }] },
        { parts: [], error: { code: 'provider_error', message: 'upstream broke', status: 500 } },
      ],
    });
    const { ws, log } = connectResponsesWS(harness);
    try {
      const { tools: _tools, tool_choice: _choice, text: _text, ...settings } = ECHOED_SETTINGS;
      ws.send({ type: 'response.create', model: 'm', input: 'hi', ...settings, service_tier: 'flex' });
      const [done] = await log.terminals(1);
      expect(done!.type).toBe('response.completed');
      expect(done!.response).toMatchObject({ temperature: 0.3, top_p: 0.8, reasoning: { effort: 'low', summary: 'detailed' }, service_tier: 'flex' });
      ws.send({ type: 'response.create', model: 'm', input: 'again' });
      const terminals = await log.terminals(2);
      expect(terminals[1]!.type).toBe('response.failed');
      for (const id of log.responseIds()) checkResponseStream(log.eventsOf(id));
    } finally {
      ws.close();
    }
  });

  it('reports what is missing from an object that does not fit', () => {
    expect(responseResourceProblems({ id: 'resp_1', object: 'response' })).toEqual(expect.arrayContaining([
      expect.stringContaining("required property 'temperature'"),
      expect.stringContaining("required property 'prompt_cache_key'"),
    ]));
  });
});

describe('request settings out of range', () => {
  it.each([
    ['presence_penalty', 3],
    ['frequency_penalty', -2.5],
    ['top_logprobs', 21],
    ['service_tier', 'turbo'],
    ['reasoning.effort', 'extreme'],
    ['reasoning.summary', 'verbose'],
    ['text.verbosity', 'loud'],
    ['safety_identifier', 'x'.repeat(65)],
  ])('answers 400 naming %s', async (param, value) => {
    const harness = await startGateway({ model: [] });
    const [head, tail] = param.split('.') as [string, string | undefined];
    const body = tail === undefined ? { [head]: value } : { [head]: { [tail]: value } };
    const answer = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'hi', ...body } });
    expect(answer.status).toBe(400);
    expect((await answer.json() as { error: { param: string; type: string } }).error).toMatchObject({ param, type: 'invalid_request_error' });
  });
});
