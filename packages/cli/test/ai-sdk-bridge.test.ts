import { type AgentEvent, type Item, newId, type ServerTool, ToolLoopAgent } from '@agentport/core';
import { VllmAgentModel } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn } from '@agentport/vllm-adapter/testing';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { fromAiSdk, toAiSdk } from '@agentport/ai-sdk';

// Both directions against a real HTTP server speaking vLLM's protocol on 127.0.0.1: a real AI SDK
// provider under agentport's agent loop, and agentport's vLLM adapter under the AI SDK's loop.

const WEATHER_PARAMETERS = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function fakeVllm(turns: FakeTurn[]): Promise<FakeVllmServer> {
  const server = await new FakeVllmServer({ turns }).start();
  cleanups.push(() => server.close());
  return server;
}

async function runAgent(agent: ToolLoopAgent, question: string): Promise<AgentEvent[]> {
  const input: Item[] = [{ type: 'message', id: newId('message'), role: 'user', content: [{ type: 'input_text', text: question }] }];
  const events: AgentEvent[] = [];
  for await (const event of agent.run({ history: [], input }, { signal: new AbortController().signal, tenant: 't', responseId: newId('response') })) {
    events.push(event);
  }
  return events;
}

describe('fromAiSdk: @ai-sdk/openai-compatible under ToolLoopAgent, against the fake vLLM server', () => {
  it('runs a tool over two steps: the call validated, the tool run, its output sent back, the answer streamed', async () => {
    const server = await fakeVllm([
      { parts: [{ type: 'tool-call', name: 'get_weather', input: { city: 'Paris' }, id: 'call_7' }], usage: { inputTokens: 30, outputTokens: 8 } },
      { parts: [{ type: 'text', text: 'It is sunny in Paris, 21 C.' }], usage: { inputTokens: 50, outputTokens: 9 } },
    ]);
    const provider = createOpenAICompatible({ name: 'vllm', baseURL: server.url, includeUsage: true, supportsStructuredOutputs: true });
    const calls: unknown[] = [];
    const weather: ServerTool = {
      name: 'get_weather', description: 'The weather in a city', parameters: WEATHER_PARAMETERS, execution: 'server',
      execute: async (args) => {
        calls.push(args);
        return { output: 'sunny, 21 C' };
      },
    };
    const agent = new ToolLoopAgent({ name: 'weather-agent', model: fromAiSdk(provider.chatModel('fake-model')), tools: [weather], instructions: 'Answer briefly.' });

    const events = await runAgent(agent, 'Weather in Paris?');

    expect(calls).toEqual([{ city: 'Paris' }]);
    const items = events.flatMap((event) => (event.type === 'item.done' ? [event.item] : []));
    expect(items.map((item) => item.type)).toEqual(['function_call', 'function_call_output', 'message']);
    expect(items[0]).toMatchObject({ call_id: 'call_7', name: 'get_weather', arguments: '{"city":"Paris"}' });
    expect(items[1]).toMatchObject({ call_id: 'call_7', output: 'sunny, 21 C' });
    const text = events.flatMap((event) => (event.type === 'text.delta' ? [event.delta] : [])).join('');
    expect(text).toBe('It is sunny in Paris, 21 C.');
    expect(events.at(-1)).toMatchObject({ type: 'completed', usage: { inputTokens: 80, outputTokens: 17, totalTokens: 97 } });

    const [first, second] = server.chatRequests.map((request) => request.body as Record<string, unknown>);
    expect(first).toMatchObject({
      model: 'fake-model', stream: true,
      messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: 'Weather in Paris?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: WEATHER_PARAMETERS } }],
    });
    expect((second!.messages as unknown[]).slice(2)).toEqual([
      expect.objectContaining({ role: 'assistant', tool_calls: [expect.objectContaining({ id: 'call_7', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } })] }),
      { role: 'tool', tool_call_id: 'call_7', content: 'sunny, 21 C' },
    ]);
  });

  it('fails the run with rate_limited when the server answers 429', async () => {
    const server = await fakeVllm([{ type: 'error', status: 429, message: 'too many requests in flight' }]);
    const provider = createOpenAICompatible({ name: 'vllm', baseURL: server.url });
    const agent = new ToolLoopAgent({ name: 'a', model: fromAiSdk(provider.chatModel('fake-model')) });
    const events = await runAgent(agent, 'Hi');
    expect(events.at(-1)).toMatchObject({ type: 'failed', error: { code: 'rate_limited', message: expect.stringContaining('too many requests in flight') } });
  });
});

describe('toAiSdk: VllmAgentModel under ai\'s streamText, against the fake vLLM server', () => {
  it('streams a tool loop: the vLLM adapter\'s tool call executed by ai, the answer streamed from the second request', async () => {
    const server = await fakeVllm([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Oslo' }, id: 'call_o' }] },
      { parts: [{ type: 'text', text: 'Oslo is clear today.' }] },
    ]);
    const vllmModel = new VllmAgentModel({ baseUrl: server.url, model: 'fake-model', maxRetries: 0 });
    cleanups.push(() => vllmModel.close());
    const weather = tool({
      description: 'The weather in a city',
      inputSchema: jsonSchema<{ city: string }>(WEATHER_PARAMETERS),
      execute: async ({ city }) => ({ city, sky: 'clear' }),
    });
    const result = streamText({ model: toAiSdk(vllmModel), prompt: 'Weather in Oslo?', tools: { weather }, stopWhen: stepCountIs(2) });
    const chunks: string[] = [];
    for await (const chunk of result.textStream) chunks.push(chunk);

    expect(chunks.join('')).toBe('Oslo is clear today.');
    const steps = await result.steps;
    expect(steps[0]!.toolResults[0]).toMatchObject({ toolCallId: 'call_o', input: { city: 'Oslo' }, output: { city: 'Oslo', sky: 'clear' } });
    expect(server.chatRequests).toHaveLength(2);
    expect(server.chatRequests[0]!.body).toMatchObject({ tools: [{ type: 'function', function: { name: 'weather', parameters: WEATHER_PARAMETERS } }] });
    expect(server.lastChatBody.messages).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      expect.objectContaining({ role: 'assistant', tool_calls: [expect.objectContaining({ id: 'call_o', function: { name: 'weather', arguments: '{"city":"Oslo"}' } })] }),
      { role: 'tool', tool_call_id: 'call_o', content: '{"city":"Oslo","sky":"clear"}' },
    ]);
  });
});
