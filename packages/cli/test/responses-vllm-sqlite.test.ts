import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerTool, staticToolProvider, type ToolProvider } from '@agentport/core';
import { SqliteStateStore } from '@agentport/store-sqlite';
import { VllmAgentModel } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn } from '@agentport/vllm-adapter/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayConfig } from '@agentport/gateway';
import { GatewayHarness, withoutParsed, checkResponseStream, readSseEvents, streamAndRetrieve } from '@agentport/gateway/testing';

/** The real stack under the gateway: the vLLM adapter against the fake vLLM server, SQLite on a temp file. */
interface Stack {
  fake: FakeVllmServer;
  harness: GatewayHarness;
  dbPath: string;
  /** Closes the gateway, the model, the store and the fake server, in that order; the database file stays. */
  stop: () => Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDbPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'agentport-gateway-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'agentport.db');
}

async function startStack(turns: FakeTurn[], options: { tools?: ToolProvider[]; config?: Partial<GatewayConfig>; dbPath?: string } = {}): Promise<Stack> {
  const dbPath = options.dbPath ?? await tempDbPath();
  const fake = await new FakeVllmServer({ turns }).start();
  const store = await SqliteStateStore.open({ path: dbPath, purgeIntervalSeconds: 0 });
  // Retries would replay a scripted failure; the adapter's own tests cover them.
  const model = new VllmAgentModel({ baseUrl: fake.url, model: 'fake-model', maxRetries: 0 });
  const harness = await GatewayHarness.start({ model, store, ...options });
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await harness.close();
      model.close();
      await store.close();
      await fake.close();
    })();
    return stopped;
  };
  cleanups.push(stop);
  return { fake, harness, dbPath, stop };
}

const reply = (text: string): FakeTurn => ({ parts: [{ type: 'text', text }] });

describe('the gateway over VllmAgentModel, the fake vLLM server and SQLite', () => {
  it('streams plain text that GET returns from SQLite', async () => {
    const { harness, fake } = await startStack([reply('Hello from vLLM')]);
    const { final, stored, checked } = await streamAndRetrieve(harness, { model: 'fake-model', input: 'hi' });

    expect(final.output_text).toBe('Hello from vLLM');
    expect(checked.terminal.type).toBe('response.completed');
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));
    expect(fake.lastChatBody).toMatchObject({ model: 'fake-model', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  });

  it('streams reasoning, then text', async () => {
    const { harness } = await startStack([{ parts: [{ type: 'reasoning', text: 'Thinking hard.' }, { type: 'text', text: 'Done.' }] }]);
    const { final, stored } = await streamAndRetrieve(harness, { model: 'fake-model', input: 'hi' });

    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(final.output[0]).toMatchObject({ content: [{ type: 'reasoning_text', text: 'Thinking hard.' }] });
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));
  });

  it('ends with a client function call and continues with its output and previous_response_id', async () => {
    const { harness, fake } = await startStack([
      { parts: [{ type: 'tool-call', name: 'get_weather', input: { city: 'Oslo' }, id: 'call_oslo' }] },
      reply('Snowing in Oslo.'),
    ]);
    const tools = [{
      type: 'function' as const, name: 'get_weather', strict: true,
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
    }];
    const first = await streamAndRetrieve(harness, { model: 'fake-model', input: 'Weather in Oslo?', tools });
    expect(first.final.output.at(-1)).toMatchObject({ type: 'function_call', call_id: 'call_oslo', arguments: '{"city":"Oslo"}' });
    expect(withoutParsed(first.final)).toEqual(withoutParsed(first.stored));

    const second = await streamAndRetrieve(harness, {
      model: 'fake-model', tools, previous_response_id: first.final.id,
      input: [{ type: 'function_call_output', call_id: 'call_oslo', output: 'snow' }],
    });
    expect(second.final.output_text).toBe('Snowing in Oslo.');
    expect(fake.lastChatBody.messages).toEqual([
      { role: 'user', content: 'Weather in Oslo?' },
      expect.objectContaining({ role: 'assistant', tool_calls: [expect.objectContaining({ id: 'call_oslo', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } })] }),
      { role: 'tool', tool_call_id: 'call_oslo', content: 'snow' },
    ]);
  });

  it('runs a server-tool loop of several steps', async () => {
    const double: ServerTool<{ n: number }> = {
      name: 'double', execution: 'server',
      parameters: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
      execute: async ({ n }) => ({ output: String(n * 2) }),
    };
    const { harness, fake } = await startStack([
      { parts: [{ type: 'tool-call', name: 'double', input: { n: 2 } }] },
      { parts: [{ type: 'tool-call', name: 'double', input: { n: 4 } }] },
      reply('2 doubled twice is 8.'),
    ], { tools: [staticToolProvider('test', [double as ServerTool])] });
    const { final, stored } = await streamAndRetrieve(harness, { model: 'fake-model', input: 'Double 2 twice' });

    expect(final.output.map((item) => item.type)).toEqual(['function_call', 'function_call_output', 'function_call', 'function_call_output', 'message']);
    expect(final.output_text).toBe('2 doubled twice is 8.');
    expect(fake.chatRequests).toHaveLength(3);
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));
  });

  const cityFormat = {
    type: 'json_schema' as const, name: 'city', strict: true,
    schema: { type: 'object', properties: { name: { type: 'string' }, population: { type: 'integer' } }, required: ['name', 'population'], additionalProperties: false },
  };

  it('answers structured output, fixed on a retry when the first answer breaks the schema', async () => {
    const { harness, fake } = await startStack([
      { parts: [{ type: 'structured-output', value: { name: 'Oslo' } }] },
      { parts: [{ type: 'structured-output', value: { name: 'Oslo', population: 709_000 } }] },
    ]);
    const { final, stored } = await streamAndRetrieve(harness, { model: 'fake-model', input: 'A city', text: { format: cityFormat } });

    expect(final.output_parsed).toEqual({ name: 'Oslo', population: 709_000 });
    expect(JSON.parse(stored.output_text)).toEqual({ name: 'Oslo', population: 709_000 });
    expect(fake.chatRequests).toHaveLength(2);
    expect(fake.lastChatBody.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'city' } });
  });

  it('ends with response.failed when vLLM answers 500 before the first token, and a JSON request gets 502', async () => {
    const { harness } = await startStack([
      { type: 'error', status: 500, message: 'CUDA out of memory' },
      { type: 'error', status: 500, message: 'CUDA out of memory' },
    ]);
    const { final, stored, events } = await streamAndRetrieve(harness, { model: 'fake-model', input: 'hi' });
    expect(events.map((event) => event.type)).toEqual(['response.created', 'response.in_progress', 'response.failed']);
    expect(final.status).toBe('failed');
    expect(final.error?.message).toContain('CUDA out of memory');
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));

    const json = await harness.fetch('/v1/responses', { body: { model: 'fake-model', input: 'hi' } });
    expect(json.status).toBe(502);
    expect(await json.json()).toMatchObject({ error: { type: 'server_error', code: 'provider_error', message: expect.stringContaining('CUDA out of memory') } });
  });

  it('ends with response.failed when vLLM cuts the stream mid-way, and stores the partial items', async () => {
    const { harness } = await startStack([{ parts: [{ type: 'text', text: 'The first half' }], ending: 'cut' }]);
    const { final, stored, checked } = await streamAndRetrieve(harness, { model: 'fake-model', input: 'hi' });

    expect(checked.terminal.type).toBe('response.failed');
    expect(stored.status).toBe('failed');
    expect(stored.output).toMatchObject([{ type: 'message', status: 'incomplete', content: [{ text: 'The first half' }] }]);
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));
  });

  it('ends with response.incomplete (max_output_tokens) when vLLM stops at the token limit', async () => {
    const { harness, fake } = await startStack([{ parts: [{ type: 'text', text: 'Cut short' }], finish: 'length' }]);
    const { final, stored } = await streamAndRetrieve(harness, { model: 'fake-model', input: 'hi', max_output_tokens: 3 });

    expect(final.status).toBe('incomplete');
    expect(final.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(fake.lastChatBody.max_completion_tokens).toBe(3);
    expect(withoutParsed(final)).toEqual(withoutParsed(stored));
  });

  it('aborts the upstream request when the client disconnects, and stores the response cancelled', async () => {
    const { harness, fake } = await startStack([{ parts: [{ type: 'text', text: 'Partial' }, { type: 'delay', ms: 10_000 }, { type: 'text', text: ' rest' }] }]);
    const hangUp = new AbortController();
    const response = await harness.fetch('/v1/responses', { body: { model: 'fake-model', input: 'hi', stream: true }, signal: hangUp.signal });
    const seen = await readSseEvents(response, (event) => {
      if (event.type !== 'response.output_text.delta') return;
      hangUp.abort();
      return 'stop';
    });
    const responseId = (seen[0]!.response as { id: string }).id;

    const upstream = await fake.waitForClientClose();
    expect(upstream.path).toBe('/v1/chat/completions');
    expect(await harness.waitForStatus(responseId, ['cancelled', 'completed', 'failed'])).toBe('cancelled');
    const stored = await (await harness.fetch(`/v1/responses/${responseId}`)).json();
    expect(stored).toMatchObject({ status: 'cancelled', output: [{ type: 'message', status: 'incomplete', content: [{ text: 'Partial' }] }] });
  });

  it('continues a conversation, and keeps responses and event logs across a restart', async () => {
    const first = await startStack([reply('Noted: blue.'), reply('Blue.')]);
    const client = first.harness.client();
    const { id: conversationId } = await client.conversations.create();
    await client.responses.create({ model: 'fake-model', input: 'My colour is blue.', conversation: conversationId });
    const answer = await client.responses.create({ model: 'fake-model', input: 'My colour?', conversation: conversationId, background: true });
    await first.harness.waitForStatus(answer.id, ['completed']);
    expect(first.fake.lastChatBody.messages).toEqual([
      { role: 'user', content: 'My colour is blue.' }, { role: 'assistant', content: 'Noted: blue.' }, { role: 'user', content: 'My colour?' },
    ]);
    await first.stop();

    const restarted = await startStack([], { dbPath: first.dbPath });
    const retrieved = await restarted.harness.client().responses.retrieve(answer.id);
    expect(retrieved.output_text).toBe('Blue.');
    expect(retrieved.conversation).toEqual({ id: conversationId });
    const replay = await readSseEvents(await restarted.harness.fetch(`/v1/responses/${answer.id}?stream=true`));
    const { terminal } = checkResponseStream(replay);
    expect(terminal.response).toEqual(await (await restarted.harness.fetch(`/v1/responses/${answer.id}`)).json());
  });
});
