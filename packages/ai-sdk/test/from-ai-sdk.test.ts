import type { IAgentModel, ModelError, ModelRequest, ModelStreamEvent } from '@agentport/core';
import { APICallError, InvalidResponseDataError, type LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { MockLanguageModelV3, MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { AI_SDK_MODEL_CAPABILITIES, fromAiSdk } from '../src/index.js';
import { apiCallError, finishPart, mockModel, partStream, textBlock, toolCallParts } from './v4-script.js';

const WEATHER = {
  name: 'get_weather',
  description: 'The weather in a city.',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};
const HELLO: ModelRequest = { messages: [{ role: 'user', content: 'Hello' }] };
const START: LanguageModelV4StreamPart = { type: 'stream-start', warnings: [] };

async function collect(stream: AsyncIterable<ModelStreamEvent>): Promise<ModelStreamEvent[]> {
  const events: ModelStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

function terminalError(events: ModelStreamEvent[]): ModelError {
  const last = events.at(-1);
  if (last?.type !== 'error') throw new Error(`expected an error at the end, got ${JSON.stringify(last)}`);
  return last.error;
}

function throwingModel(error: unknown): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    doStream: async () => {
      throw error;
    },
  });
}

describe('fromAiSdk: the request as AI SDK call options', () => {
  it('maps messages, tools, tool choice, output, sampling, provider options and headers', async () => {
    const model = mockModel([START, ...toolCallParts('call_2', 'get_weather', '{"city":"Lyon"}'), finishPart('tool-calls')]);
    const request: ModelRequest = {
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', url: 'https://img.test/cat.png' }, { type: 'image', url: 'data:image/png;base64,iVBORw0K' }] },
        { role: 'assistant', content: '', reasoning: 'The user wants the weather.', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
        { role: 'tool', toolCallId: 'call_1', content: 'sunny' },
      ],
      tools: [WEATHER],
      toolChoice: { name: 'get_weather' },
      output: { type: 'json_schema', name: 'city', schema: { type: 'object' }, description: 'A city' },
      temperature: 0.2, topP: 0.9, presencePenalty: 0.1, frequencyPenalty: 0.3, maxOutputTokens: 64, stop: ['END'], seed: 7,
      providerOptions: { vllm: { chat_template_kwargs: { enable_thinking: false } } },
    };
    const events = await collect(fromAiSdk(model).stream(request, { headers: { traceparent: '00-abc-def-01' } }));
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls' });
    const call = model.doStreamCalls[0]!;
    expect(call.prompt).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [
        { type: 'text', text: 'What is this?' },
        { type: 'file', mediaType: 'image/*', data: { type: 'url', url: new URL('https://img.test/cat.png') } },
        { type: 'file', mediaType: 'image/png', data: { type: 'data', data: 'iVBORw0K' } },
      ] },
      { role: 'assistant', content: [
        { type: 'reasoning', text: 'The user wants the weather.' },
        { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } },
      ] },
      { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', output: { type: 'text', value: 'sunny' } }] },
    ]);
    expect(call.tools).toEqual([{ type: 'function', name: 'get_weather', description: WEATHER.description, inputSchema: WEATHER.parameters, strict: true }]);
    expect(call.toolChoice).toEqual({ type: 'tool', toolName: 'get_weather' });
    expect(call.responseFormat).toEqual({ type: 'json', name: 'city', schema: { type: 'object' }, description: 'A city' });
    expect(call).toMatchObject({
      temperature: 0.2, topP: 0.9, presencePenalty: 0.1, frequencyPenalty: 0.3, maxOutputTokens: 64, stopSequences: ['END'], seed: 7,
      providerOptions: { vllm: { chat_template_kwargs: { enable_thinking: false } } },
      headers: { traceparent: '00-abc-def-01' },
    });
    expect(call.abortSignal).toBeInstanceOf(AbortSignal);
  });

  it.each([['auto', { type: 'auto' }], ['none', { type: 'none' }], ['required', { type: 'required' }]] as const)(
    'maps tool choice %s',
    async (toolChoice, expected) => {
      const model = mockModel([START, ...toolCallParts('call_1', 'get_weather', '{"city":"Oslo"}'), finishPart('tool-calls')]);
      await collect(fromAiSdk(model).stream({ ...HELLO, tools: [WEATHER], toolChoice }));
      expect(model.doStreamCalls[0]!.toolChoice).toEqual(expected);
    },
  );

  it('warns that parallelToolCalls: false cannot be passed on', async () => {
    const events = await collect(fromAiSdk(mockModel([START, ...textBlock('hi'), finishPart('stop')])).stream({ ...HELLO, parallelToolCalls: false }));
    expect(events[0]).toMatchObject({ type: 'warning', warning: { code: 'unsupported_setting', message: expect.stringContaining('parallelToolCalls') } });
  });
});

describe('fromAiSdk: stream parts as port events', () => {
  it('passes the provider\'s warnings, usage details and finish on', async () => {
    const model = mockModel([
      { type: 'stream-start', warnings: [{ type: 'unsupported', feature: 'topK' }, { type: 'other', message: 'slow today' }] },
      ...textBlock('Hi there'),
      { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: {
        inputTokens: { total: 100, noCache: 60, cacheRead: 40, cacheWrite: undefined },
        outputTokens: { total: 30, text: 10, reasoning: 20 },
      } },
    ]);
    const events = await collect(fromAiSdk(model).stream(HELLO));
    expect(events).toEqual([
      { type: 'warning', warning: { code: 'unsupported_setting', message: 'topK is not supported' } },
      { type: 'warning', warning: { code: 'provider_warning', message: 'slow today' } },
      { type: 'text-delta', delta: 'Hi ' },
      { type: 'text-delta', delta: 'there' },
      { type: 'usage', usage: { inputTokens: 100, outputTokens: 30, totalTokens: 130, cachedInputTokens: 40, reasoningTokens: 20 } },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it.each([
    ['content-filter', 'content_filter'],
    ['other', 'stop'],
  ] as const)('maps finish %s to %s', async (unified, reason) => {
    const events = await collect(fromAiSdk(mockModel([START, ...textBlock('x'), finishPart(unified)])).stream(HELLO));
    expect(events.at(-1)).toEqual({ type: 'finish', reason });
  });

  it('says tool_calls when a provider finishes a tool call with stop', async () => {
    const events = await collect(fromAiSdk(mockModel([START, ...toolCallParts('c1', 'get_weather', '{"city":"Rome"}'), finishPart('stop')]))
      .stream({ ...HELLO, tools: [WEATHER] }));
    expect(events.filter((event) => event.type === 'tool-call-delta').map((event) => event.argumentsDelta).join('')).toBe('{"city":"Rome"}');
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls' });
  });

  it.each([
    ['error', 'provider_error', true],
    ['interrupted', 'transport', true],
  ] as const)('ends a finish of %s with a %s error', async (unified, code, retryable) => {
    const events = await collect(fromAiSdk(mockModel([START, ...textBlock('half'), finishPart(unified)])).stream(HELLO));
    expect(terminalError(events)).toMatchObject({ code, retryable });
    expect(events.filter((event) => event.type === 'finish')).toEqual([]);
  });

  it('ends with invalid_chunk when the stream closes without a finish part', async () => {
    const events = await collect(fromAiSdk(mockModel([START, ...textBlock('cut')])).stream(HELLO));
    expect(terminalError(events).code).toBe('invalid_chunk');
  });

  it('ends with the mapped error of a stream error part and reads no further', async () => {
    const model = mockModel([START, ...textBlock('so far'), { type: 'error', error: apiCallError(429, 'slow down') }, ...textBlock('never')]);
    const events = await collect(fromAiSdk(model).stream(HELLO));
    expect(terminalError(events)).toMatchObject({ code: 'rate_limited', retryable: true, status: 429, providerMessage: 'slow down' });
    expect(events.filter((event) => event.type === 'text-delta').map((event) => event.delta).join('')).toBe('so far');
  });

  it.each([
    ['a tool the request does not offer', 'get_time', '{}', {}],
    ['a tool other than the named tool choice', 'get_weather', '{"city":"Rome"}', { toolChoice: { name: 'get_time' } }],
    ['any tool under tool choice none', 'get_weather', '{"city":"Rome"}', { toolChoice: 'none' }],
  ] as const)('ends with invalid_tool_arguments for a call of %s', async (_label, toolName, args, extra) => {
    const tools = [WEATHER, { ...WEATHER, name: 'get_time' }].filter((tool) => tool.name !== 'get_time' || 'toolChoice' in extra);
    const model = mockModel([START, ...toolCallParts('c1', toolName, args), finishPart('tool-calls')]);
    const events = await collect(fromAiSdk(model).stream({ ...HELLO, tools, ...extra }));
    expect(terminalError(events).code).toBe('invalid_tool_arguments');
    expect(events.some((event) => event.type === 'tool-call')).toBe(false);
  });

  it('ends with invalid_tool_arguments when tool choice required gets a plain answer', async () => {
    const events = await collect(fromAiSdk(mockModel([START, ...textBlock('no tools'), finishPart('stop')])).stream({ ...HELLO, tools: [WEATHER], toolChoice: 'required' }));
    expect(terminalError(events)).toMatchObject({ code: 'invalid_tool_arguments', message: expect.stringContaining('required') });
  });

  it('ends with invalid_structured_output for an answer that breaks the schema', async () => {
    const model = mockModel([START, ...textBlock('{"city": 42}'), finishPart('stop')]);
    const output = { type: 'json_schema' as const, name: 'city', schema: WEATHER.parameters };
    const events = await collect(fromAiSdk(model).stream({ ...HELLO, output }));
    expect(terminalError(events)).toMatchObject({ code: 'invalid_structured_output', message: expect.stringContaining('/city') });
  });
});

describe('fromAiSdk: AI SDK errors as ModelErrors', () => {
  it.each([
    ['a 429', apiCallError(429, 'Rate limit reached'), 'rate_limited', true],
    ['a 404', apiCallError(404, 'The model `x` does not exist.'), 'model_not_found', false],
    ['a 400 about the context length', apiCallError(400, "This model's maximum context length is 8192 tokens"), 'context_length_exceeded', false],
    ['another 400', apiCallError(400, 'temperature must be positive'), 'bad_request', false],
    ['a 503', apiCallError(503, 'overloaded'), 'provider_error', true],
    ['a call that reached no server', apiCallError(undefined, 'Cannot connect to API: connect ECONNREFUSED'), 'transport', true],
    ['fetch failing', Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }), 'transport', true],
    ['an abort', new DOMException('This operation was aborted', 'AbortError'), 'cancelled', false],
    ['a response that does not parse', new InvalidResponseDataError({ data: {}, message: 'no choices' }), 'invalid_chunk', false],
    ['anything else', new Error('boom'), 'provider_error', true],
  ])('maps %s thrown by doStream', async (_label, thrown, code, retryable) => {
    const events = await collect(fromAiSdk(throwingModel(thrown)).stream(HELLO));
    expect(events).toHaveLength(1);
    const error = terminalError(events);
    expect(error).toMatchObject({ code, retryable });
    if (APICallError.isInstance(thrown)) expect(error.providerMessage).toBe(thrown.message);
  });

  it('complete() rejects with the mapped error', async () => {
    await expect(fromAiSdk(throwingModel(apiCallError(429, 'later'))).complete(HELLO)).rejects.toMatchObject({ code: 'rate_limited', status: 429 });
  });
});

describe('fromAiSdk: signals and time limits', () => {
  it('ends a provider that never answers with a timeout at timeoutMs, not retryable', async () => {
    let providerSignal: AbortSignal | undefined;
    const hanging = new MockLanguageModelV4({
      doStream: (options) => {
        providerSignal = options.abortSignal;
        return new Promise(() => undefined);
      },
    });
    const started = Date.now();
    const events = await collect(fromAiSdk(hanging).stream(HELLO, { timeoutMs: 50 }));
    expect(terminalError(events)).toMatchObject({ code: 'timeout', retryable: false });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(providerSignal?.aborted).toBe(true);
  });

  it('ends a stream that goes quiet with a timeout after idleTimeoutMs, keeping what came', async () => {
    const quiet = new MockLanguageModelV4({
      doStream: async () => ({
        stream: new ReadableStream<LanguageModelV4StreamPart>({
          start(controller) {
            for (const part of [START, ...textBlock('first words').slice(0, 2)]) controller.enqueue(part);
          },
        }),
      }),
    });
    const events = await collect(fromAiSdk(quiet).stream(HELLO, { idleTimeoutMs: 50 }));
    expect(events.filter((event) => event.type === 'text-delta')).toEqual([{ type: 'text-delta', delta: 'first ' }]);
    expect(terminalError(events)).toMatchObject({ code: 'timeout', message: expect.stringContaining('50 ms') });
  });

  it('aborts the provider call when the reader stops early', async () => {
    const model = mockModel([START, ...textBlock('one two three four five')], 5);
    for await (const event of fromAiSdk(model).stream(HELLO)) {
      if (event.type === 'text-delta') break;
    }
    expect(model.doStreamCalls[0]!.abortSignal?.aborted).toBe(true);
  });
});

describe('fromAiSdk: spec versions and capabilities', () => {
  it('takes a V3 model, its image parts in V3 form', async () => {
    const v3 = new MockLanguageModelV3({
      provider: 'legacy', modelId: 'v3-model',
      doStream: async () => ({ stream: partStream([START, ...textBlock('a cat'), finishPart('stop')]) as never }),
    });
    const model = fromAiSdk(v3);
    const response = await model.complete({ messages: [{ role: 'user', content: [{ type: 'image', url: 'https://img.test/cat.png' }] }] });
    expect(response.text).toBe('a cat');
    expect(model.id).toBe('ai-sdk:legacy:v3-model');
    expect(v3.doStreamCalls[0]!.prompt[0]).toEqual({ role: 'user', content: [{ type: 'file', mediaType: 'image/*', data: new URL('https://img.test/cat.png') }] });
  });

  it('refuses a model of another spec version', () => {
    expect(() => fromAiSdk({ specificationVersion: 'v2', provider: 'p', modelId: 'm' } as never)).toThrow(/v4 or v3/);
  });

  it('promises validated tool calls and structured output unless told more', () => {
    const model = fromAiSdk(mockModel([]));
    expect(model.capabilities()).toEqual(AI_SDK_MODEL_CAPABILITIES);
    expect(model.capabilities().structuredOutput).toBe('validated');
    const told = fromAiSdk(mockModel([]), { id: 'vllm-via-ai-sdk', capabilities: { structuredOutput: 'constrained', toolChoice: { named: 'constrained' } } });
    expect(told.id).toBe('vllm-via-ai-sdk');
    expect(told.capabilities()).toMatchObject({ structuredOutput: 'constrained', toolChoice: { auto: 'validated', required: 'validated', named: 'constrained' } });
  });

  it('has no countInputTokens: the AI SDK cannot count', () => {
    const model: IAgentModel = fromAiSdk(mockModel([]));
    expect(model.countInputTokens).toBeUndefined();
  });
});
