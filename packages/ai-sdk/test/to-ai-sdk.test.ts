import { setTimeout as sleep } from 'node:timers/promises';
import type { IAgentModel } from '@agentport/core';
import { ScriptedModel } from '@agentport/core/testing';
import { APICallError, InvalidResponseDataError } from '@ai-sdk/provider';
import { generateObject, generateText, jsonSchema, Output, stepCountIs, streamText, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { toAiSdk } from '../src/index.js';

const CITY_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, population: { type: 'integer' } },
  required: ['city', 'population'],
  additionalProperties: false,
} as const;

const weather = tool({
  description: 'The weather in a city',
  inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false }),
  execute: async ({ city }) => ({ city, sky: 'clear' }),
});

describe('toAiSdk with ai\'s generateText', () => {
  it('runs a two-step tool loop: the call parsed and executed by ai, its result fed back to the agentport model', async () => {
    const model = new ScriptedModel([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Paris' }, id: 'call_w' }], usage: { inputTokens: 20, outputTokens: 5 } },
      { parts: [{ type: 'text', text: 'It is clear in Paris.' }], usage: { inputTokens: 40, outputTokens: 6 } },
    ]);
    const result = await generateText({
      model: toAiSdk(model), system: 'Be brief.', prompt: 'Weather in Paris?', tools: { weather }, stopWhen: stepCountIs(3), temperature: 0.3,
    });
    expect(result.text).toBe('It is clear in Paris.');
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]!.toolCalls[0]).toMatchObject({ toolCallId: 'call_w', toolName: 'weather', input: { city: 'Paris' } });
    expect(result.steps[0]!.toolResults[0]).toMatchObject({ output: { city: 'Paris', sky: 'clear' } });
    expect(result.finishReason).toBe('stop');
    expect(result.totalUsage).toMatchObject({ inputTokens: 60, outputTokens: 11, totalTokens: 71 });

    expect(model.requests[0]).toMatchObject({
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Weather in Paris?' }],
      tools: [{ name: 'weather', description: 'The weather in a city', parameters: { required: ['city'] } }],
      toolChoice: 'auto',
      temperature: 0.3,
    });
    expect(model.requests[1]!.messages.slice(2)).toEqual([
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_w', name: 'weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', toolCallId: 'call_w', content: '{"city":"Paris","sky":"clear"}' },
    ]);
  });

  it('returns a structured object from Output.object, the schema sent as the request\'s output', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'structured-output', value: { city: 'Paris', population: 2102650 } }] }]);
    const result = await generateText({
      model: toAiSdk(model), prompt: 'Facts about Paris.',
      output: Output.object({ name: 'city_facts', schema: jsonSchema<{ city: string; population: number }>(CITY_SCHEMA) }),
    });
    expect(result.output).toEqual({ city: 'Paris', population: 2102650 });
    expect(model.requests[0]!.output).toMatchObject({ type: 'json_schema', name: 'city_facts', schema: { required: ['city', 'population'] } });
  });

  it('generateObject gets the object', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'structured-output', value: { city: 'Oslo', population: 709037 } }] }]);
    const { object } = await generateObject({ model: toAiSdk(model), prompt: 'Facts about Oslo.', schema: jsonSchema<{ city: string; population: number }>(CITY_SCHEMA) });
    expect(object).toEqual({ city: 'Oslo', population: 709037 });
  });

  it('reports a port error as an APICallError with its status, and retries only what may be retried', async () => {
    const refused = new ScriptedModel(() => ({ parts: [], error: { code: 'bad_request', status: 400, message: 'temperature must be positive' } }));
    const failure = await generateText({ model: toAiSdk(refused), prompt: 'Hi', maxRetries: 2 }).catch((error: unknown) => error);
    expect(APICallError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ statusCode: 400, isRetryable: false, message: 'temperature must be positive' });
    expect(refused.callCount).toBe(1);

    const limited = new ScriptedModel([{ parts: [], error: { code: 'rate_limited', status: 429, message: 'later' } }]);
    const retryable = await generateText({ model: toAiSdk(limited), prompt: 'Hi', maxRetries: 0 }).catch((error: unknown) => error);
    expect(retryable).toMatchObject({ statusCode: 429, isRetryable: true });
  });

  it('reports tool arguments the model got wrong as InvalidResponseDataError', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'tool-call-raw', name: 'weather', arguments: '{"town": 1}' }] }]);
    const failure = await generateText({ model: toAiSdk(model), prompt: 'Hi', tools: { weather }, maxRetries: 0 }).catch((error: unknown) => error);
    expect(InvalidResponseDataError.isInstance(failure)).toBe(true);
    expect((failure as Error).message).toContain('invalid arguments for tool "weather"');
  });

  it('returns warnings for what the port cannot carry, and the model\'s own', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'warning', code: 'unconstrained_auto_tool_choice', message: 'auto is not constrained' }, { type: 'text', text: 'ok' }] }]);
    const result = await generateText({ model: toAiSdk(model), prompt: 'Hi', topK: 5 });
    expect(result.warnings).toEqual(expect.arrayContaining([
      expect.objectContaining({ type: 'unsupported', feature: 'topK' }),
      { type: 'other', message: 'unconstrained_auto_tool_choice: auto is not constrained' },
    ]));
  });

  it('passes the call\'s headers on as the port\'s call headers', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'ok' }] }]);
    await generateText({ model: toAiSdk(model), prompt: 'Hi', headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    expect(model.callHeaders[0]).toMatchObject({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
  });
});

describe('toAiSdk with ai\'s streamText', () => {
  it('streams reasoning and text as they come, with usage and the finish reason', async () => {
    const model = new ScriptedModel([{
      parts: [{ type: 'reasoning', text: 'A greeting.' }, { type: 'text', text: 'Hello there, friend' }],
      usage: { inputTokens: 12, outputTokens: 7, cachedInputTokens: 8, reasoningTokens: 3 },
    }]);
    const result = streamText({ model: toAiSdk(model, { provider: 'agentport.test' }), prompt: 'Hi' });
    const chunks: string[] = [];
    for await (const chunk of result.textStream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe('Hello there, friend');
    expect(await result.reasoningText).toBe('A greeting.');
    expect(await result.finishReason).toBe('stop');
    expect(await result.usage).toMatchObject({
      inputTokens: 12, outputTokens: 7, totalTokens: 19,
      inputTokenDetails: { cacheReadTokens: 8, noCacheTokens: 4 },
      outputTokenDetails: { reasoningTokens: 3, textTokens: 4 },
    });
  });

  it('streams a tool call\'s input as it comes, then the call; the next step gets the result', async () => {
    const model = new ScriptedModel([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Rome' }, chunks: 3 }] },
      { parts: [{ type: 'text', text: 'Clear in Rome.' }] },
    ]);
    const result = streamText({ model: toAiSdk(model), prompt: 'Weather in Rome?', tools: { weather }, stopWhen: stepCountIs(2) });
    const inputDeltas: string[] = [];
    const kinds: string[] = [];
    for await (const part of result.fullStream) {
      kinds.push(part.type);
      if (part.type === 'tool-input-delta') inputDeltas.push(part.delta);
    }
    expect(inputDeltas.join('')).toBe('{"city":"Rome"}');
    expect(kinds.indexOf('tool-input-start')).toBeLessThan(kinds.indexOf('tool-call'));
    expect(kinds).toContain('tool-result');
    expect(await result.text).toBe('Clear in Rome.');
    expect(model.requests[1]!.messages.at(-1)).toEqual({ role: 'tool', toolCallId: 'call_1', content: '{"city":"Rome","sky":"clear"}' });
  });

  it('ends the stream with the error of a model that fails mid-way, after the text it gave', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'Half an' }], error: { code: 'provider_error', status: 502, message: 'upstream died', afterParts: true } }]);
    const errors: unknown[] = [];
    const result = streamText({ model: toAiSdk(model), prompt: 'Hi', maxRetries: 0, onError: ({ error }) => { errors.push(error); } });
    let text = '';
    for await (const chunk of result.textStream) text += chunk;
    expect(text).toBe('Half an');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ statusCode: 502, isRetryable: true, message: 'upstream died' });
  });

  it('stops the agentport model\'s stream when the caller aborts', async () => {
    const scripted = new ScriptedModel([{ parts: Array.from({ length: 200 }, () => [{ type: 'text' as const, text: 'tok ' }, { type: 'delay' as const, ms: 10 }]).flat() }]);
    let yielded = 0;
    let closed = false;
    const watched: IAgentModel = {
      specificationVersion: scripted.specificationVersion,
      id: scripted.id,
      capabilities: () => scripted.capabilities(),
      complete: (request, options) => scripted.complete(request, options),
      async *stream(request, options) {
        try {
          for await (const event of scripted.stream(request, options)) {
            yielded += 1;
            yield event;
          }
        } finally {
          closed = true;
        }
      },
    };
    const controller = new AbortController();
    const result = streamText({ model: toAiSdk(watched), prompt: 'Hi', abortSignal: controller.signal });
    let text = '';
    const reading = (async () => {
      for await (const chunk of result.textStream) {
        text += chunk;
        controller.abort();
      }
    })();
    // ai ends an aborted textStream quietly or with an AbortError, as the abort lands: either way the model stops.
    await reading.catch((error: unknown) => expect((error as Error).name).toBe('AbortError'));
    await sleep(100);
    expect(text).toBe('tok ');
    expect(closed).toBe(true);
    expect(yielded).toBeLessThan(5);
  });
});
