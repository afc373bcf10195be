import type { ModelRequest, ModelToolSpec } from '@agentport/core';
import { describe, expect, it } from 'vitest';
import type { FakeReply } from '../src/testing/index.js';
import { collectEvents, joinDeltas, terminalError, USER_HELLO, useHarness } from './harness.js';

const SEARCH: ModelToolSpec = {
  name: 'search',
  parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'], additionalProperties: false },
  strict: true,
};
const ADD: ModelToolSpec = {
  name: 'add',
  parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
};
const NO_ARGS: ModelToolSpec = { name: 'now', parameters: { type: 'object', properties: {}, additionalProperties: false } };
const TOOLS_REQUEST: ModelRequest = { ...USER_HELLO, tools: [SEARCH, ADD, NO_ARGS], toolChoice: 'required' };

const PERSON = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'age'],
  additionalProperties: false,
};
const STRUCTURED_REQUEST: ModelRequest = { ...USER_HELLO, output: { type: 'json_schema', name: 'person', schema: PERSON, strict: true } };

/** A raw SSE `data` payload in vLLM's chunk envelope. */
function chunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
  return JSON.stringify({ id: 'chatcmpl-x', object: 'chat.completion.chunk', model: 'fake-model', choices: [{ index: 0, delta, finish_reason: finishReason }] });
}

describe('decoding vLLM streams', () => {
  const start = useHarness();

  async function play(reply: FakeReply, request: ModelRequest = USER_HELLO) {
    const { model, server } = await start({ turns: [reply] }, { model: 'fake-model' });
    return { events: await collectEvents(model.stream(request)), server };
  }

  it('reads reasoning from reasoning_content on older servers', async () => {
    const { events } = await play({
      parts: [
        { type: 'reasoning', text: 'Think first.', field: 'reasoning_content' },
        { type: 'text', text: 'Answer.' },
      ],
    });
    expect(joinDeltas(events, 'reasoning-delta')).toBe('Think first.');
    expect(joinDeltas(events, 'text-delta')).toBe('Answer.');
  });

  it('skips SSE comment lines such as ": ping"', async () => {
    const { events } = await play({ parts: [{ type: 'comment' }, { type: 'text', text: 'one two' }, { type: 'comment', text: 'keepalive' }] });
    expect(events).toEqual([
      { type: 'text-delta', delta: 'one ' },
      { type: 'text-delta', delta: 'two' },
      { type: 'usage', usage: { inputTokens: 10, outputTokens: 2, totalTokens: 12 } },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('joins two tool calls fragmented by index into two validated calls, in index order', async () => {
    const { events } = await play(
      {
        parts: [
          { type: 'tool-call', name: 'search', input: { query: 'vllm' }, id: 'call_a', chunks: 4 },
          { type: 'tool-call', name: 'add', input: { a: 1, b: 2 }, id: 'call_b', chunks: 3 },
        ],
      },
      TOOLS_REQUEST,
    );
    const calls = events.filter((event) => event.type === 'tool-call');
    expect(calls).toEqual([
      { type: 'tool-call', toolCallId: 'call_a', toolName: 'search', arguments: '{"query":"vllm"}', input: { query: 'vllm' } },
      { type: 'tool-call', toolCallId: 'call_b', toolName: 'add', arguments: '{"a":1,"b":2}', input: { a: 1, b: 2 } },
    ]);
    const deltasOf = (id: string) =>
      events.flatMap((event) => (event.type === 'tool-call-delta' && event.toolCallId === id ? [event.argumentsDelta] : [])).join('');
    expect(deltasOf('call_a')).toBe('{"query":"vllm"}');
    expect(deltasOf('call_b')).toBe('{"a":1,"b":2}');
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls' });
  });

  it('joins fragments of interleaved calls by index, not by arrival', async () => {
    const { events } = await play(
      {
        parts: [
          { type: 'raw', data: chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'search', arguments: '{"qu' } }] }) },
          { type: 'raw', data: chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'now', arguments: '' } }] }) },
          { type: 'raw', data: chunk({ tool_calls: [{ index: 0, function: { arguments: 'ery":"x"}' } }] }) },
          { type: 'raw', data: chunk({}, 'tool_calls') },
          { type: 'raw', data: '[DONE]' },
        ],
        ending: 'end',
      },
      TOOLS_REQUEST,
    );
    expect(events.filter((event) => event.type === 'tool-call')).toEqual([
      { type: 'tool-call', toolCallId: 'call_a', toolName: 'search', arguments: '{"query":"x"}', input: { query: 'x' } },
      // No argument text at all is `{}`.
      { type: 'tool-call', toolCallId: 'call_b', toolName: 'now', arguments: '{}', input: {} },
    ]);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls' });
  });

  it('emits tool-call-delta only once the id and the name are known, carrying what came before', async () => {
    const { events } = await play(
      {
        parts: [
          { type: 'raw', data: chunk({ tool_calls: [{ index: 0, function: { arguments: '{"query":' } }] }) },
          { type: 'raw', data: chunk({ tool_calls: [{ index: 0, function: { name: 'search', arguments: '"a' } }] }) },
          { type: 'raw', data: chunk({ tool_calls: [{ index: 0, id: 'call_late', function: { arguments: 'b"' } }] }) },
          { type: 'raw', data: chunk({ tool_calls: [{ index: 0, function: { arguments: '}' } }] }, 'tool_calls') },
          { type: 'raw', data: '[DONE]' },
        ],
        ending: 'end',
      },
      TOOLS_REQUEST,
    );
    expect(events.filter((event) => event.type === 'tool-call-delta')).toEqual([
      { type: 'tool-call-delta', toolCallId: 'call_late', toolName: 'search', argumentsDelta: '{"query":"ab"' },
      { type: 'tool-call-delta', toolCallId: 'call_late', toolName: 'search', argumentsDelta: '}' },
    ]);
    expect(events.find((event) => event.type === 'tool-call')).toMatchObject({ toolCallId: 'call_late', input: { query: 'ab' } });
  });

  it('a named tool choice that ends with "stop" still finishes with tool_calls', async () => {
    const { events } = await play(
      { parts: [{ type: 'tool-call', name: 'search', input: { query: 'q' } }], finish: 'stop' },
      { ...TOOLS_REQUEST, toolChoice: { name: 'search' } },
    );
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls' });
  });

  it('arguments that break the schema end the stream with invalid_tool_arguments and no tool-call', async () => {
    const { events } = await play({ parts: [{ type: 'tool-call', name: 'search', input: { query: 7, extra: true } }] }, TOOLS_REQUEST);
    const error = terminalError(events);
    expect(error.code).toBe('invalid_tool_arguments');
    expect(error.message).toContain('search');
    expect(error.retryable).toBe(false);
    expect(events.some((event) => event.type === 'tool-call')).toBe(false);
  });

  it('arguments that are not JSON end with invalid_tool_arguments', async () => {
    const { events } = await play({ parts: [{ type: 'tool-call-raw', name: 'search', arguments: '{"query": "unterminated' }] }, TOOLS_REQUEST);
    expect(terminalError(events).code).toBe('invalid_tool_arguments');
    expect(terminalError(events).message).toContain('not valid JSON');
  });

  it('a call to a tool the request does not offer ends with invalid_tool_arguments', async () => {
    const { events } = await play({ parts: [{ type: 'tool-call', name: 'rm_rf', input: {} }] }, TOOLS_REQUEST);
    expect(terminalError(events).message).toContain('rm_rf');
  });

  it('a tool call cut by the token limit is still checked (finish length)', async () => {
    const { events } = await play({ parts: [{ type: 'tool-call-raw', name: 'search', arguments: '{"query": "ha' }], finish: 'length' }, TOOLS_REQUEST);
    expect(terminalError(events).code).toBe('invalid_tool_arguments');
  });

  it('structured output: JSON text deltas, then a validated structured-output event', async () => {
    const { events } = await play({ parts: [{ type: 'structured-output', value: { name: 'Ada', age: 36 } }] }, STRUCTURED_REQUEST);
    expect(joinDeltas(events, 'text-delta')).toBe('{"name":"Ada","age":36}');
    expect(events.slice(-3)).toEqual([
      { type: 'structured-output', text: '{"name":"Ada","age":36}', value: { name: 'Ada', age: 36 } },
      { type: 'usage', usage: expect.objectContaining({ inputTokens: 10 }) },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('structured output that breaks the schema ends with invalid_structured_output', async () => {
    const { events } = await play({ parts: [{ type: 'structured-output', value: { name: 'Ada' } }] }, STRUCTURED_REQUEST);
    const error = terminalError(events);
    expect(error.code).toBe('invalid_structured_output');
    expect(error.message).toContain('age');
  });

  it('structured output cut by the token limit finishes with length and no structured-output', async () => {
    const { events } = await play({ parts: [{ type: 'text', text: '{"name": "Ad' }], finish: 'length' }, STRUCTURED_REQUEST);
    expect(events.some((event) => event.type === 'structured-output')).toBe(false);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'length' });
  });

  it('maps usage with cached and reasoning tokens', async () => {
    const { events } = await play({
      parts: [{ type: 'text', text: 'hi' }],
      usage: { inputTokens: 100, outputTokens: 40, cachedInputTokens: 64, reasoningTokens: 30 },
    });
    expect(events.find((event) => event.type === 'usage')).toEqual({
      type: 'usage',
      usage: { inputTokens: 100, outputTokens: 40, totalTokens: 140, cachedInputTokens: 64, reasoningTokens: 30 },
    });
  });

  it('a refusal ends with the refusal code and its text', async () => {
    const { events } = await play({
      parts: [
        { type: 'raw', data: chunk({ refusal: 'I cannot help with that.' }) },
        { type: 'raw', data: chunk({}, 'stop') },
        { type: 'raw', data: '[DONE]' },
      ],
      ending: 'end',
    });
    const error = terminalError(events);
    expect(error.code).toBe('refusal');
    expect(error.providerMessage).toBe('I cannot help with that.');
  });

  it('complete() returns the collected answer of a tool-call stream', async () => {
    const { model } = await start({ turns: [{ parts: [{ type: 'reasoning', text: 'Use search.' }, { type: 'tool-call', name: 'search', input: { query: 'q' }, id: 'call_1' }] }] });
    const response = await model.complete(TOOLS_REQUEST);
    expect(response).toEqual({
      text: '',
      reasoning: 'Use search.',
      toolCalls: [{ id: 'call_1', name: 'search', arguments: '{"query":"q"}', input: { query: 'q' } }],
      finishReason: 'tool_calls',
      warnings: [],
      usage: { inputTokens: 10, outputTokens: 6, totalTokens: 16 },
    });
  });
});
