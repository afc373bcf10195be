import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readSseEvents } from '@agentport/gateway/testing';
import { FakeVllmServer } from '@agentport/vllm-adapter/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { serve, type ServeHandle } from '../src/index.js';

const STREAMS = 256;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('agentport serve with its shipped defaults', () => {
  it(`takes ${STREAMS} concurrent streams from one key: no 429, and every one reaches vLLM at once instead of waiting for a socket`, async () => {
    // Each answer takes about 12 s, far longer than starting every stream takes even on a loaded machine
    // (5 s was not, beside the soak's processes), so all of them are upstream together.
    const fake = await new FakeVllmServer({
      handler: () => ({ parts: [{ type: 'text', text: 'one two three four five six seven eight nine ten' }], timing: { chunkDelayMs: 1_200 } }),
    }).start();
    cleanups.push(() => fake.close());
    const dir = await mkdtemp(join(tmpdir(), 'agentport-one-key-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const handle = await serve(['--upstream', fake.url, '--db', join(dir, 'agentport.db'), '--port', '0', '--api-key', 'sk-one'],
      { AGENTPORT_LOG__LEVEL: 'error' }) as ServeHandle;
    cleanups.push(() => handle.stop());

    let peakUpstream = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const open = fake.requests.filter((request) => request.path === '/v1/chat/completions' && request.outcome === 'pending').length;
        peakUpstream = Math.max(peakUpstream, open);
        await sleep(20);
      }
    })();

    const outcomes = await Promise.all(Array.from({ length: STREAMS }, async (_, index) => {
      const response = await fetch(`${handle.url}/v1/responses`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-one', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'fake-model', input: `Count to ten (${index}).`, stream: true }),
      });
      if (response.status !== 200) return { status: response.status, terminal: undefined };
      const events = await readSseEvents(response);
      return { status: response.status, terminal: events.at(-1)?.type };
    }));
    watching = false;
    await watch;

    expect(outcomes.filter((outcome) => outcome.status !== 200)).toEqual([]);
    expect(outcomes.every((outcome) => outcome.terminal === 'response.completed')).toBe(true);
    expect(peakUpstream).toBe(STREAMS);
  }, 60_000);
});
