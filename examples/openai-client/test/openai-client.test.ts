import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { silentLogger } from '@agentport/core';
import { Gateway } from '@agentport/gateway';
import { SqliteStateStore } from '@agentport/store-sqlite';
import { VllmAgentModel } from '@agentport/vllm-adapter';
import { FakeVllmServer, type FakeTurn } from '@agentport/vllm-adapter/testing';
import { afterEach, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const API_KEY = 'sk-example';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real gateway on 127.0.0.1: VllmAgentModel on the fake vLLM server, SQLite on a temp file, one API key. */
async function startGateway(turns: FakeTurn[]): Promise<{ fake: FakeVllmServer; gateway: Gateway }> {
  const dir = await mkdtemp(join(tmpdir(), 'agentport-openai-client-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const fake = await new FakeVllmServer({ turns }).start();
  cleanups.push(() => fake.close());
  const store = await SqliteStateStore.open({ path: join(dir, 'agentport.db'), purgeIntervalSeconds: 0 });
  cleanups.push(() => store.close());
  const model = new VllmAgentModel({ baseUrl: fake.url, model: 'fake-model', maxRetries: 0 });
  cleanups.push(async () => model.close());
  const gateway = await Gateway.create({
    store, model, logger: silentLogger,
    config: { port: 0, apiKeys: [`${API_KEY}:team-a`] },
  });
  await gateway.listen();
  cleanups.push(() => gateway.close(0));
  return { fake, gateway };
}

const reply = (text: string): FakeTurn => ({ parts: [{ type: 'text', text }] });
const WEATHER = { city: 'Oslo', forecast: 'light snow', celsius: -3 };

describe('examples/openai-client', () => {
  it('streams, continues, keeps a conversation, parses structured output and runs a function tool through the gateway', async () => {
    const { fake, gateway } = await startGateway([
      reply('Hello, and welcome to agentport!'),
      reply('Bonjour, et bienvenue sur agentport !'),
      reply('Noted.'),
      reply('Your favourite colour is blue.'),
      { parts: [{ type: 'structured-output', value: { name: 'Oslo', country: 'Norway', population: 709_000 } }] },
      { parts: [{ type: 'tool-call', name: 'get_weather', input: { city: 'Oslo' }, id: 'call_weather' }] },
      reply('Light snow in Oslo, -3 °C.'),
    ]);
    const { stdout } = await promisify(execFile)(process.execPath, [main, '--model', 'fake-model'], {
      env: { ...process.env, OPENAI_BASE_URL: `${gateway.url}/v1`, OPENAI_API_KEY: API_KEY }, timeout: 15_000,
    });

    expect(stdout).toMatch(/## 1\. A streamed answer\nHello, and welcome to agentport!\n\(resp_\w+, completed\)/);
    expect(stdout).toContain('## 2. A second turn with previous_response_id\nBonjour, et bienvenue sur agentport !\n');
    expect(stdout).toContain([
      'Your favourite colour is blue.',
      '  user: My favourite colour is blue. Just say noted.',
      '  assistant: Noted.',
      '  user: What is my favourite colour?',
      '  assistant: Your favourite colour is blue.',
    ].join('\n'));
    expect(stdout).toContain('## 4. Structured output\nOslo, Norway: 709,000 people\n');
    expect(stdout).toContain(`  get_weather({"city":"Oslo"}) -> ${JSON.stringify(WEATHER)}\nLight snow in Oslo, -3 °C.\n`);

    const bodies = fake.chatRequests.map((request) => request.body as Record<string, unknown>);
    expect(bodies).toHaveLength(7);
    expect(bodies[0]).toMatchObject({ model: 'fake-model', stream: true });
    expect(bodies[1]!.messages).toEqual([
      { role: 'user', content: 'Say hello to a new agentport user in one sentence.' },
      { role: 'assistant', content: 'Hello, and welcome to agentport!' },
      { role: 'user', content: 'Now say it in French.' },
    ]);
    // The conversation starts fresh: nothing of the first two turns.
    expect(bodies[3]!.messages).toEqual([
      { role: 'user', content: 'My favourite colour is blue. Just say noted.' },
      { role: 'assistant', content: 'Noted.' },
      { role: 'user', content: 'What is my favourite colour?' },
    ]);
    expect(bodies[4]!.response_format).toMatchObject({ type: 'json_schema', json_schema: { name: 'city' } });
    expect(bodies[5]!.tools).toEqual([expect.objectContaining({ type: 'function', function: expect.objectContaining({ name: 'get_weather' }) })]);
    expect(bodies[6]!.messages).toEqual([
      { role: 'user', content: 'What is the weather in Oslo right now?' },
      expect.objectContaining({ role: 'assistant', tool_calls: [expect.objectContaining({ id: 'call_weather' })] }),
      { role: 'tool', tool_call_id: 'call_weather', content: JSON.stringify(WEATHER) },
    ]);
  });
});
