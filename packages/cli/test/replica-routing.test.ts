import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeVllmServer } from '@agentport/vllm-adapter/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startServe } from './cli-process.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The user texts of a chat request, in order. */
function userTexts(request: { body: unknown }): string[] {
  const { messages } = request.body as { messages: Array<{ role: string; content: unknown }> };
  return messages.filter((message) => message.role === 'user').map((message) => (typeof message.content === 'string' ? message.content : JSON.stringify(message.content)));
}

describe('agentport serve on several vLLM replicas', () => {
  it('keeps each conversation on the replica that served it, and moves it when that replica goes away', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => new FakeVllmServer({ models: [{ id: 'Qwen/Qwen3-8B', maxModelLen: 32_768 }] }).start()));
    cleanups.push(() => a!.close(), () => b!.close());
    const dir = await mkdtemp(join(tmpdir(), 'agentport-replicas-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const serving = await startServe(['--port', '0', '--upstream', a!.url, '--db', join(dir, 'db.sqlite')], {
      AGENTPORT_VLLM__REPLICA_URLS: JSON.stringify([b!.url]), AGENTPORT_VLLM__REPLICA_HEALTH_CHECK_MS: '60000',
    });
    cleanups.push(serving.kill);
    const client = new OpenAI({ baseURL: `${serving.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const create = (input: string, previous?: string) => client.responses.create({
      model: 'Qwen/Qwen3-8B', input, ...(previous ? { previous_response_id: previous } : {}),
    });

    // Two first turns at once: the second goes to the replica with nothing in flight.
    a!.enqueue({ parts: [{ type: 'text', text: 'red turn 1' }], timing: { firstByteDelayMs: 300 } });
    b!.enqueue({ parts: [{ type: 'text', text: 'blue turn 1' }] });
    const red1 = create('red conversation');
    while (a!.chatRequests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const blue1 = create('blue conversation');
    const [red, blue] = await Promise.all([red1, blue1]);
    expect([red.output_text, blue.output_text]).toEqual(['red turn 1', 'blue turn 1']);

    // Continuations go home, whatever the load.
    a!.enqueue({ parts: [{ type: 'text', text: 'red turn 2' }] });
    b!.enqueue({ parts: [{ type: 'text', text: 'blue turn 2' }] });
    const red2 = await create('red again', red.id);
    const blue2 = await create('blue again', blue.id);
    expect([red2.output_text, blue2.output_text]).toEqual(['red turn 2', 'blue turn 2']);
    expect(a!.chatRequests.map(userTexts)).toEqual([['red conversation'], ['red conversation', 'red again']]);
    expect(b!.chatRequests.map(userTexts)).toEqual([['blue conversation'], ['blue conversation', 'blue again']]);

    // Blue's replica goes away: its next turn is served by the other, with its whole history.
    await b!.close();
    a!.enqueue({ parts: [{ type: 'text', text: 'blue turn 3, elsewhere' }] });
    const blue3 = await create('blue once more', blue2.id);
    expect(blue3.output_text).toBe('blue turn 3, elsewhere');
    expect(a!.chatRequests.at(-1) && userTexts(a!.chatRequests.at(-1)!)).toEqual(['blue conversation', 'blue again', 'blue once more']);

    const metrics = await (await fetch(`${serving.url}/metrics`)).text();
    expect(metrics).toContain(`agentport_upstream_routes_total{replica="${b!.url}",reason="least_loaded"} 1`);
    expect(metrics).toContain(`agentport_upstream_routes_total{replica="${a!.url}",reason="affinity"} 1`);
    expect(metrics).toContain(`agentport_upstream_routes_total{replica="${a!.url}",reason="failover"} 1`);
    expect(metrics).toContain('agentport_upstream_replicas_healthy 1');
  });
});
