import { silentLogger } from '@agentport/core';
import { GatewayHarness } from '@agentport/gateway/testing';
import { McpServerHost, McpToolProvider } from '@agentport/tools-builtin';
import { VllmAgentModel, VllmModelCatalog } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn } from '@agentport/vllm-adapter/testing';
import {
  Agent, hostedMcpTool, OpenAIConversationsSession, OpenAIResponsesModel, run, setTracingDisabled, tool, withResponsesWebSocketSession,
} from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpMcpTestServer, QUICK_SETTINGS } from '../../tools-builtin/test/mcp-support.js';
import { guardLoopbackOnly } from './loopback-guard.js';

// The OpenAI Agents SDK (`@openai/agents` 0.20) runs unchanged against the real gateway over the real
// vLLM adapter and the fake vLLM server, as a user runs it: text whole and streamed, function tools,
// handoffs, previous_response_id and /v1/conversations sessions, hosted MCP with an approval and a
// resume, the Responses WebSocket transport, reasoning. Tracing is off; nothing leaves 127.0.0.1.

// The SDK exports traces to api.openai.com by default; a user pointed at their own gateway turns that off.
setTracingDisabled(true);

// Any connection attempt to an address other than 127.0.0.1 throws before it is made (tracing included).
guardLoopbackOnly();

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface StackOptions {
  /** An MCP host for `server_url` tools on 127.0.0.1. */
  mcp?: boolean;
}

async function startStack(turns: FakeTurn[], options: StackOptions = {}) {
  const fake = await new FakeVllmServer({ turns }).start();
  cleanups.push(() => fake.close());
  const model = new VllmAgentModel({ baseUrl: fake.url, model: 'fake-model', maxRetries: 0 });
  cleanups.push(() => model.close());
  const tools = [];
  if (options.mcp) {
    // The gateway may reach only the MCP servers its allowlist names: here the test server on 127.0.0.1.
    const host = new McpServerHost([], { ...QUICK_SETTINGS, serverUrlAllowlist: ['127.0.0.1'], logger: silentLogger });
    await host.start();
    cleanups.push(() => host.close());
    tools.push(new McpToolProvider(host));
  }
  const harness = await GatewayHarness.start({ model, catalog: new VllmModelCatalog(model), config: { modelAliases: {} }, tools });
  cleanups.push(() => harness.close());
  // What a user writes: the openai client pointed at the gateway, handed to the SDK's Responses model.
  // Its fetch notes each HTTP request, to tell HTTP calls from WebSocket ones.
  const httpRequests: string[] = [];
  const client = new OpenAI({
    baseURL: `${harness.url}/v1`, apiKey: 'test-key', maxRetries: 0,
    fetch: (input, init) => {
      httpRequests.push(`${init?.method ?? 'GET'} ${new URL(String(input instanceof Request ? input.url : input)).pathname}`);
      return fetch(input, init);
    },
  });
  return { fake, harness, client, httpRequests, model: new OpenAIResponsesModel(client, 'fake-model') };
}

const reply = (text: string): FakeTurn => ({ parts: [{ type: 'text', text }] });

/** The messages of the `index`th chat request the gateway sent to the fake vLLM server. */
function chatMessages(fake: FakeVllmServer, index: number): Array<Record<string, unknown>> {
  return (fake.chatRequests[index]!.body as { messages: Array<Record<string, unknown>> }).messages;
}

/** The cities the weather tool ran for, in this test. */
const weatherCalls: string[] = [];
afterEach(() => { weatherCalls.length = 0; });
const weather = tool({
  name: 'weather',
  description: 'The weather in a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => {
    weatherCalls.push(city);
    return `${city}: clear, 21°C`;
  },
});

describe('the OpenAI Agents SDK against agentport', () => {
  it('answers a run with text, whole and streamed', async () => {
    const { fake, model, httpRequests } = await startStack([reply('Hello from the gateway.'), { parts: [{ type: 'text', text: 'Streamed hello, in pieces.', chunks: 4 }] }]);
    const agent = new Agent({ name: 'Greeter', instructions: 'Greet briefly.', model });

    const result = await run(agent, 'Say hello.');
    expect(result.finalOutput).toBe('Hello from the gateway.');
    expect(chatMessages(fake, 0)).toEqual([{ role: 'system', content: 'Greet briefly.' }, { role: 'user', content: 'Say hello.' }]);

    const streamed = await run(agent, 'Say hello again.', { stream: true });
    const deltas: string[] = [];
    for await (const event of streamed) {
      if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta') deltas.push(event.data.delta);
    }
    await streamed.completed;
    // One delta per chunk the model streamed.
    expect(deltas).toHaveLength(4);
    expect(deltas.join('')).toBe('Streamed hello, in pieces.');
    expect(streamed.finalOutput).toBe('Streamed hello, in pieces.');
    expect(httpRequests).toEqual(['POST /v1/responses', 'POST /v1/responses']);
  });

  it('runs a function tool the model calls and gives its output to the model\'s next call', async () => {
    const { fake, model } = await startStack([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Paris' }, id: 'call_w' }] },
      reply('It is clear and 21°C in Paris.'),
    ]);
    const agent = new Agent({ name: 'Forecaster', instructions: 'Use the weather tool.', model, tools: [weather] });

    const result = await run(agent, 'Weather in Paris?');

    expect(result.finalOutput).toBe('It is clear and 21°C in Paris.');
    expect(weatherCalls).toEqual(['Paris']);
    const output = result.newItems.find((item) => item.type === 'tool_call_output_item');
    expect(output?.rawItem).toMatchObject({ type: 'function_call_result', callId: 'call_w', output: { type: 'text', text: 'Paris: clear, 21°C' } });
    // The model was offered the tool, then saw its call and output once each.
    expect((fake.chatRequests[0]!.body as { tools: Array<{ function: { name: string } }> }).tools.map((t) => t.function.name)).toEqual(['weather']);
    expect(chatMessages(fake, 1).slice(-2)).toEqual([
      expect.objectContaining({ role: 'assistant', tool_calls: [expect.objectContaining({ id: 'call_w', function: { name: 'weather', arguments: '{"city":"Paris"}' } })] }),
      { role: 'tool', tool_call_id: 'call_w', content: 'Paris: clear, 21°C' },
    ]);
    expect(JSON.stringify(fake.chatRequests[1]!.body).match(/call_w/g)?.length).toBe(2);
  });

  it('hands off from a triage agent to a specialist, which answers', async () => {
    const { fake, model } = await startStack([
      { parts: [{ type: 'tool-call', name: 'transfer_to_French_tutor', input: {}, id: 'call_h' }] },
      reply('Bonjour ! Comment ça va ?'),
    ]);
    const tutor = new Agent({ name: 'French tutor', instructions: 'Answer in French.', handoffDescription: 'Speaks French', model });
    const triage = new Agent({ name: 'Triage', instructions: 'Hand off to the right agent.', model, handoffs: [tutor] });

    const result = await run(triage, 'Greet me in French.');

    expect(result.finalOutput).toBe('Bonjour ! Comment ça va ?');
    expect(result.lastAgent?.name).toBe('French tutor');
    expect(result.newItems.map((item) => item.type)).toEqual(['handoff_call_item', 'handoff_output_item', 'message_output_item']);
    // The first call offered the handoff as a tool; the second ran under the tutor's instructions.
    expect((fake.chatRequests[0]!.body as { tools: Array<{ function: { name: string } }> }).tools.map((t) => t.function.name)).toEqual(['transfer_to_French_tutor']);
    expect(chatMessages(fake, 1)[0]).toEqual({ role: 'system', content: 'Answer in French.' });
    expect(chatMessages(fake, 1).at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_h' });
  });

  it('continues a conversation from the previous response id, and in an SDK session over /v1/conversations', async () => {
    const { fake, model, client, httpRequests } = await startStack([reply('Nice to meet you, Ada.'), reply('Your name is Ada.'), reply('Hi Grace.'), reply('You are Grace.')]);
    const agent = new Agent({ name: 'Assistant', instructions: 'Be brief.', model });

    const first = await run(agent, 'My name is Ada.');
    expect(first.lastResponseId).toMatch(/^resp_/);
    const second = await run(agent, 'What is my name?', { previousResponseId: first.lastResponseId! });
    expect(second.finalOutput).toBe('Your name is Ada.');
    // The gateway rebuilt the earlier turn from what it stored.
    expect(chatMessages(fake, 1)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Nice to meet you, Ada.' },
      { role: 'user', content: 'What is my name?' },
    ]);

    // The SDK's server-side session keeps the history as the gateway's conversation items.
    const session = new OpenAIConversationsSession({ client });
    await run(agent, 'I am Grace.', { session });
    const again = await run(agent, 'Who am I?', { session });
    expect(again.finalOutput).toBe('You are Grace.');
    expect(chatMessages(fake, 3)).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'I am Grace.' },
      { role: 'assistant', content: 'Hi Grace.' },
      { role: 'user', content: 'Who am I?' },
    ]);
    const conversationId = await session.getSessionId();
    expect(conversationId).toMatch(/^conv_/);
    expect(httpRequests).toContain(`POST /v1/conversations/${conversationId}/items`);
    expect((await session.getItems()).map((item) => JSON.stringify(item).match(/"text":"([^"]*)"/)?.[1]))
      .toEqual(['I am Grace.', 'Hi Grace.', 'Who am I?', 'You are Grace.']);
  });

  it('asks for approval of a hosted MCP call, then runs it once the approved state resumes', async () => {
    const remote = await HttpMcpTestServer.start();
    cleanups.push(() => remote.close());
    const { fake, model } = await startStack([
      { parts: [{ type: 'tool-call', name: 'lookup', input: { city: 'Oslo' }, id: 'call_l' }] },
      reply('Oslo is in Norway.'),
    ], { mcp: true });
    const agent = new Agent({
      name: 'Geographer', instructions: 'Use the geo tools.', model,
      tools: [hostedMcpTool({ serverLabel: 'geo', serverUrl: remote.url, requireApproval: 'always' })],
    });

    const asked = await run(agent, 'Which country is Oslo in?');
    expect(asked.interruptions).toHaveLength(1);
    const approval = asked.interruptions[0]!;
    expect(approval.name).toBe('lookup');
    // A hosted call's approval carries the gateway's mcp_approval_request as it came.
    expect(approval.rawItem).toMatchObject({ type: 'hosted_tool_call', providerData: { type: 'mcp_approval_request', server_label: 'geo', arguments: '{"city":"Oslo"}' } });
    expect(remote.calls).toEqual([]);

    asked.state.approve(approval);
    const resumed = await run(agent, asked.state);

    expect(resumed.interruptions).toEqual([]);
    expect(resumed.finalOutput).toBe('Oslo is in Norway.');
    expect(remote.calls).toEqual(['lookup:Oslo']);
    const call = resumed.newItems.find((item) => item.type === 'tool_call_item' && item.rawItem.type === 'hosted_tool_call' && item.rawItem.name === 'mcp_call');
    expect(call?.rawItem).toMatchObject({ type: 'hosted_tool_call', status: 'completed', output: 'Norway', providerData: { server_label: 'geo', name: 'lookup' } });
    // The model was asked once, then once more with the call's output: the resume sent nothing twice.
    expect(fake.chatRequests).toHaveLength(2);
    expect(chatMessages(fake, 1)).toEqual([
      { role: 'system', content: 'Use the geo tools.' },
      { role: 'user', content: 'Which country is Oslo in?' },
      expect.objectContaining({ role: 'assistant', tool_calls: [expect.objectContaining({ function: { name: 'lookup', arguments: '{"city":"Oslo"}' } })] }),
      expect.objectContaining({ role: 'tool', content: 'Norway' }),
    ]);
  });

  it('runs a tool loop over the Responses WebSocket transport', async () => {
    const { fake, client, httpRequests } = await startStack([
      { parts: [{ type: 'tool-call', name: 'weather', input: { city: 'Lima' }, id: 'call_ws' }] },
      reply('It is clear in Lima.'),
      reply('You asked about Lima.'),
    ]);
    const agent = new Agent({ name: 'Forecaster', instructions: 'Use the weather tool.', model: 'fake-model', tools: [weather] });

    // A session-scoped provider with useResponsesWebSocket: it opens ws://…/v1/responses from the client's
    // base URL and key, sends each model call as a response.create frame, and closes the socket after.
    const [result, followUp] = await withResponsesWebSocketSession(async ({ run: runOverSocket }) => {
      const first = await runOverSocket(agent, 'Weather in Lima?');
      return [first, await runOverSocket(agent, 'Which city was it?', { previousResponseId: first.lastResponseId! })] as const;
    }, { providerOptions: { openAIClient: client } });

    expect(result.finalOutput).toBe('It is clear in Lima.');
    expect(followUp.finalOutput).toBe('You asked about Lima.');
    expect(weatherCalls).toEqual(['Lima']);
    expect(chatMessages(fake, 1).at(-1)).toEqual({ role: 'tool', tool_call_id: 'call_ws', content: 'Lima: clear, 21°C' });
    // The follow-up chained on the stored response: the model saw the whole first run once.
    expect(chatMessages(fake, 2).slice(1)).toEqual([
      { role: 'user', content: 'Weather in Lima?' },
      expect.objectContaining({ role: 'assistant', tool_calls: [expect.objectContaining({ id: 'call_ws' })] }),
      { role: 'tool', tool_call_id: 'call_ws', content: 'Lima: clear, 21°C' },
      { role: 'assistant', content: 'It is clear in Lima.' },
      { role: 'user', content: 'Which city was it?' },
    ]);
    // Every model call went over the socket: the client made no HTTP request at all.
    expect(httpRequests).toEqual([]);
  });

  it('shows the model\'s reasoning as reasoning items, whole and streamed, and takes them back beside a tool call', async () => {
    const reasoning = 'The user wants the weather; ask the tool.';
    const { fake, model } = await startStack([
      { parts: [{ type: 'reasoning', text: reasoning, chunks: 3 }, { type: 'tool-call', name: 'weather', input: { city: 'Rome' }, id: 'call_r' }] },
      { parts: [{ type: 'reasoning', text: 'The tool said clear.', chunks: 2 }, { type: 'text', text: 'Clear in Rome.' }] },
      { parts: [{ type: 'reasoning', text: 'A greeting; keep it short.', chunks: 3 }, { type: 'text', text: 'Hello!' }] },
    ]);
    const agent = new Agent({
      name: 'Thinker', instructions: 'Think, then answer.', model, tools: [weather],
      modelSettings: { reasoning: { summary: 'auto', effort: 'low' } },
    });

    const result = await run(agent, 'Weather in Rome?');
    expect(result.finalOutput).toBe('Clear in Rome.');
    expect(result.newItems.map((entry) => entry.type)).toEqual(['reasoning_item', 'tool_call_item', 'tool_call_output_item', 'reasoning_item', 'message_output_item']);
    // The SDK shows the gateway's summary as the reasoning item's text.
    expect(result.newItems[0]!.rawItem).toMatchObject({ type: 'reasoning', content: [{ type: 'input_text', text: reasoning }] });
    expect(result.newItems[3]!.rawItem).toMatchObject({ type: 'reasoning', content: [{ type: 'input_text', text: 'The tool said clear.' }] });
    // The SDK sent the reasoning item back beside the call; the gateway gave it to the model with the call.
    expect(chatMessages(fake, 1).slice(1)).toEqual([
      { role: 'user', content: 'Weather in Rome?' },
      expect.objectContaining({ role: 'assistant', reasoning, tool_calls: [expect.objectContaining({ id: 'call_r' })] }),
      { role: 'tool', tool_call_id: 'call_r', content: 'Rome: clear, 21°C' },
    ]);

    const streamed = await run(agent, 'Say hello.', { stream: true });
    const deltas: string[] = [];
    for await (const event of streamed) {
      if (event.type !== 'raw_model_stream_event' || event.data.type !== 'model') continue;
      const raw = event.data.event as { type: string; delta?: string };
      if (raw.type === 'response.reasoning_summary_text.delta') deltas.push(raw.delta!);
    }
    await streamed.completed;
    expect(deltas).toHaveLength(3);
    expect(deltas.join('')).toBe('A greeting; keep it short.');
    expect(streamed.finalOutput).toBe('Hello!');
    expect(streamed.newItems.map((entry) => entry.type)).toEqual(['reasoning_item', 'message_output_item']);
  });
});
