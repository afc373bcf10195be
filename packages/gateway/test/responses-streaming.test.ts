import { type ServerTool, staticToolProvider } from '@agentport/core';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { useGateways, withoutParsed } from '../src/testing/gateway-harness.js';
import { streamAndRetrieve } from '../src/testing/stream-and-retrieve.js';

const startGateway = useGateways();

const answerOf = (response: { output: unknown[] }) => withoutParsed(response.output);

describe('POST /v1/responses with stream: true, read by the SDK stream helper', () => {
  it('streams plain text, and GET returns the response the stream built', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'text', text: 'Hello from agentport' }] }] });
    const { final, stored, events, checked } = await streamAndRetrieve(harness, { model: 'm', input: 'hi' });

    expect(final.output_text).toBe('Hello from agentport');
    expect(final.status).toBe('completed');
    expect(checked.terminal.type).toBe('response.completed');
    expect(events.map((event) => event.type)).toEqual([
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.content_part.added',
      'response.output_text.delta', 'response.output_text.delta', 'response.output_text.delta',
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done',
      'response.completed',
    ]);
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));
    expect(stored.usage).toMatchObject({ input_tokens: 10, output_tokens: 3, total_tokens: 13 });
  });

  it('streams reasoning, then text, as two items', async () => {
    const harness = await startGateway({
      model: [{ parts: [{ type: 'reasoning', text: 'The user greets me.' }, { type: 'text', text: 'Hi there' }] }],
    });
    const { final, stored, checked } = await streamAndRetrieve(harness, { model: 'm', input: 'hello' });

    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(checked.items[0]).toMatchObject({ type: 'reasoning', content: [{ type: 'reasoning_text', text: 'The user greets me.' }] });
    expect(final.output_text).toBe('Hi there');
    expect(answerOf(stored)).toEqual(answerOf(final));
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));
  });

  it('streams reasoning as a summary when reasoning.summary asks for one, as OpenAI\'s clients read it', async () => {
    const harness = await startGateway({
      model: [
        { parts: [{ type: 'reasoning', text: 'The user greets me, so I greet back.', chunks: 3 }, { type: 'text', text: 'Hi there' }] },
        { parts: [{ type: 'reasoning', text: 'Thinking.' }, { type: 'text', text: 'Hi' }] },
      ],
    });
    const stream = harness.client().responses.stream({ model: 'm', input: 'hello', reasoning: { summary: 'auto' } });
    const summaryDeltas: string[] = [];
    stream.on('response.reasoning_summary_text.delta', (event) => { summaryDeltas.push(event.delta); });
    const final = await stream.finalResponse();

    expect(summaryDeltas.length).toBeGreaterThan(1);
    expect(summaryDeltas.join('')).toBe('The user greets me, so I greet back.');
    expect(final.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'The user greets me, so I greet back.' }] });
    expect(final.reasoning).toMatchObject({ summary: 'auto' });
    const { events, checked, stored } = await streamAndRetrieve(harness, { model: 'm', input: 'hello', reasoning: { summary: 'detailed' } });
    expect(events.some((event) => event.type === 'response.reasoning_text.delta')).toBe(false);
    expect(events.filter((event) => event.type.startsWith('response.reasoning_summary')).map((event) => event.type)).toEqual([
      'response.reasoning_summary_part.added', 'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done',
    ]);
    expect(checked.items[0]).toMatchObject({ summary: [{ type: 'summary_text', text: 'Thinking.' }], content: [{ type: 'reasoning_text', text: 'Thinking.' }] });
    expect(stored.output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: 'Thinking.' }] });
  });

  it('ends with a client function call, then continues with its output and previous_response_id', async () => {
    const harness = await startGateway({
      model: [
        { parts: [{ type: 'tool-call', name: 'get_weather', input: { city: 'Paris' } }] },
        { parts: [{ type: 'text', text: 'It is sunny in Paris.' }] },
      ],
    });
    const tools: OpenAI.Responses.FunctionTool[] = [{
      type: 'function', name: 'get_weather', description: 'The weather in a city', strict: true,
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    }];
    const first = await streamAndRetrieve(harness, { model: 'm', input: 'Weather in Paris?', tools });

    expect(first.final.status).toBe('completed');
    const call = first.final.output.at(-1);
    expect(call).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '{"city":"Paris"}', status: 'completed' });
    expect(withoutParsed(first.final)).toEqual(withoutParsed(first.stored));
    expect(first.events.filter((event) => event.type === 'response.function_call_arguments.delta').length).toBeGreaterThan(0);

    const callId = (call as OpenAI.Responses.ResponseFunctionToolCall).call_id;
    const second = await streamAndRetrieve(harness, {
      model: 'm', previous_response_id: first.final.id, tools,
      input: [{ type: 'function_call_output', call_id: callId, output: '{"sky":"sunny"}' }],
    });
    expect(second.final.output_text).toBe('It is sunny in Paris.');
    expect(second.final.previous_response_id).toBe(first.final.id);
    expect(withoutParsed(second.final)).toEqual(withoutParsed(second.stored));
    expect(harness.model!.calls[1]!.request.messages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: '', toolCalls: [{ id: callId, name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', toolCallId: callId, content: '{"sky":"sunny"}' },
    ]);
  });

  it('runs a server-tool loop of several steps in one response', async () => {
    const calls: unknown[] = [];
    const add: ServerTool<{ a: number; b: number }> = {
      name: 'add', description: 'Adds two numbers', execution: 'server',
      parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
      execute: async (args) => {
        calls.push(args);
        return { output: String(args.a + args.b) };
      },
    };
    const harness = await startGateway({
      model: [
        { parts: [{ type: 'reasoning', text: 'First 1 + 2.' }, { type: 'tool-call', name: 'add', input: { a: 1, b: 2 } }] },
        { parts: [{ type: 'tool-call', name: 'add', input: { a: 3, b: 4 } }] },
        { parts: [{ type: 'text', text: 'The sums are 3 and 7.' }] },
      ],
      tools: [staticToolProvider('test', [add as ServerTool])],
    });
    const { final, stored, checked } = await streamAndRetrieve(harness, { model: 'm', input: 'Add 1+2 and 3+4' });

    expect(calls).toEqual([{ a: 1, b: 2 }, { a: 3, b: 4 }]);
    expect(final.output.map((item) => item.type)).toEqual([
      'reasoning', 'function_call', 'function_call_output', 'function_call', 'function_call_output', 'message',
    ]);
    expect(checked.items[2]).toMatchObject({ type: 'function_call_output', call_id: 'call_1', output: '3' });
    expect(checked.items[4]).toMatchObject({ type: 'function_call_output', call_id: 'call_2', output: '7' });
    expect(final.output_text).toBe('The sums are 3 and 7.');
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));
    expect(harness.model!.calls).toHaveLength(3);
    expect(harness.model!.calls[2]!.request.messages.at(-1)).toEqual({ role: 'tool', toolCallId: 'call_2', content: '7' });
  });

  it('stops a server-tool loop at max_tool_calls with response.incomplete', async () => {
    const ping: ServerTool = { name: 'ping', execution: 'server', parameters: { type: 'object', properties: {} }, execute: async () => ({ output: 'pong' }) };
    const harness = await startGateway({
      model: [
        { parts: [{ type: 'tool-call', name: 'ping', input: {} }] },
        { parts: [{ type: 'tool-call', name: 'ping', input: {} }] },
        { parts: [{ type: 'text', text: 'never reached' }] },
      ],
      tools: [staticToolProvider('test', [ping])],
    });
    const { final, stored } = await streamAndRetrieve(harness, { model: 'm', input: 'ping twice', max_tool_calls: 1 });

    expect(final.status).toBe('incomplete');
    expect(final.incomplete_details).toEqual({ reason: 'max_tool_calls' });
    expect(final.max_tool_calls).toBe(1);
    expect(final.output.filter((item) => item.type === 'function_call')).toHaveLength(2);
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));
  });

  it('passes the request\'s settings to the model and echoes them in the response', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'tool-call', name: 'lookup', input: { q: 'x' } }] }] });
    const tools: OpenAI.Responses.FunctionTool[] = [{ type: 'function', name: 'lookup', strict: false, parameters: { type: 'object', properties: { q: { type: 'string' } } } }];
    const { final, stored } = await streamAndRetrieve(harness, {
      model: 'my-model', input: 'hi', tools, tool_choice: { type: 'function', name: 'lookup' }, parallel_tool_calls: false,
      temperature: 0.2, top_p: 0.9, max_output_tokens: 64, metadata: { ticket: 'T-1' }, instructions: 'Be brief.',
    });

    expect(harness.model!.calls[0]!.request).toMatchObject({
      toolChoice: { name: 'lookup' }, parallelToolCalls: false, temperature: 0.2, topP: 0.9, maxOutputTokens: 64,
      tools: [{ name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }],
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }],
    });
    expect(stored).toMatchObject({
      model: 'my-model', tool_choice: { type: 'function', name: 'lookup' }, parallel_tool_calls: false, temperature: 0.2, top_p: 0.9,
      max_output_tokens: 64, metadata: { ticket: 'T-1' }, instructions: 'Be brief.',
      tools: [{ type: 'function', name: 'lookup', strict: false }],
    });
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));
  });

  const personFormat = {
    type: 'json_schema' as const, name: 'person', strict: true,
    schema: {
      type: 'object', additionalProperties: false, required: ['name', 'age'],
      properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } },
    },
  };

  it('answers structured output that matches the schema, parsed by the SDK', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'structured-output', value: { name: 'Ada', age: 36 } }] }] });
    const { final, stored } = await streamAndRetrieve(harness, { model: 'm', input: 'Who?', text: { format: personFormat } });

    expect(final.output_parsed).toEqual({ name: 'Ada', age: 36 });
    expect(JSON.parse(stored.output_text)).toEqual({ name: 'Ada', age: 36 });
    expect(stored.text).toMatchObject({ format: { type: 'json_schema', name: 'person', strict: true } });
    expect(harness.model!.calls[0]!.request.output).toMatchObject({ type: 'json_schema', name: 'person' });
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));
  });

  it('fixes structured output that breaks the schema on a retry, and shows only the valid answer', async () => {
    const harness = await startGateway({
      model: [
        { parts: [{ type: 'structured-output', value: { name: 'Ada', age: 'old' } }] },
        { parts: [{ type: 'structured-output', value: { name: 'Ada', age: 36 } }] },
      ],
    });
    const response = await harness.client().responses.parse({ model: 'm', input: 'Who?', text: { format: personFormat } });

    expect(response.status).toBe('completed');
    expect(response.output_parsed).toEqual({ name: 'Ada', age: 36 });
    expect(response.output).toHaveLength(1);
    expect(harness.model!.calls).toHaveLength(2);
    // The retry tells the model what was wrong.
    expect(harness.model!.calls[1]!.request.messages.at(-1)).toMatchObject({ role: 'user', content: expect.stringContaining('/age must be integer') });
    const stored = await harness.client().responses.retrieve(response.id);
    expect(JSON.parse(stored.output_text)).toEqual({ name: 'Ada', age: 36 });
  });

  it('fixes structured output on a retry while streaming', async () => {
    const harness = await startGateway({
      model: [
        { parts: [{ type: 'structured-output', value: { name: 'Ada' } }] },
        { parts: [{ type: 'structured-output', value: { name: 'Ada', age: 36 } }] },
      ],
    });
    const { final, stored } = await streamAndRetrieve(harness, { model: 'm', input: 'Who?', text: { format: personFormat } });
    expect(final.output_parsed).toEqual({ name: 'Ada', age: 36 });
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));
  });

  it('answers json_object output and echoes the format as asked', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'structured-output', value: { ok: true } }] }] });
    const { final, stored } = await streamAndRetrieve(harness, { model: 'm', input: 'JSON please', text: { format: { type: 'json_object' } } });

    expect(JSON.parse(final.output_text)).toEqual({ ok: true });
    expect(stored.text).toEqual({ format: { type: 'json_object' } });
    expect(harness.model!.calls[0]!.request.output).toMatchObject({ type: 'json_schema', schema: { type: 'object' } });
  });

  it('ends with response.failed when the model fails before the first token', async () => {
    const harness = await startGateway({ model: [{ parts: [], error: { code: 'provider_error', message: 'upstream exploded', status: 500 } }] });
    const { final, stored, events } = await streamAndRetrieve(harness, { model: 'm', input: 'hi' });

    expect(events.map((event) => event.type)).toEqual(['response.created', 'response.in_progress', 'response.failed']);
    expect(final.status).toBe('failed');
    expect(final.error).toEqual({ code: 'provider_error', message: 'upstream exploded' });
    expect(final.output).toEqual([]);
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));
  });

  it('answers a non-streamed request 502 in the OpenAI shape when the model fails before the first token', async () => {
    const harness = await startGateway({ model: [{ parts: [], error: { code: 'provider_error', message: 'upstream exploded', status: 500 } }] });
    const response = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'hi' } });

    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({
      error: { message: 'upstream exploded', type: 'server_error', param: null, code: 'provider_error' },
    });
  });

  it('ends with response.failed when the stream is cut mid-way, and stores the partial items', async () => {
    const harness = await startGateway({
      model: [{
        parts: [{ type: 'reasoning', text: 'Thinking it over' }, { type: 'text', text: 'The answer is' }],
        error: { code: 'transport', message: 'the connection to the model server was lost', afterParts: true },
      }],
    });
    const { final, stored, checked } = await streamAndRetrieve(harness, { model: 'm', input: 'hi' });

    expect(checked.terminal.type).toBe('response.failed');
    expect(final.status).toBe('failed');
    expect(final.error).toEqual({ code: 'transport', message: 'the connection to the model server was lost' });
    expect(stored.status).toBe('failed');
    expect(stored.output).toMatchObject([
      { type: 'reasoning', status: 'completed', content: [{ text: 'Thinking it over' }] },
      { type: 'message', status: 'incomplete', content: [{ type: 'output_text', text: 'The answer is' }] },
    ]);
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));
  });

  it('ends with response.incomplete (max_output_tokens) when the model hits the token limit', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'text', text: 'A very long answer that' }], finish: 'length' }] });
    const { final, stored, checked } = await streamAndRetrieve(harness, { model: 'm', input: 'hi', max_output_tokens: 5 });

    expect(checked.terminal.type).toBe('response.incomplete');
    expect(final.status).toBe('incomplete');
    expect(final.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(final.max_output_tokens).toBe(5);
    expect(final.output_text).toBe('A very long answer that');
    expect(harness.model!.calls[0]!.request.maxOutputTokens).toBe(5);
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));
  });
});
