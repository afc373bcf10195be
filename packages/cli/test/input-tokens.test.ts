import { VllmAgentModel, VllmModelCatalog } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn, type RecordedRequest, tokenizeChat } from '@agentport/vllm-adapter/testing';
import { GatewayHarness } from '@agentport/gateway/testing';
import { afterEach, describe, expect, it } from 'vitest';

// `POST /v1/responses/input_tokens` through the openai SDK's `responses.inputTokens.count`, over
// the real vLLM adapter: the count is vLLM's own (`/tokenize`), of exactly what the response's
// first model call would send.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startStack(options: { turns?: FakeTurn[]; tokenize?: boolean } = {}) {
  const fake = await new FakeVllmServer({ turns: options.turns ?? [], tokenize: options.tokenize ?? true }).start();
  const model = new VllmAgentModel({ baseUrl: fake.url, model: 'fake-model', maxRetries: 0 });
  const harness = await GatewayHarness.start({ model, catalog: new VllmModelCatalog(model), config: { modelAliases: {} } });
  cleanups.push(async () => {
    await harness.close();
    model.close();
    await fake.close();
  });
  return { fake, harness, client: harness.client() };
}

const tokenizeRequests = (fake: FakeVllmServer): RecordedRequest[] => fake.requests.filter((request) => request.path === '/tokenize');
const lastTokenizeBody = (fake: FakeVllmServer) => tokenizeRequests(fake).at(-1)!.body as { model: string; messages: unknown[]; tools?: unknown[]; add_generation_prompt: boolean };

const WEATHER_TOOL = {
  type: 'function' as const, name: 'get_weather', description: 'The weather in a city', strict: true,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
};

describe('POST /v1/responses/input_tokens', () => {
  it('answers vLLM\'s own count of the messages and tools the response would send', async () => {
    const { fake, client } = await startStack({ turns: [{ parts: [{ type: 'text', text: 'Sunny.' }] }] });
    const params = { model: 'fake-model', instructions: 'Be brief.', input: 'What is the weather in Paris?', tools: [WEATHER_TOOL] };

    const counted = await client.responses.inputTokens.count(params);
    expect(counted.object).toBe('response.input_tokens');
    const sent = lastTokenizeBody(fake);
    // vLLM's route beside /v1, through the chat template with the generation prompt a chat call adds.
    expect(sent.model).toBe('fake-model');
    expect(sent.add_generation_prompt).toBe(true);
    expect(counted.input_tokens).toBe(tokenizeChat(sent).length);
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(fake.chatRequests).toHaveLength(0);

    // What was counted is what the model gets for the same request.
    await client.responses.create(params);
    expect(fake.lastChatBody.messages).toEqual(sent.messages);
    expect(fake.lastChatBody.tools).toEqual(sent.tools);
  });

  it('counts the history of previous_response_id, the tools and the instructions: each adds tokens', async () => {
    const { fake, client } = await startStack({ turns: [{ parts: [{ type: 'text', text: 'Paris is the capital of France.' }] }] });
    const first = await client.responses.create({ model: 'fake-model', input: 'What is the capital of France?' });

    const bare = (await client.responses.inputTokens.count({ model: 'fake-model', input: 'And of Italy?' })).input_tokens;
    const withHistory = (await client.responses.inputTokens.count({ model: 'fake-model', input: 'And of Italy?', previous_response_id: first.id })).input_tokens;
    const historyMessages = lastTokenizeBody(fake).messages;
    expect(JSON.stringify(historyMessages)).toContain('Paris is the capital of France.');
    const withTools = (await client.responses.inputTokens.count({
      model: 'fake-model', input: 'And of Italy?', previous_response_id: first.id, tools: [WEATHER_TOOL],
    })).input_tokens;
    const withInstructions = (await client.responses.inputTokens.count({
      model: 'fake-model', input: 'And of Italy?', previous_response_id: first.id, tools: [WEATHER_TOOL], instructions: 'Answer in one word.',
    })).input_tokens;
    expect(bare).toBeLessThan(withHistory);
    expect(withHistory).toBeLessThan(withTools);
    expect(withTools).toBeLessThan(withInstructions);
  });

  it('means the upstream model when the request names none, and stores nothing', async () => {
    const { fake, harness, client } = await startStack();
    const counted = await client.responses.inputTokens.count({ input: [{ role: 'user', content: 'Hello there' }] });
    expect(counted.input_tokens).toBe(tokenizeChat(lastTokenizeBody(fake)).length);
    expect(lastTokenizeBody(fake).model).toBe('fake-model');
    expect(harness.store.writeCount).toBe(0);
  });

  it('refuses what a create would refuse, naming the field, without asking the upstream', async () => {
    const { fake, harness } = await startStack();
    const post = (body: unknown) => harness.fetch('/v1/responses/input_tokens', { body });
    const cases: Array<[unknown, number, string, string | null]> = [
      [{ model: 'gpt-4o', input: 'hi' }, 404, 'model_not_found', 'model'],
      [{ model: 'fake-model', input: 42 }, 400, 'invalid_type', 'input'],
      [{ model: 'fake-model', input: 'hi', previous_response_id: 'resp_nope' }, 400, 'previous_response_not_found', 'previous_response_id'],
      [{ model: 'fake-model', input: 'hi', tools: [{ type: 'function', name: 'bad name!' }] }, 400, 'invalid_request', 'tools[0].name'],
      [[1, 2], 400, 'invalid_request', null],
    ];
    for (const [body, status, code, param] of cases) {
      const answer = await post(body);
      const error = (await answer.json() as { error: { code: string; param: string | null; type: string } }).error;
      expect({ status: answer.status, code: error.code, param: error.param }, JSON.stringify(body)).toEqual({ status, code, param });
    }
    expect(tokenizeRequests(fake)).toHaveLength(0);
  });

  it('answers 502 unsupported_capability when the upstream has no /tokenize, and 400 for an agent that cannot count', async () => {
    const { harness } = await startStack({ tokenize: false });
    const answer = await harness.fetch('/v1/responses/input_tokens', { body: { model: 'fake-model', input: 'hi' } });
    expect(answer.status).toBe(502);
    expect((await answer.json() as { error: unknown }).error).toMatchObject({ type: 'server_error', code: 'unsupported_capability' });

    const scripted = await GatewayHarness.start({ model: [{ parts: [{ type: 'text', text: 'never' }] }] });
    cleanups.push(() => scripted.close());
    const refused = await scripted.fetch('/v1/responses/input_tokens', { body: { model: 'm', input: 'hi' } });
    expect(refused.status).toBe(400);
    expect((await refused.json() as { error: unknown }).error).toMatchObject({ type: 'invalid_request_error', code: 'input_tokens_unsupported', param: 'model' });
  });
});
