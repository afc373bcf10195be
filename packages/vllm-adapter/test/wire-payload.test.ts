import type { ModelRequest, ModelToolSpec } from '@agentport/core';
import { describe, expect, it } from 'vitest';
import { collectEvents, terminalError, USER_HELLO, useHarness } from './harness.js';

const WEATHER: ModelToolSpec = {
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};
const CLOCK: ModelToolSpec = { name: 'get_time', parameters: { type: 'object', properties: {} } };

const WEATHER_WIRE = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    strict: true,
  },
};

const CITY_SCHEMA = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };

describe('the chat-completions body the adapter sends', () => {
  const start = useHarness();

  async function send(request: ModelRequest, modelOptions = {}) {
    const harness = await start({ turns: [{ parts: [{ type: 'text', text: 'ok' }] }] }, { model: 'fake-model', ...modelOptions });
    const events = await collectEvents(harness.model.stream(request));
    return { ...harness, events, body: harness.server.chatRequests.at(-1)?.body as Record<string, unknown> | undefined };
  }

  it('maps a plain request with sampling (penalties included), max_completion_tokens and stream_options.include_usage', async () => {
    const { body } = await send({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', url: 'data:image/png;base64,AAAA' }] },
      ],
      temperature: 0.2,
      topP: 0.9,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      maxOutputTokens: 128,
      stop: ['END'],
      seed: 7,
    });
    expect(body).toEqual({
      model: 'fake-model',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
      ],
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.2,
      top_p: 0.9,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      max_completion_tokens: 128,
      stop: ['END'],
      seed: 7,
    });
  });

  it('structured output: response_format json_schema with name, schema and strict', async () => {
    const { body } = await send({
      ...USER_HELLO,
      output: { type: 'json_schema', name: 'city', schema: CITY_SCHEMA, strict: true },
    });
    expect(body?.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'city', schema: CITY_SCHEMA, strict: true } });
  });

  it('tool_choice "required" with the strict tool', async () => {
    const { body, events } = await send({ ...USER_HELLO, tools: [WEATHER], toolChoice: 'required' });
    expect(body?.tools).toEqual([WEATHER_WIRE]);
    expect(body?.tool_choice).toBe('required');
    expect(events.some((event) => event.type === 'warning')).toBe(false);
  });

  it('a named tool choice', async () => {
    const { body } = await send({ ...USER_HELLO, tools: [WEATHER, CLOCK], toolChoice: { name: 'get_weather' }, parallelToolCalls: false });
    expect(body?.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(body?.tools).toEqual([WEATHER_WIRE, { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } }]);
    expect(body?.parallel_tool_calls).toBe(false);
  });

  it('"auto" with a strict tool, strictAutoToolChoice validate (default): sent, a warning first, capability validated', async () => {
    const { body, events, model } = await send({ ...USER_HELLO, tools: [WEATHER], toolChoice: 'auto' });
    expect(body?.tool_choice).toBe('auto');
    expect(body?.tools).toEqual([WEATHER_WIRE]);
    expect(events[0]).toEqual({ type: 'warning', warning: { code: 'unconstrained_auto_tool_choice', message: expect.stringContaining('auto') } });
    expect(model.capabilities().toolChoice.auto).toBe('validated');
  });

  it('"auto" implied by tools alone counts as "auto" too, and sends no tool_choice', async () => {
    const { body, events } = await send({ ...USER_HELLO, tools: [WEATHER] });
    expect(body).not.toHaveProperty('tool_choice');
    expect(events[0]?.type).toBe('warning');
  });

  it('"auto" with a strict tool, strictAutoToolChoice enforced: sent, no warning, capability constrained', async () => {
    const { body, events, model } = await send({ ...USER_HELLO, tools: [WEATHER], toolChoice: 'auto' }, { strictAutoToolChoice: 'enforced' });
    expect(body?.tool_choice).toBe('auto');
    expect(body?.tools).toEqual([WEATHER_WIRE]);
    expect(events.some((event) => event.type === 'warning')).toBe(false);
    expect(model.capabilities().toolChoice.auto).toBe('constrained');
  });

  it('"auto" with a strict tool, strictAutoToolChoice reject: unsupported_capability and nothing sent', async () => {
    const { server, events, model } = await send({ ...USER_HELLO, tools: [WEATHER], toolChoice: 'auto' }, { strictAutoToolChoice: 'reject' });
    expect(terminalError(events).code).toBe('unsupported_capability');
    expect(events).toHaveLength(1);
    expect(server.chatRequests).toHaveLength(0);
    expect(model.capabilities().toolChoice.auto).toBe('unsupported');
  });

  it('"auto" with only non-strict tools is sent without a warning under every setting', async () => {
    for (const strictAutoToolChoice of ['validate', 'enforced', 'reject'] as const) {
      const { body, events } = await send({ ...USER_HELLO, tools: [CLOCK], toolChoice: 'auto' }, { strictAutoToolChoice });
      expect(body?.tool_choice).toBe('auto');
      expect(events.map((event) => event.type)).not.toContain('warning');
      expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    }
  });

  it('assistant tool calls and tool results in the history', async () => {
    const { body } = await send({
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: '',
          reasoning: 'I should look it up.',
          toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
        },
        { role: 'tool', toolCallId: 'call_1', content: '{"temp":21}' },
        { role: 'assistant', content: 'It is 21 degrees.' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [WEATHER],
      toolChoice: 'none',
    });
    expect(body?.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: '',
        reasoning: 'I should look it up.',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
      { role: 'assistant', content: 'It is 21 degrees.' },
      { role: 'user', content: 'Thanks' },
    ]);
    expect(body?.tool_choice).toBe('none');
  });

  it('chat_template_kwargs from the config, with the request\'s own keys winning', async () => {
    const { body } = await send(
      { ...USER_HELLO, providerOptions: { vllm: { chat_template_kwargs: { enable_thinking: true }, top_k: 20 } } },
      { chatTemplateKwargs: { enable_thinking: false, reasoning_budget: 256 } },
    );
    expect(body?.chat_template_kwargs).toEqual({ enable_thinking: true, reasoning_budget: 256 });
    expect(body?.top_k).toBe(20);
  });

  it('no chat_template_kwargs key when there are none', async () => {
    const { body } = await send(USER_HELLO);
    expect(body).not.toHaveProperty('chat_template_kwargs');
  });

  it('provider options cannot override the mapped fields', async () => {
    const { body } = await send({ ...USER_HELLO, providerOptions: { vllm: { model: 'other', stream: false, messages: [] } } });
    expect(body?.model).toBe('fake-model');
    expect(body?.stream).toBe(true);
    expect(body?.messages).toEqual(USER_HELLO.messages);
  });

  it('never sends a guided_* field: one asked for through provider options fails the call before anything is sent', async () => {
    const { server, events } = await send({ ...USER_HELLO, providerOptions: { vllm: { guided_json: CITY_SCHEMA } } });
    const error = terminalError(events);
    expect(error.code).toBe('bad_request');
    expect(error.message).toContain('guided_json');
    expect(server.chatRequests).toHaveLength(0);
  });

  it('no guided_* key in any request the adapter builds', async () => {
    const requests: ModelRequest[] = [
      { ...USER_HELLO, output: { type: 'json_schema', name: 'city', schema: CITY_SCHEMA } },
      { ...USER_HELLO, tools: [WEATHER], toolChoice: 'required' },
      { ...USER_HELLO, tools: [WEATHER], toolChoice: { name: 'get_weather' } },
    ];
    for (const request of requests) {
      const { body } = await send(request);
      expect(Object.keys(body ?? {}).filter((key) => key.startsWith('guided_'))).toEqual([]);
    }
  });

  it('tool_choice "required" without tools, or a named tool that is not offered, fails before sending', async () => {
    const required = await send({ ...USER_HELLO, toolChoice: 'required' });
    expect(terminalError(required.events).code).toBe('bad_request');
    expect(required.server.chatRequests).toHaveLength(0);
    const named = await send({ ...USER_HELLO, tools: [CLOCK], toolChoice: { name: 'get_weather' } });
    expect(terminalError(named.events).message).toContain('get_weather');
    expect(named.server.chatRequests).toHaveLength(0);
  });

  it('"auto" or "none" without tools sends no tool_choice (vLLM would answer 400)', async () => {
    const { body, events } = await send({ ...USER_HELLO, toolChoice: 'auto' });
    expect(body).not.toHaveProperty('tool_choice');
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it('sends the API key as a bearer token', async () => {
    const harness = await start({ apiKey: 'sk-local', turns: [{ parts: [{ type: 'text', text: 'ok' }] }] }, { apiKey: 'sk-local' });
    const events = await collectEvents(harness.model.stream(USER_HELLO));
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    expect(harness.server.requests.map((request) => request.headers.authorization)).toEqual(['Bearer sk-local', 'Bearer sk-local']);
  });

  it('uses the first model /v1/models lists when none is configured, looked up once', async () => {
    const harness = await start({
      models: [{ id: 'Qwen/Qwen3-8B', maxModelLen: 40_960 }, { id: 'other' }],
      turns: [{ parts: [{ type: 'text', text: 'a' }] }, { parts: [{ type: 'text', text: 'b' }] }],
    });
    expect(harness.model.id).toBe('vllm:default');
    await Promise.all([collectEvents(harness.model.stream(USER_HELLO)), collectEvents(harness.model.stream(USER_HELLO))]);
    expect(harness.server.requests.filter((request) => request.path === '/v1/models')).toHaveLength(1);
    expect(harness.server.chatRequests.map((request) => (request.body as { model: string }).model)).toEqual(['Qwen/Qwen3-8B', 'Qwen/Qwen3-8B']);
    expect(harness.model.id).toBe('vllm:Qwen/Qwen3-8B');
  });
});
