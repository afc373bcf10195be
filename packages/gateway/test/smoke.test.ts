import { MemoryStateStore, silentLogger } from '@agentport/core';
import { ScriptedModel } from '@agentport/core/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { Gateway } from '../src/gateway.js';

let gateway: Gateway | undefined;
afterEach(async () => { await gateway?.close(0); gateway = undefined; });

async function start(model: ScriptedModel) {
  gateway = await Gateway.create({ store: new MemoryStateStore(), model, config: { port: 0 }, logger: silentLogger });
  await gateway.listen();
  return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
}

describe('gateway smoke', () => {
  it('streams a text answer the SDK accepts, and GET returns the same response', async () => {
    const client = await start(new ScriptedModel([{ parts: [{ type: 'reasoning', text: 'hmm ok' }, { type: 'text', text: 'Hello from agentport' }] }]));
    const stream = client.responses.stream({ model: 'model', input: 'hi' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Hello from agentport');
    expect(deltas.join('')).toBe('Hello from agentport');
    const stored = await client.responses.retrieve(final.id);
    expect(stored.output).toEqual(withoutParsed(final.output));
    expect(stored.status).toBe('completed');
    expect(stored.usage).toEqual(final.usage);
  });

  it('answers JSON, then continues with previous_response_id', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'first' }] }, { parts: [{ type: 'text', text: 'second' }] }]);
    const client = await start(model);
    const first = await client.responses.create({ model: 'model', input: 'one' });
    expect(first.output_text).toBe('first');
    const second = await client.responses.create({ model: 'model', input: 'two', previous_response_id: first.id });
    expect(second.output_text).toBe('second');
    expect(model.requests[1]!.messages).toEqual([
      { role: 'user', content: 'one' }, { role: 'assistant', content: 'first' }, { role: 'user', content: 'two' },
    ]);
  });
});

/** The SDK's stream helper adds `parsed: null` to text parts on its side; the server never sends it. */
function withoutParsed<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (key, v) => (key === 'parsed' ? undefined : v)));
}
