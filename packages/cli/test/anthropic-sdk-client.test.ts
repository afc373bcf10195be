import Anthropic from '@anthropic-ai/sdk';
import { GatewayHarness } from '@agentport/gateway/testing';
import { VllmAgentModel, VllmModelCatalog } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn, type RecordedRequest, tokenizeChat } from '@agentport/vllm-adapter/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { guardLoopbackOnly } from './loopback-guard.js';

// The real @anthropic-ai/sdk against the gateway over the real vLLM adapter and the fake vLLM
// server: Messages requests become vLLM chat calls (constrained tool choice included), counted
// by vLLM's own tokenizer for `countTokens`.
guardLoopbackOnly();

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startStack(turns: FakeTurn[]) {
  const fake = await new FakeVllmServer({ turns, tokenize: true }).start();
  const model = new VllmAgentModel({ baseUrl: fake.url, model: 'fake-model', maxRetries: 0 });
  const harness = await GatewayHarness.start({ model, catalog: new VllmModelCatalog(model), config: { modelAliases: { 'claude-sonnet-4-5': 'fake-model' } } });
  cleanups.push(async () => {
    await harness.close();
    model.close();
    await fake.close();
  });
  return { fake, client: new Anthropic({ baseURL: harness.url, apiKey: 'test-key', maxRetries: 0 }) };
}

const READ_FILE = { name: 'read_file', description: 'Reads a file', input_schema: { type: 'object' as const, properties: { path: { type: 'string' } }, required: ['path'] } };

describe('@anthropic-ai/sdk against agentport on vLLM', () => {
  it('streams a tool call that vLLM was constrained to, and counts tokens as vLLM does', async () => {
    const { fake, client } = await startStack([{ parts: [{ type: 'tool-call', name: 'read_file', input: { path: 'README.md' } }] }]);
    const params = { model: 'claude-sonnet-4-5', system: 'You are a coding agent.', tools: [READ_FILE], messages: [{ role: 'user' as const, content: 'Open the readme.' }] };

    const counted = await client.messages.countTokens(params);
    const tokenize = fake.requests.filter((request: RecordedRequest) => request.path === '/tokenize').at(-1)!.body as Parameters<typeof tokenizeChat>[0];
    expect(counted.input_tokens).toBe(tokenizeChat(tokenize).length);
    expect(fake.chatRequests).toHaveLength(0);

    const message = await client.messages.stream({ ...params, max_tokens: 300, tool_choice: { type: 'tool', name: 'read_file' } }).finalMessage();
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toMatchObject([{ type: 'tool_use', name: 'read_file', input: { path: 'README.md' } }]);
    const chat = fake.lastChatBody as { tool_choice: unknown; max_completion_tokens?: number; max_tokens?: number; messages: Array<{ role: string; content: unknown }> };
    expect(chat.tool_choice).toEqual({ type: 'function', function: { name: 'read_file' } });
    expect(chat.messages[0]).toEqual({ role: 'system', content: 'You are a coding agent.' });
    // What was counted is what the model got.
    expect(chat.messages).toEqual((tokenize as { messages: unknown }).messages);
  });
});
