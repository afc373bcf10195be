import { describe, expect, it } from 'vitest';
import type { ModelRequest, ModelToolSpec } from '../src/model/model-request.js';
import { ModelError } from '../src/model/model-error.js';
import type { ModelStreamEvent } from '../src/model/model-stream-event.js';
import { ScriptedModel } from '../src/testing/scripted-model.js';

const weatherTool: ModelToolSpec = {
  name: 'get_weather',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, days: { type: 'integer' } },
    required: ['city'],
    additionalProperties: false,
  },
};

const ask = (content = 'hi'): ModelRequest => ({ messages: [{ role: 'user', content }] });
const askWithTools = (): ModelRequest => ({ ...ask('weather?'), tools: [weatherTool] });
const askForOutput = (): ModelRequest => ({
  ...ask('answer as JSON'),
  output: {
    type: 'json_schema',
    name: 'answer',
    schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false },
  },
});

async function collect(stream: AsyncIterable<ModelStreamEvent>): Promise<ModelStreamEvent[]> {
  const events: ModelStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

function errorOf(events: ModelStreamEvent[]): ModelError {
  const last = events.at(-1);
  if (last?.type !== 'error') throw new Error(`expected the stream to end with an error, got ${JSON.stringify(last)}`);
  return last.error;
}

const textOf = (events: ModelStreamEvent[]): string =>
  events.map((event) => (event.type === 'text-delta' ? event.delta : '')).join('');

describe('ScriptedModel', () => {
  it('streams text as one delta per word, then usage and finish stop', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'Hello there,  world ' }] }]);
    const events = await collect(model.stream(ask()));
    expect(events).toEqual([
      { type: 'text-delta', delta: 'Hello ' },
      { type: 'text-delta', delta: 'there,  ' },
      { type: 'text-delta', delta: 'world ' },
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 3, totalTokens: 13 } },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('splits text and reasoning into the requested number of chunks, keeping every character', async () => {
    const model = new ScriptedModel([
      { parts: [{ type: 'reasoning', text: 'think hard', chunks: 3 }, { type: 'text', text: 'naïve 🙂 ok', chunks: 4 }] },
    ]);
    const events = await collect(model.stream(ask()));
    const reasoning = events.filter((event) => event.type === 'reasoning-delta');
    const text = events.filter((event) => event.type === 'text-delta');
    expect(reasoning).toHaveLength(3);
    expect(reasoning.map((event) => event.delta).join('')).toBe('think hard');
    expect(text).toHaveLength(4);
    expect(textOf(events)).toBe('naïve 🙂 ok');
  });

  it('emits tool-call-delta fragments then a validated tool-call with a default id, and finishes with tool_calls', async () => {
    const model = new ScriptedModel([
      { parts: [{ type: 'tool-call', name: 'get_weather', input: { city: 'Paris', days: 2 }, chunks: 3 }] },
    ]);
    const events = await collect(model.stream(askWithTools()));
    const deltas = events.filter((event) => event.type === 'tool-call-delta');
    expect(deltas).toHaveLength(3);
    expect(deltas.every((delta) => delta.toolCallId === 'call_1' && delta.toolName === 'get_weather')).toBe(true);
    expect(deltas.map((delta) => delta.argumentsDelta).join('')).toBe('{"city":"Paris","days":2}');
    expect(events.slice(3)).toEqual([
      { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', arguments: '{"city":"Paris","days":2}', input: { city: 'Paris', days: 2 } },
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 3, totalTokens: 13 } },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('numbers default call ids across calls and keeps given ids', async () => {
    const call = { type: 'tool-call', name: 'get_weather', input: { city: 'Oslo' } } as const;
    const model = new ScriptedModel([
      { parts: [call, { ...call, id: 'mine' }, call] },
      { parts: [call] },
    ]);
    const first = await model.complete(askWithTools());
    const second = await model.complete(askWithTools());
    expect(first.toolCalls.map((toolCall) => toolCall.id)).toEqual(['call_1', 'mine', 'call_2']);
    expect(second.toolCalls.map((toolCall) => toolCall.id)).toEqual(['call_3']);
  });

  it('rejects tool arguments that break the tool schema with invalid_tool_arguments naming the tool and the problem', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'tool-call', name: 'get_weather', input: { city: 7 } }] }]);
    const events = await collect(model.stream(askWithTools()));
    const error = errorOf(events);
    expect(error.code).toBe('invalid_tool_arguments');
    expect(error.message).toContain('get_weather');
    expect(error.message).toContain('/city must be string');
    expect(events.some((event) => event.type === 'tool-call' || event.type === 'finish')).toBe(false);
  });

  it('rejects raw arguments that are not JSON', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'tool-call-raw', name: 'get_weather', arguments: '{"city": "Par' }] }]);
    const events = await collect(model.stream(askWithTools()));
    expect(events[0]).toEqual({ type: 'tool-call-delta', toolCallId: 'call_1', toolName: 'get_weather', argumentsDelta: '{"city": "Par' });
    expect(errorOf(events).code).toBe('invalid_tool_arguments');
    expect(errorOf(events).message).toContain('not valid JSON');
  });

  it('accepts valid raw arguments and keeps their text as written', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'tool-call-raw', name: 'get_weather', arguments: '{ "city" : "Rome" }', id: 'c9' }] }]);
    const response = await model.complete(askWithTools());
    expect(response.toolCalls).toEqual([{ id: 'c9', name: 'get_weather', arguments: '{ "city" : "Rome" }', input: { city: 'Rome' } }]);
  });

  it('rejects a call of a tool the request does not offer', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'tool-call', name: 'launch_rocket', input: {} }] }]);
    const error = errorOf(await collect(model.stream(askWithTools())));
    expect(error.code).toBe('invalid_tool_arguments');
    expect(error.message).toContain('launch_rocket');
  });

  it('emits a structured-output event after the JSON text when the request asks for output', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'structured-output', value: { answer: 'yes' } }] }]);
    const events = await collect(model.stream(askForOutput()));
    expect(textOf(events)).toBe('{"answer":"yes"}');
    expect(events.slice(-3)).toEqual([
      { type: 'structured-output', text: '{"answer":"yes"}', value: { answer: 'yes' } },
      { type: 'usage', usage: expect.objectContaining({ inputTokens: 10 }) },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('turns JSON written as text parts into structured output too', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'text', text: '{"answer": ' }, { type: 'text', text: '"no"}' }] }]);
    const response = await model.complete(askForOutput());
    expect(response.structuredOutput).toEqual({ text: '{"answer": "no"}', value: { answer: 'no' } });
  });

  it('fails with invalid_structured_output when the answer breaks the output schema', async () => {
    const model = new ScriptedModel([
      { parts: [{ type: 'structured-output', value: { answer: 3 } }] },
      { parts: [{ type: 'text', text: 'not json at all' }] },
    ]);
    const wrongType = errorOf(await collect(model.stream(askForOutput())));
    expect(wrongType.code).toBe('invalid_structured_output');
    expect(wrongType.message).toContain('/answer must be string');
    const notJson = errorOf(await collect(model.stream(askForOutput())));
    expect(notJson.code).toBe('invalid_structured_output');
  });

  it('leaves JSON as plain text when the request has no output spec', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'structured-output', value: { answer: 'yes' } }] }]);
    const response = await model.complete(ask());
    expect(response.text).toBe('{"answer":"yes"}');
    expect(response.structuredOutput).toBeUndefined();
  });

  it('uses the scripted finish reason, usage and warnings', async () => {
    const model = new ScriptedModel([
      {
        parts: [{ type: 'warning', code: 'unconstrained_auto', message: 'auto is not constrained' }, { type: 'text', text: 'cut' }],
        finish: 'length',
        usage: { inputTokens: 100, outputTokens: 7, reasoningTokens: 2 },
      },
    ]);
    const response = await model.complete(ask());
    expect(response.finishReason).toBe('length');
    expect(response.usage).toEqual({ inputTokens: 100, outputTokens: 7, totalTokens: 107, reasoningTokens: 2 });
    expect(response.warnings).toEqual([{ code: 'unconstrained_auto', message: 'auto is not constrained' }]);
  });

  it('ends with the scripted error instead of the parts, with its status and retryability', async () => {
    const model = new ScriptedModel([
      { parts: [{ type: 'text', text: 'never sent' }], error: { code: 'provider_error', message: 'upstream down', status: 503 } },
    ]);
    const events = await collect(model.stream(ask()));
    expect(events).toHaveLength(1);
    const error = errorOf(events);
    expect(error).toBeInstanceOf(ModelError);
    expect(error).toMatchObject({ code: 'provider_error', message: 'upstream down', status: 503, retryable: true });
  });

  it('ends with the scripted error after the parts when afterParts is set, with no usage or finish', async () => {
    const model = new ScriptedModel([
      { parts: [{ type: 'text', text: 'partial answer' }], error: { code: 'bad_request', message: 'nope', status: 400, afterParts: true } },
    ]);
    const events = await collect(model.stream(ask()));
    expect(textOf(events)).toBe('partial answer');
    expect(events.map((event) => event.type)).toEqual(['text-delta', 'text-delta', 'error']);
    expect(errorOf(events)).toMatchObject({ code: 'bad_request', retryable: false });
  });

  it('complete() rejects with the stream error', async () => {
    const model = new ScriptedModel([{ parts: [], error: { code: 'rate_limited', message: 'slow down', status: 429 } }]);
    await expect(model.complete(ask())).rejects.toMatchObject({ code: 'rate_limited', retryable: true });
  });

  it('fails with provider_error once its steps run out, and counts every call', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'only one' }] }]);
    expect((await model.complete(ask())).text).toBe('only one');
    const error = errorOf(await collect(model.stream(ask())));
    expect(error.code).toBe('provider_error');
    expect(error.message).toBe('ScriptedModel: no step left for call 2');
    expect(model.callCount).toBe(2);
  });

  it('builds each step from the request when given a function', async () => {
    const model = new ScriptedModel((request, callIndex) => {
      const last = request.messages.at(-1);
      const said = last?.role === 'user' && typeof last.content === 'string' ? last.content : '';
      return { parts: [{ type: 'text', text: `${callIndex}: ${said.toUpperCase()}` }] };
    });
    expect((await model.complete(ask('abc'))).text).toBe('0: ABC');
    expect((await model.complete(ask('def'))).text).toBe('1: DEF');
  });

  it('records deep copies of the requests it received, in order', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'a' }] }, { parts: [{ type: 'text', text: 'b' }] }]);
    const first = askWithTools();
    await model.complete(first);
    first.messages.push({ role: 'assistant', content: 'changed later' });
    await model.complete(ask('second'), {});
    expect(model.requests).toEqual([askWithTools(), ask('second')]);
    expect(model.requests[0]).not.toBe(first);
  });

  it('records the request when stream() is called, before the stream is read', () => {
    const model = new ScriptedModel([{ parts: [] }]);
    model.stream(ask('early'));
    expect(model.callCount).toBe(1);
    expect(model.requests[0]).toEqual(ask('early'));
  });

  it('gives only a cancelled error for an already-aborted signal', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'should not appear' }] }]);
    const controller = new AbortController();
    controller.abort();
    const events = await collect(model.stream(ask(), { signal: controller.signal }));
    expect(events).toHaveLength(1);
    expect(errorOf(events).code).toBe('cancelled');
  });

  it('ends with cancelled when aborted mid-stream, with no delta after the abort', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'one two three four five six' }] }]);
    const controller = new AbortController();
    const events: ModelStreamEvent[] = [];
    for await (const event of model.stream(ask(), { signal: controller.signal })) {
      events.push(event);
      if (event.type === 'text-delta' && event.delta === 'two ') controller.abort();
    }
    expect(textOf(events)).toBe('one two ');
    expect(errorOf(events).code).toBe('cancelled');
  });

  it('ends a delay as soon as the signal aborts', async () => {
    // The delay is far longer than the test timeout: only the abort can end it.
    const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'before' }, { type: 'delay', ms: 600_000 }, { type: 'text', text: 'after' }] }]);
    const controller = new AbortController();
    const events: ModelStreamEvent[] = [];
    for await (const event of model.stream(ask(), { signal: controller.signal })) {
      events.push(event);
      if (event.type === 'text-delta') setTimeout(() => controller.abort(), 1);
    }
    expect(textOf(events)).toBe('before');
    expect(errorOf(events).code).toBe('cancelled');
  });

  it('ends with timeout when timeoutMs passes during a delay', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'delay', ms: 600_000 }, { type: 'text', text: 'late' }] }]);
    const events = await collect(model.stream(ask(), { timeoutMs: 5 }));
    expect(events).toHaveLength(1);
    expect(errorOf(events)).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('plays a short delay and goes on', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'a' }, { type: 'delay', ms: 1 }, { type: 'text', text: 'b' }] }]);
    expect((await model.complete(ask())).text).toBe('ab');
  });

  it('reports constrained capabilities by default and merges overrides', () => {
    expect(new ScriptedModel([]).capabilities()).toEqual({
      tools: true,
      toolChoice: { auto: 'constrained', required: 'constrained', named: 'constrained' },
      structuredOutput: 'constrained',
      reasoning: true,
      parallelToolCalls: true,
    });
    const model = new ScriptedModel([], { id: 'scripted:small', capabilities: { reasoning: false, structuredOutput: 'validated' } });
    expect(model.id).toBe('scripted:small');
    expect(model.specificationVersion).toBe('v1');
    expect(model.capabilities()).toMatchObject({ tools: true, reasoning: false, structuredOutput: 'validated' });
  });
});
