import { MetricRegistry, type ModelSession } from '@agentport/core';
import { afterEach, describe, expect, it } from 'vitest';
import { VllmAgentModel, type VllmAgentModelOptions } from '../src/index.js';
import { FakeVllmServer, type FakeReply } from '../src/testing/index.js';
import { collectEvents, joinDeltas, USER_HELLO } from './harness.js';

const opened: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const each of opened.splice(0).reverse()) await each.close();
});

async function replicas(count: number): Promise<FakeVllmServer[]> {
  const servers = await Promise.all(Array.from({ length: count }, () => new FakeVllmServer({ models: [{ id: 'm', maxModelLen: 8_192 }] }).start()));
  opened.push(...servers);
  return servers;
}

function modelOn(servers: FakeVllmServer[], options: VllmAgentModelOptions = {}): VllmAgentModel {
  const model = new VllmAgentModel({
    baseUrl: servers[0]!.url, replicaUrls: servers.slice(1).map((server) => server.url), model: 'm',
    retryInitialDelayMs: 1, retryMaxDelayMs: 2, ...options,
  });
  opened.push(model);
  return model;
}

const reply = (text: string, delayMs = 0): FakeReply => ({ parts: [{ type: 'text', text }], ...(delayMs ? { timing: { firstByteDelayMs: delayMs } } : {}) });

async function answer(model: VllmAgentModel, session?: ModelSession): Promise<string> {
  return joinDeltas(await collectEvents(model.stream(USER_HELLO, session ? { session } : {})), 'text-delta');
}

/** The index of the one replica that got the chat request `call` made. */
async function replicaOf(servers: FakeVllmServer[], call: () => Promise<unknown>): Promise<number> {
  const before = served(servers);
  await call();
  const grew = served(servers).map((count, n) => count - before[n]!);
  expect(grew.reduce((sum, n) => sum + n, 0)).toBe(1);
  return grew.indexOf(1);
}

/** How many chat requests each replica got. */
function served(servers: FakeVllmServer[]): number[] {
  return servers.map((server) => server.chatRequests.length);
}

describe('routing across vLLM replicas', () => {
  it('sends new conversations to the replica with the fewest calls in flight', async () => {
    const servers = await replicas(2);
    for (const server of servers) server.enqueue(reply('slow', 300), reply('slow', 300));
    const model = modelOn(servers);
    // Four first turns at once: two to each replica.
    await Promise.all([1, 2, 3, 4].map((n) => answer(model, { key: `new-${n}`, continues: false })));
    expect(served(servers)).toEqual([2, 2]);
  });

  it('sends every continuation of a conversation to the replica that served its first turn, even when it is busier', async () => {
    const servers = await replicas(2);
    const model = modelOn(servers);
    const first = servers[0]!;
    first.enqueue(reply('turn 1'));
    expect(await answer(model, { key: 'chat-1', continues: false })).toBe('turn 1');
    expect(served(servers)).toEqual([1, 0]);
    // Keep the first replica busy with another conversation, then continue chat-1 three times.
    first.enqueue(reply('busy', 500));
    const busy = answer(model, { key: 'other', continues: false });
    for (const n of [2, 3, 4]) {
      first.enqueue(reply(`turn ${n}`));
      expect(await answer(model, { key: 'chat-1', continues: true })).toBe(`turn ${n}`);
    }
    servers[1]!.enqueue(reply('unused'));
    await busy;
    expect(served(servers)).toEqual([5, 0]);
  });

  it('places a continuation it has not seen by a hash every gateway instance agrees on', async () => {
    const servers = await replicas(3);
    for (const server of servers) server.enqueue(...Array.from({ length: 32 }, () => reply('hashed')));
    const [one, other] = [modelOn(servers), modelOn(servers)];
    const chosen = new Set<number>();
    for (let n = 0; n < 16; n += 1) {
      const key = `k${n}`;
      const byOne = await replicaOf(servers, () => answer(one, { key, continues: true }));
      const byOther = await replicaOf(servers, () => answer(other, { key, continues: true }));
      expect(byOther).toBe(byOne);
      chosen.add(byOne);
    }
    // The hash spreads keys: 16 keys over three replicas all on one would be a 1 in 14 million chance.
    expect(chosen.size).toBeGreaterThan(1);
  });

  it('fails a conversation over to a healthy replica when its own is down, and takes the failed one back once it answers', async () => {
    const servers = await replicas(2);
    const metrics = new MetricRegistry();
    const model = modelOn(servers, { metrics, replicaHealthCheckMs: 50 });
    const [home, spare] = servers as [FakeVllmServer, FakeVllmServer];
    home.enqueue(reply('turn 1'));
    await answer(model, { key: 'chat', continues: false });

    // The home replica fails the next call with a 500: the call is retried on the spare, and the conversation stays there.
    home.enqueue({ type: 'error', status: 500, message: 'engine died' });
    spare.enqueue(reply('turn 2 from the spare'), reply('turn 3 from the spare'));
    expect(await answer(model, { key: 'chat', continues: true })).toBe('turn 2 from the spare');
    expect(await answer(model, { key: 'chat', continues: true })).toBe('turn 3 from the spare');
    expect(served(servers)).toEqual([2, 2]);
    const text = metrics.render();
    expect(text).toContain(`agentport_upstream_routes_total{replica="${home.url}",reason="least_loaded"} 1`);
    expect(text).toContain(`agentport_upstream_routes_total{replica="${spare.url}",reason="failover"} 1`);
    expect(text).toContain(`agentport_upstream_routes_total{replica="${spare.url}",reason="affinity"} 1`);

    // Its health check (GET /models) passes, so it takes new conversations again.
    const deadline = Date.now() + 5_000;
    while (!model.router.replicas[0]!.healthy && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(model.router.replicas[0]!.healthy).toBe(true);
    expect(text).toContain('agentport_upstream_replicas_healthy 1');
    expect(metrics.render()).toContain('agentport_upstream_replicas_healthy 2');
  });

  it('skips a replica that cannot be reached at all', async () => {
    const servers = await replicas(2);
    const model = modelOn(servers, { replicaHealthCheckMs: 60_000 });
    await servers[0]!.close();
    servers[1]!.enqueue(reply('one'), reply('two'), reply('three'));
    for (const text of ['one', 'two', 'three']) expect(await answer(model, { key: `new-${text}`, continues: false })).toBe(text);
    expect(model.router.replicas.map((replica) => replica.healthy)).toEqual([false, true]);
  });
});
