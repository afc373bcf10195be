import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readSseEvents } from '@agentport/gateway/testing';
import { FakeVllmServer } from '@agentport/vllm-adapter/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { serve, type ServeHandle } from '../src/index.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The value of an unlabelled sample (or of one exact series) in a Prometheus text page. */
function sample(page: string, series: string): number | undefined {
  const line = page.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics of a composed gateway', () => {
  it('shows calls queued for a vLLM connection, how long they waited, and requests refused for want of a run slot', async () => {
    // Ten words 300 ms apart: each answer holds its connection for about 3 s.
    const fake = await new FakeVllmServer({
      handler: () => ({ parts: [{ type: 'text', text: 'one two three four five six seven eight nine ten' }], timing: { chunkDelayMs: 300 } }),
    }).start();
    cleanups.push(() => fake.close());
    const dir = await mkdtemp(join(tmpdir(), 'agentport-pool-metrics-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const handle = await serve(['--upstream', fake.url, '--db', join(dir, 'agentport.db'), '--port', '0', '--api-key', 'sk-one'], {
      AGENTPORT_LOG__LEVEL: 'error',
      AGENTPORT_VLLM__MAX_CONNECTIONS: '2',
      AGENTPORT_GATEWAY__MAX_CONCURRENT_RUNS: '4',
    }) as ServeHandle;
    cleanups.push(() => handle.stop());
    const metrics = async (): Promise<string> => (await fetch(`${handle.url}/metrics`)).text();
    const create = (index: number): Promise<Response> => fetch(`${handle.url}/v1/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-one', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', input: `Count to ten (${index}).`, stream: true }),
    });

    const before = await metrics();
    expect(sample(before, 'agentport_upstream_calls_waiting')).toBe(0);
    expect(sample(before, 'agentport_requests_refused_total{reason="concurrent_runs"}')).toBe(0);

    const streams = [0, 1, 2, 3].map(async (index) => readSseEvents(await create(index)));
    // Two calls hold the two connections; the other two queue in the pool.
    let page = await metrics();
    for (let tries = 0; tries < 200 && sample(page, 'agentport_upstream_calls_waiting') !== 2; tries += 1) {
      await sleep(10);
      page = await metrics();
    }
    expect(sample(page, 'agentport_upstream_calls_waiting')).toBe(2);
    expect(sample(page, 'agentport_upstream_connections_active')).toBe(2);
    expect(sample(page, 'agentport_active_streams')).toBe(4);

    // A fifth run of the same key is over maxConcurrentRuns: refused at once, and counted.
    const refused = await create(4);
    expect(refused.status).toBe(429);
    await refused.text();

    const finished = await Promise.all(streams);
    expect(finished.map((events) => events.at(-1)?.type)).toEqual(Array(4).fill('response.completed'));
    const after = await metrics();
    expect(sample(after, 'agentport_requests_refused_total{reason="concurrent_runs"}')).toBe(1);
    expect(sample(after, 'agentport_upstream_calls_waiting')).toBe(0);
    expect(sample(after, 'agentport_upstream_connections_active')).toBe(0);
    expect(sample(after, 'agentport_upstream_connections_idle')).toBe(2);
    // The two queued calls waited for a whole answer (nine gaps of 300 ms) before they had a socket.
    const calls = sample(after, 'agentport_upstream_connection_wait_seconds_count')!;
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(calls - sample(after, 'agentport_upstream_connection_wait_seconds_bucket{le="1"}')!).toBe(2);
  }, 30_000);
});
