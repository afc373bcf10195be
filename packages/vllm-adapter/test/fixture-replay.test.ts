import { join } from 'node:path';
import type { ModelMessage, ModelRequest, ModelToolChoice, ModelToolSpec } from '@agentport/core';
import { describe, expect, it } from 'vitest';
import { type ChatStreamRecording, loadChatStreamRecording } from '../src/testing/index.js';
import { CHAT_STREAM_FIXTURES, collectEvents, joinDeltas, terminalError, useHarness } from './harness.js';

/** The model request a recording's chat body stands for, so the adapter can send it again. */
function modelRequestOf(recording: ChatStreamRecording): ModelRequest {
  const body = recording.request.body as {
    messages: Array<{ role: string; content: string; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>; tool_call_id?: string }>;
    tools?: Array<{ function: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean } }>;
    tool_choice?: 'auto' | 'none' | 'required' | { function: { name: string } };
  };
  const messages = body.messages.map((message): ModelMessage => {
    switch (message.role) {
      case 'system':
        return { role: 'system', content: message.content };
      case 'assistant':
        return {
          role: 'assistant',
          content: message.content,
          ...(message.tool_calls
            ? { toolCalls: message.tool_calls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })) }
            : {}),
        };
      case 'tool':
        return { role: 'tool', toolCallId: message.tool_call_id ?? '', content: message.content };
      default:
        return { role: 'user', content: message.content };
    }
  });
  const request: ModelRequest = { messages };
  if (body.tools) {
    request.tools = body.tools.map(({ function: fn }): ModelToolSpec => ({ ...fn }));
  }
  if (body.tool_choice !== undefined) {
    request.toolChoice = typeof body.tool_choice === 'object' ? ({ name: body.tool_choice.function.name } satisfies ModelToolChoice) : body.tool_choice;
  }
  return request;
}

const load = (file: string) => loadChatStreamRecording(join(CHAT_STREAM_FIXTURES, file));

describe('recorded streams replay into ModelStreamEvents', () => {
  const start = useHarness();

  async function replay(file: string) {
    const recording = await load(file);
    const model = String(recording.request.body.model);
    const { server, model: adapter } = await start(
      { models: [{ id: model, maxModelLen: 196_608 }], turns: [{ type: 'replay', recording }] },
      { model, strictAutoToolChoice: 'enforced' },
    );
    const events = await collectEvents(adapter.stream(modelRequestOf(recording)));
    return { recording, server, events };
  }

  it('vLLM code interpreter, step 1: reasoning, text, then one validated tool call {"code":"2+2"}', async () => {
    const { events } = await replay('vllm-code-interpreter-step1-stream.json');
    // The recording sends each reasoning piece as both `reasoning` and `reasoning_content`: read once.
    expect(joinDeltas(events, 'reasoning-delta')).toBe(
      'The user explicitly asked me to call the code_interpreter tool to execute "2+2" and then tell them the result. I need to follow their instruction.\n',
    );
    expect(joinDeltas(events, 'text-delta')).toBe("\n\nI'll execute the calculation for you now.\n");
    const deltas = events.filter((event) => event.type === 'tool-call-delta');
    expect(deltas.map((delta) => delta.argumentsDelta)).toEqual(['', '{', '"code": "2+2"', '}']);
    expect(new Set(deltas.map((delta) => `${delta.toolCallId} ${delta.toolName}`))).toEqual(
      new Set(['call_369c3680bcf04639839f7036 code_interpreter']),
    );
    expect(events.slice(-3)).toEqual([
      {
        type: 'tool-call',
        toolCallId: 'call_369c3680bcf04639839f7036',
        toolName: 'code_interpreter',
        arguments: '{"code": "2+2"}',
        input: { code: '2+2' },
      },
      { type: 'usage', usage: { inputTokens: 344, outputTokens: 70, totalTokens: 414 } },
      { type: 'finish', reason: 'tool_calls' },
    ]);
    const order = events.map((event) => event.type);
    expect(order.lastIndexOf('reasoning-delta')).toBeLessThan(order.indexOf('text-delta'));
    expect(order.lastIndexOf('text-delta')).toBeLessThan(order.indexOf('tool-call-delta'));
  });

  it('vLLM code interpreter, step 2: reasoning then the answer, finish stop, usage', async () => {
    const { events } = await replay('vllm-code-interpreter-step2-stream.json');
    expect(joinDeltas(events, 'reasoning-delta')).toBe(
      'The code_interpreter tool successfully executed "2+2" and returned the result "4". The execution was successful and took about 8 milliseconds. Now I can provide the user with the result they requested.\n',
    );
    expect(joinDeltas(events, 'text-delta')).toBe('\n\nThe result of 2+2 is **4**.');
    expect(events.some((event) => event.type === 'tool-call')).toBe(false);
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: { inputTokens: 446, outputTokens: 56, totalTokens: 502 } },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it("vLLM's 404 for an unknown model becomes model_not_found with vLLM's message, not retried", async () => {
    const { server, events } = await replay('vllm-model-not-found-stream.json');
    expect(events).toHaveLength(1);
    const error = terminalError(events);
    expect(error.code).toBe('model_not_found');
    expect(error.status).toBe(404);
    expect(error.retryable).toBe(false);
    expect(error.providerMessage).toBe('The model `MiniMaxAI/MiniMax-M2.1` does not exist.');
    expect(error.message).toContain('The model `MiniMaxAI/MiniMax-M2.1` does not exist.');
    expect(server.chatRequests).toHaveLength(1);
  });

  it('a plain streamed answer: text, finish stop, no usage when the server sends none', async () => {
    const { events } = await replay('openai-text-single-stream.json');
    expect(events).toEqual([
      { type: 'text-delta', delta: 'Paris' },
      { type: 'text-delta', delta: '.' },
      { type: 'finish', reason: 'stop' },
    ]);
  });

  it('a non-streamed JSON answer to a streaming request decodes the same way', async () => {
    const { events } = await replay('openai-text-single.json');
    expect(joinDeltas(events, 'text-delta')).toBe('Paris.');
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
    expect(events.find((event) => event.type === 'usage')).toBeDefined();
  });

  it('a stream cut by the token limit finishes with length', async () => {
    const { events } = await replay('openai-text-max-tokens-length-stream.json');
    expect(events).toEqual([
      { type: 'text-delta', delta: 'Partial output' },
      { type: 'finish', reason: 'length' },
    ]);
  });

  it('a named tool call with fragmented arguments, usage with cached and reasoning tokens', async () => {
    const { events } = await replay('openai-mcp-hosted-step1-stream.json');
    const deltas = events.filter((event) => event.type === 'tool-call-delta').map((event) => event.argumentsDelta);
    expect(deltas.join('')).toBe('{"query":"migration notes"}');
    expect(deltas.length).toBeGreaterThan(2);
    expect(events.slice(-3)).toEqual([
      {
        type: 'tool-call',
        toolCallId: 'call_d4CgCQekJ22QhJPrbIduqXTO',
        toolName: 'mcp__github_docs__search_docs',
        arguments: '{"query":"migration notes"}',
        input: { query: 'migration notes' },
      },
      { type: 'usage', usage: { inputTokens: 155, outputTokens: 158, totalTokens: 313, cachedInputTokens: 0, reasoningTokens: 128 } },
      { type: 'finish', reason: 'tool_calls' },
    ]);
  });

  it('the answer after a tool result', async () => {
    const { events } = await replay('openai-mcp-hosted-step2-stream.json');
    expect(joinDeltas(events, 'text-delta')).toMatch(/^Here are the search results for "migration notes":/);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'stop' });
  });

  it.each([
    'vllm-code-interpreter-step1-stream.json',
    'vllm-code-interpreter-step2-stream.json',
    'openai-mcp-hosted-step1-stream.json',
    'openai-mcp-hosted-step2-stream.json',
    'openai-text-single-stream.json',
  ])("the adapter's own request for %s has the recorded shape", async (file) => {
    const { recording, server } = await replay(file);
    const recorded = recording.request.body;
    const sent = server.lastChatBody;
    expect(sent.model).toBe(recorded.model);
    // The OpenAI recording's tool result also has the legacy `name`, which vLLM does not need.
    const recordedMessages = (recorded.messages as Array<Record<string, unknown>>).map(({ name: _name, ...message }) => message);
    expect(sent.messages).toEqual(recordedMessages);
    expect(sent.tools).toEqual(recorded.tools);
    expect(sent.tool_choice).toEqual(recorded.tool_choice);
    expect(sent.stream).toBe(true);
    expect(sent.stream_options).toEqual({ include_usage: true });
  });
});
