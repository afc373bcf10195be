import { VllmAgentModel, VllmModelCatalog } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn } from '@agentport/vllm-adapter/testing';
import type { GatewayConfig } from '@agentport/gateway';
import { GatewayHarness, RawClient, checkResponseStream, readSseEvents } from '@agentport/gateway/testing';
import { afterEach, describe, expect, it } from 'vitest';

// Which model names the gateway serves over a real vLLM adapter and its catalog, and how the
// upstream's refusals reach the client, OpenAI-shaped.

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The gateway over the vLLM adapter, with its catalog, and no catch-all unless `config` sets one. */
async function startStack(turns: FakeTurn[], config: Partial<GatewayConfig> = {}) {
  const fake = await new FakeVllmServer({ turns }).start();
  const model = new VllmAgentModel({ baseUrl: fake.url, model: 'fake-model', maxRetries: 0 });
  const harness = await GatewayHarness.start({ model, catalog: new VllmModelCatalog(model), config: { modelAliases: {}, ...config } });
  cleanups.push(async () => {
    await harness.close();
    model.close();
    await fake.close();
  });
  return { fake, harness };
}

const reply = (text: string): FakeTurn => ({ parts: [{ type: 'text', text }] });
const post = (harness: GatewayHarness, body: Record<string, unknown>) => harness.fetch('/v1/responses', { body: { input: 'hi', ...body } });

/** vLLM's own wording for a prompt that does not fit (its OpenAI server answers 400 BadRequestError). */
const TOO_LONG: FakeTurn = {
  type: 'error', status: 400,
  message: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4900 in the messages, 100 in the completion). Please reduce the length of the messages or completion.",
};

describe('the model names the gateway serves', () => {
  it('serves the names the upstream lists, and answers 404 model_not_found listing them for any other', async () => {
    const { harness, fake } = await startStack([reply('Hello')]);
    expect((await post(harness, { model: 'fake-model' })).status).toBe(200);

    const unknown = await post(harness, { model: 'gpt-5-codex' });
    expect(unknown.status).toBe(404);
    const body = await unknown.json() as { error: { message: string } };
    expect(body).toEqual({ error: { type: 'invalid_request_error', code: 'model_not_found', param: 'model', message: expect.any(String) } });
    expect(body.error.message).toMatch(/'gpt-5-codex' does not exist\. Served models: fake-model/);
    expect(fake.chatRequests).toHaveLength(1);
  });

  it('serves a configured alias as the model it names, and every name with the catch-all "*"', async () => {
    const aliased = await startStack([reply('one')], { modelAliases: { 'gpt-5-codex': 'fake-model' } });
    expect((await post(aliased.harness, { model: 'gpt-5-codex' })).status).toBe(200);
    expect(aliased.fake.lastChatBody.model).toBe('fake-model');
    expect((await post(aliased.harness, { model: 'gpt-4o' })).status).toBe(404);

    const any = await startStack([reply('two')], { modelAliases: { '*': 'fake-model' } });
    expect((await post(any.harness, { model: 'whatever-a-client-sends' })).status).toBe(200);
  });

  it('refuses an unknown model over WebSocket with a 404 error frame, the connection open', async () => {
    const { harness } = await startStack([reply('Hello')]);
    const client = await RawClient.connect(harness);
    cleanups.push(async () => client.socket.terminate());
    client.send({ type: 'response.create', model: 'nope', input: 'hi' });
    const refused = await client.log.waitFor((frame) => frame.type === 'error');
    expect(refused).toMatchObject({ status: 404, error: { type: 'invalid_request_error', code: 'model_not_found', param: 'model' } });
    client.send({ type: 'response.create', model: 'fake-model', input: 'hi' });
    expect((await client.log.terminals(1))[0]!.type).toBe('response.completed');
  });
});

describe('a prompt longer than the model\'s context window', () => {
  it('is a 400 context_length_exceeded naming input, never a 502', async () => {
    const { harness } = await startStack([TOO_LONG]);
    const answer = await post(harness, { model: 'fake-model' });

    expect(answer.status).toBe(400);
    const body = await answer.json() as { error: { message: string } };
    expect(body).toMatchObject({ error: { type: 'invalid_request_error', code: 'context_length_exceeded', param: 'input' } });
    expect(body.error.message).toContain("maximum context length is 4096 tokens");
  });

  it('ends a stream with response.failed whose error says context_length_exceeded', async () => {
    const { harness } = await startStack([TOO_LONG]);
    const events = await readSseEvents(await post(harness, { model: 'fake-model', stream: true }));
    const { terminal } = checkResponseStream(events);

    expect(terminal.type).toBe('response.failed');
    expect(terminal.response.error).toMatchObject({ code: 'context_length_exceeded', message: expect.stringContaining('maximum context length') });
  });
});

describe('upstream failures', () => {
  it.each([
    [500, 'CUDA out of memory', 502, 'provider_error'],
    [404, 'The model `fake-model` does not exist.', 502, 'model_not_found'],
  ])('vLLM %i is a %i server_error with the code %s', async (status, message, expected, code) => {
    const { harness } = await startStack([{ type: 'error', status, message }]);
    const answer = await post(harness, { model: 'fake-model' });
    expect(answer.status).toBe(expected);
    expect(await answer.json()).toMatchObject({ error: { type: 'server_error', code, message: expect.stringContaining(message) } });
  });
});
