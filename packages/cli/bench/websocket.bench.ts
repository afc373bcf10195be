/**
 * The WebSocket endpoint's costs, in one process (gateway, clients and fake vLLM server alike):
 *  - memory per idle connection: heap and RSS growth over IDLE_CONNECTIONS raw `ws` clients on
 *    `/v1/responses`, against the same number on a bare `ws` server (what any WebSocket costs
 *    at both ends here); the difference is the gateway's own share;
 *  - memory per active stream: growth when each of ACTIVE_STREAMS connections has a response
 *    that streamed its first delta and waits in the model (a ScriptedModel pause: no upstream
 *    HTTP connection is counted);
 *  - turns per second over one connection: PIPELINED_TURNS `response.create` frames sent at
 *    once (pipelined), the same turns one after the other on the socket, and one after the
 *    other as `POST /v1/responses` SSE streams; each turn is TOKENS_PER_TURN tokens from the
 *    fake vLLM server through VllmAgentModel, `store: false`.
 *
 *   pnpm exec vitest bench --run packages/gateway/bench/websocket.bench.ts
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MemoryStateStore, silentLogger } from '@agentport/core';
import { ScriptedModel } from '@agentport/core/testing';
import { VllmAgentModel } from '@agentport/vllm-adapter';
import { FakeVllmServer } from '@agentport/vllm-adapter/testing';
import { expect, test } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Gateway } from '@agentport/gateway';

const IDLE_CONNECTIONS = 2_000;
const ACTIVE_STREAMS = 500;
const MEMORY_ROUNDS = 3;
const PIPELINED_TURNS = 200;
const TOKENS_PER_TURN = 20;
const TURN_ROUNDS = 5;
const MODEL = 'fake-model';
const VITEST_TABLE_RUN = { iterations: 5, time: 0, warmupIterations: 1, warmupTime: 0 };

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

interface MemoryPoint {
  heap: number;
  /** Memory of Buffers and other objects outside the JS heap. */
  external: number;
  rss: number;
}

/** Heap and RSS after full collections, so only what is still referenced counts. */
async function settledMemory(): Promise<MemoryPoint> {
  for (let pass = 0; pass < 3; pass += 1) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { heapUsed, external, rss } = process.memoryUsage();
  return { heap: heapUsed, external, rss };
}

function perItem(before: MemoryPoint, after: MemoryPoint, count: number): MemoryPoint {
  return { heap: (after.heap - before.heap) / count, external: (after.external - before.external) / count, rss: (after.rss - before.rss) / count };
}

/** A bare client that only counts what it gets: its own memory stays as small as a client's can. */
class CountingClient {
  deltas = 0;
  terminals = 0;
  private readonly waiters: Array<{ ready: () => boolean; resolve: () => void }> = [];

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const type = (JSON.parse(String(data)) as { type: string }).type;
      if (type === 'response.output_text.delta') this.deltas += 1;
      else if (type === 'response.completed') this.terminals += 1;
      else if (type === 'error' || type === 'response.failed' || type === 'response.incomplete') throw new Error(`the gateway sent ${String(data).slice(0, 300)}`);
      for (const waiter of [...this.waiters]) {
        if (!waiter.ready()) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
  }

  static async open(url: string): Promise<CountingClient> {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    await once(socket, 'open');
    return new CountingClient(socket);
  }

  until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ ready, resolve }));
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await once(this.socket, 'close');
  }
}

async function openClients(url: string, count: number): Promise<CountingClient[]> {
  const clients: CountingClient[] = [];
  // In batches, so the accept queue never overflows.
  for (let at = 0; at < count; at += 50) {
    clients.push(...await Promise.all(Array.from({ length: Math.min(50, count - at) }, () => CountingClient.open(url))));
  }
  return clients;
}

async function closeClients(clients: CountingClient[]): Promise<void> {
  await Promise.all(clients.map((client) => client.close()));
}

function wsUrlOf(gateway: Gateway): string {
  return `${gateway.url.replace(/^http/, 'ws')}/v1/responses`;
}

/** Growth per connection for IDLE_CONNECTIONS connections to `url`. */
async function idleCost(url: string): Promise<MemoryPoint> {
  await closeClients(await openClients(url, 20)); // warm-up: code paths compiled, pools allocated
  const before = await settledMemory();
  const clients = await openClients(url, IDLE_CONNECTIONS);
  const after = await settledMemory();
  await closeClients(clients);
  return perItem(before, after, IDLE_CONNECTIONS);
}

interface MemoryFigures {
  bareIdle: MemoryPoint[];
  gatewayIdle: MemoryPoint[];
  activeStream: MemoryPoint[];
}

async function measureMemory(): Promise<MemoryFigures> {
  const bare = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await once(bare, 'listening');
  const bareUrl = `ws://127.0.0.1:${(bare.address() as AddressInfo).port}`;
  // Answers each turn with one delta, then waits in the model until the connection closes.
  const model = new ScriptedModel(() => ({ parts: [{ type: 'text', text: 'Working on it' }, { type: 'delay', ms: 600_000 }] }));
  const gateway = await Gateway.create({
    store: new MemoryStateStore(), model, logger: silentLogger,
    config: { port: 0, requestsPerMinute: 0, maxConcurrentRuns: ACTIVE_STREAMS, wsPingIntervalMs: 0 },
  });
  await gateway.listen();
  const figures: MemoryFigures = { bareIdle: [], gatewayIdle: [], activeStream: [] };
  try {
    for (let round = 0; round < MEMORY_ROUNDS; round += 1) {
      figures.bareIdle.push(await idleCost(bareUrl));
      figures.gatewayIdle.push(await idleCost(wsUrlOf(gateway)));

      const clients = await openClients(wsUrlOf(gateway), ACTIVE_STREAMS);
      const idle = await settledMemory();
      for (const client of clients) client.socket.send(JSON.stringify({ type: 'response.create', model: model.id, input: 'Work.', store: false }));
      await Promise.all(clients.map((client) => client.until(() => client.deltas >= 1)));
      const active = await settledMemory();
      figures.activeStream.push(perItem(idle, active, ACTIVE_STREAMS));
      await closeClients(clients);
    }
  } finally {
    await gateway.close(0);
    await new Promise((resolve) => bare.close(resolve));
  }
  return figures;
}

interface TurnSides {
  pipelined: () => Promise<void>;
  sequentialWs: () => Promise<void>;
  sequentialHttp: () => Promise<void>;
}

function turnSides(gateway: Gateway, client: CountingClient): TurnSides {
  const create = JSON.stringify({ type: 'response.create', model: MODEL, input: 'Count.', store: false });
  return {
    pipelined: async () => {
      const target = client.terminals + PIPELINED_TURNS;
      for (let turn = 0; turn < PIPELINED_TURNS; turn += 1) client.socket.send(create);
      await client.until(() => client.terminals >= target);
    },
    sequentialWs: async () => {
      for (let turn = 0; turn < PIPELINED_TURNS; turn += 1) {
        const target = client.terminals + 1;
        client.socket.send(create);
        await client.until(() => client.terminals >= target);
      }
    },
    sequentialHttp: async () => {
      for (let turn = 0; turn < PIPELINED_TURNS; turn += 1) {
        const response = await fetch(`${gateway.url}/v1/responses`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: MODEL, input: 'Count.', store: false, stream: true }),
        });
        const text = await response.text();
        if (!text.includes('event: response.completed')) throw new Error(`the HTTP turn did not complete: ${text.slice(-300)}`);
      }
    },
  };
}

async function turnsPerSecond(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return PIPELINED_TURNS / ((performance.now() - started) / 1000);
}

test('WebSocket endpoint: memory per connection and per active stream, turns per second on one connection', { timeout: 600_000 }, async ({ bench }) => {
  const memory = await measureMemory();

  const fake = await new FakeVllmServer({ handler: () => ({ type: 'tokens', count: TOKENS_PER_TURN }) }).start();
  const model = new VllmAgentModel({ baseUrl: fake.url, model: MODEL, maxRetries: 0 });
  const gateway = await Gateway.create({
    store: new MemoryStateStore(), model, logger: silentLogger,
    config: { port: 0, requestsPerMinute: 0, wsMaxQueuedRequests: PIPELINED_TURNS },
  });
  await gateway.listen();
  const client = await CountingClient.open(wsUrlOf(gateway));
  const turns: Record<keyof TurnSides, number[]> = { pipelined: [], sequentialWs: [], sequentialHttp: [] };
  try {
    const sides = turnSides(gateway, client);
    await bench.compare(
      bench(`${PIPELINED_TURNS} turns pipelined on one WebSocket`, sides.pipelined),
      bench(`${PIPELINED_TURNS} turns one after the other on one WebSocket`, sides.sequentialWs),
      bench(`${PIPELINED_TURNS} turns one after the other over HTTP SSE`, sides.sequentialHttp),
      VITEST_TABLE_RUN,
    );
    for (let round = 0; round < TURN_ROUNDS; round += 1) {
      // Rotated, so machine load hits each side alike.
      const order = (['pipelined', 'sequentialWs', 'sequentialHttp'] as const).map((_, index, all) => all[(index + round) % all.length]!);
      for (const side of order) turns[side].push(await turnsPerSecond(sides[side]));
    }
  } finally {
    await client.close();
    await gateway.close(0);
    model.close();
    await fake.close();
  }

  process.stdout.write(report(memory, turns));
  expect(memory.activeStream).toHaveLength(MEMORY_ROUNDS);
  expect(turns.pipelined).toHaveLength(TURN_ROUNDS);
});

function report(memory: MemoryFigures, turns: Record<keyof TurnSides, number[]>): string {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const row = (name: string, points: MemoryPoint[]) =>
    `| ${name} | ${(['heap', 'external', 'rss'] as const).map((key) => kib(median(points.map((point) => point[key])))).join(' | ')} |`;
  const gatewayShare: MemoryPoint[] = memory.gatewayIdle.map((point, index) => ({
    heap: point.heap - (memory.bareIdle[index]?.heap ?? 0),
    external: point.external - (memory.bareIdle[index]?.external ?? 0),
    rss: point.rss - (memory.bareIdle[index]?.rss ?? 0),
  }));
  const rate = (samples: number[]) => `${Math.round(median(samples)).toLocaleString('en')} turns/s`;
  return [
    '',
    `Memory growth per item, medians of ${MEMORY_ROUNDS} rounds (both ends of every connection live in this process;`,
    'RSS is coarse: the allocator keeps and reuses pages freed by an earlier round):',
    '',
    '| what | heap | external | RSS |',
    '|---|---|---|---|',
    row(`idle connection, bare ws server (${IDLE_CONNECTIONS})`, memory.bareIdle),
    row(`idle connection, gateway /v1/responses (${IDLE_CONNECTIONS})`, memory.gatewayIdle),
    row('idle connection, the gateway\'s own share', gatewayShare),
    row(`active stream over an idle connection (${ACTIVE_STREAMS})`, memory.activeStream),
    '',
    `Turns per second, ${PIPELINED_TURNS} turns of ${TOKENS_PER_TURN} tokens (fake vLLM + VllmAgentModel, store:false), medians of ${TURN_ROUNDS} rotated rounds:`,
    '',
    '| pipelined on one WebSocket | one after the other on one WebSocket | one after the other over HTTP SSE |',
    '|---|---|---|',
    `| ${rate(turns.pipelined)} | ${rate(turns.sequentialWs)} | ${rate(turns.sequentialHttp)} |`,
    '',
  ].join('\n');
}

function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
