import { COMPACTION_SUMMARY_PREFIX, DEFAULT_COMPACTION_PROMPT } from '@agentport/core';
import { GatewayHarness, RawClient, type ServerFrame, isTerminal } from '@agentport/gateway/testing';
import { VllmAgentModel, VllmModelCatalog } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn } from '@agentport/vllm-adapter/testing';
import type { ResponseInputItem } from 'openai/resources/responses/responses';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayConfig } from '@agentport/gateway';

// Compaction through the real gateway on the real vLLM adapter: POST /v1/responses/compact as the
// openai SDK calls it, its compaction item carried into later turns over HTTP and WebSocket, and
// automatic compaction when a turn's history outgrows the model's window (the fake server says
// max_model_len and counts tokens with /tokenize).

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startStack(turns: FakeTurn[], options: { maxModelLen?: number; config?: Partial<GatewayConfig> } = {}) {
  const fake = await new FakeVllmServer({ turns, models: [{ id: 'fake-model', maxModelLen: options.maxModelLen ?? 32_768 }] }).start();
  const model = new VllmAgentModel({ baseUrl: fake.url, model: 'fake-model', maxRetries: 0 });
  const harness = await GatewayHarness.start({ model, catalog: new VllmModelCatalog(model), config: { modelAliases: {}, ...options.config } });
  cleanups.push(async () => {
    await harness.close();
    model.close();
    await fake.close();
  });
  return { fake, harness, client: harness.client() };
}

const reply = (text: string): FakeTurn => ({ parts: [{ type: 'text', text }] });
const SUMMARY = 'The user is planning a trip to Lisbon in May with a budget of 900 euros.';

type ChatMessage = { role: string; content: string };
const chatMessages = (fake: FakeVllmServer, index: number): ChatMessage[] => (fake.chatRequests[index]!.body as { messages: ChatMessage[] }).messages;

const conversation: ResponseInputItem[] = [
  { role: 'user', content: 'I want to plan a trip to Lisbon in May.' },
  { role: 'assistant', content: 'Great choice. What is your budget?' },
  { role: 'user', content: 'About 900 euros.' },
  { role: 'assistant', content: 'That is enough for a week in a guesthouse.' },
];

describe('POST /v1/responses/compact', () => {
  it('summarises a conversation into a sealed compaction item that stands for it in a later turn', async () => {
    const { fake, client } = await startStack([reply(SUMMARY), reply('Pastel de nata, at Manteigaria.')]);
    const compacted = await client.responses.compact({ model: 'fake-model', input: conversation, instructions: 'You are a travel agent.' });

    expect(compacted).toMatchObject({ object: 'response.compaction', id: expect.stringMatching(/^resp_/), created_at: expect.any(Number) });
    expect(compacted.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number), total_tokens: expect.any(Number) });
    // The user's messages as they were, then one compaction item, sealed.
    expect(compacted.output.map((item) => item.type)).toEqual(['message', 'message', 'compaction']);
    expect(compacted.output.slice(0, 2).map((item) => (item as { role: string }).role)).toEqual(['user', 'user']);
    const compaction = compacted.output[2] as { type: 'compaction'; id: string; encrypted_content: string };
    expect(compaction.id).toMatch(/^cmp_/);
    expect(compaction.encrypted_content).toMatch(/^ap1\./);
    expect(compaction.encrypted_content).not.toContain('Lisbon');
    // The model was shown the conversation under its instructions, and asked to summarise it.
    const asked = chatMessages(fake, 0);
    expect(asked[0]).toEqual({ role: 'system', content: 'You are a travel agent.' });
    expect(asked.at(-1)).toEqual({ role: 'user', content: DEFAULT_COMPACTION_PROMPT });
    expect(JSON.stringify(asked)).toContain('That is enough for a week');
    expect(fake.chatRequests[0]!.body).not.toHaveProperty('tools');

    const next = await client.responses.create({
      model: 'fake-model', store: false,
      input: [...compacted.output as ResponseInputItem[], { role: 'user', content: 'What should I eat first?' }],
    });
    expect(next.output_text).toBe('Pastel de nata, at Manteigaria.');
    // The model sees the user's messages and the summary, not the assistant turns it replaced.
    expect(chatMessages(fake, 1)).toEqual([
      { role: 'user', content: 'I want to plan a trip to Lisbon in May.' },
      { role: 'user', content: 'About 900 euros.' },
      { role: 'user', content: `${COMPACTION_SUMMARY_PREFIX}${SUMMARY}` },
      { role: 'user', content: 'What should I eat first?' },
    ]);
  });

  it('compacts a stored chain named by previous_response_id, and the item works over WebSocket', async () => {
    const { fake, harness, client } = await startStack([reply('Lisbon in May is mild.'), reply(SUMMARY), reply('Take the 28 tram.')]);
    const first = await client.responses.create({ model: 'fake-model', input: 'I want to plan a trip to Lisbon in May.' });
    const compacted = await client.responses.compact({ model: 'fake-model', previous_response_id: first.id, input: 'Budget is 900 euros.' });
    expect(compacted.output.map((item) => item.type)).toEqual(['message', 'message', 'compaction']);
    expect(JSON.stringify(chatMessages(fake, 1))).toContain('Lisbon in May is mild.');

    const ws = await RawClient.connect(harness);
    cleanups.push(async () => ws.close());
    ws.send({ type: 'response.create', model: 'fake-model', store: false, input: [...compacted.output, { role: 'user', content: 'How do I get around?' }] });
    const terminal: ServerFrame = await ws.log.waitFor(isTerminal);
    expect(terminal.type).toBe('response.completed');
    expect(JSON.stringify(terminal.response?.output)).toContain('Take the 28 tram.');
    expect(chatMessages(fake, 2).map((message) => message.content)).toEqual([
      'I want to plan a trip to Lisbon in May.', 'Budget is 900 euros.', `${COMPACTION_SUMMARY_PREFIX}${SUMMARY}`, 'How do I get around?',
    ]);
  });

  it('refuses a request without a model, and a compaction item it did not seal, naming the field', async () => {
    const { harness } = await startStack([]);
    const noModel = await harness.fetch('/v1/responses/compact', { method: 'POST', body: { input: 'hello' } });
    expect(noModel.status).toBe(400);
    expect(await noModel.json()).toMatchObject({ error: { type: 'invalid_request_error', param: 'model' } });

    const forged = await harness.fetch('/v1/responses', {
      method: 'POST',
      body: { model: 'fake-model', input: [{ role: 'user', content: 'hi' }, { type: 'compaction', encrypted_content: 'ap1.not-a-real-blob' }] },
    });
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ error: { code: 'invalid_encrypted_content', param: 'input[1].encrypted_content' } });
  });
});

describe('automatic compaction', () => {
  const longAnswer = Array.from({ length: 60 }, (_, index) => `fact${index}`).join(' ');

  it('compacts the history before a turn that would pass the threshold, and later turns start from the compaction', async () => {
    const { fake, client } = await startStack([
      reply(longAnswer), reply(SUMMARY), reply('Yes, May is a good month.'), reply('Sure.'),
    ], { maxModelLen: 100 });
    const first = await client.responses.create({ model: 'fake-model', input: 'Tell me everything about Lisbon.' });
    expect(first.output_text).toBe(longAnswer);

    const second = await client.responses.create({ model: 'fake-model', previous_response_id: first.id, input: 'Is May a good month?' });
    expect(second.status).toBe('completed');
    expect(second.output.map((item) => item.type)).toEqual(['compaction', 'message']);
    expect((second.output[0] as unknown as { encrypted_content: string }).encrypted_content).toMatch(/^ap1\./);
    expect(second.output_text).toBe('Yes, May is a good month.');
    // Call 2 asked for the summary of everything so far; call 3 answered from it.
    expect(chatMessages(fake, 1).at(-1)?.content).toBe(DEFAULT_COMPACTION_PROMPT);
    expect(chatMessages(fake, 2)).toEqual([
      { role: 'user', content: 'Tell me everything about Lisbon.' },
      { role: 'user', content: 'Is May a good month?' },
      { role: 'user', content: `${COMPACTION_SUMMARY_PREFIX}${SUMMARY}` },
    ]);

    // The next turn does not compact again: its history starts from the compaction.
    const third = await client.responses.create({ model: 'fake-model', previous_response_id: second.id, input: 'Thanks!' });
    expect(third.output.map((item) => item.type)).toEqual(['message']);
    expect(fake.chatRequests).toHaveLength(4);
    expect(chatMessages(fake, 3).map((message) => message.content)).not.toContain(longAnswer);
  });

  it('compacts and retries once when the upstream refuses the input as too long, with the threshold off', async () => {
    const { fake, client } = await startStack([
      reply(longAnswer),
      { type: 'error', status: 400, message: "This model's maximum context length is 100 tokens. However, you requested 180 tokens." },
      reply(SUMMARY), reply('Yes.'),
    ], { config: { autoCompactionThreshold: 0 } });
    const first = await client.responses.create({ model: 'fake-model', input: 'Tell me everything about Lisbon.' });
    const second = await client.responses.create({ model: 'fake-model', previous_response_id: first.id, input: 'Is May a good month?' });
    expect(second.status).toBe('completed');
    expect(second.output.map((item) => item.type)).toEqual(['compaction', 'message']);
    expect(second.output_text).toBe('Yes.');
    expect(fake.chatRequests).toHaveLength(4);
  });

  it('leaves a history under the threshold alone', async () => {
    const { fake, client } = await startStack([reply('Hi.'), reply('Hello again.')], { maxModelLen: 32_768 });
    const first = await client.responses.create({ model: 'fake-model', input: 'Hi' });
    const second = await client.responses.create({ model: 'fake-model', previous_response_id: first.id, input: 'Hi again' });
    expect(second.output.map((item) => item.type)).toEqual(['message']);
    expect(fake.chatRequests).toHaveLength(2);
  });
});
