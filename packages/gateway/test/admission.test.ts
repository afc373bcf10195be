import type { ModelRequest } from '@agentport/core';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type GatewayHarness, useGateways } from '../src/testing/gateway-harness.js';
import { readSseEvents } from '../src/testing/sse-events.js';

const startGateway = useGateways();

/** The model holds a turn whose input is `hold` (until cancelled) and answers any other with its input. */
function script(request: ModelRequest) {
  const input = String(request.messages.at(-1)?.content ?? '');
  return input === 'hold'
    ? { parts: [{ type: 'text' as const, text: 'Working' }, { type: 'delay' as const, ms: 60_000 }] }
    : { parts: [{ type: 'text' as const, text: `answer to ${input}` }] };
}

const keys = ['key-a:tenant-a', 'key-b:tenant-b', 'key-c:tenant-c'];

/** One sample of a metric from `/metrics` (first series whose labels contain `labels`). */
async function metric(harness: GatewayHarness, name: string, labels = ''): Promise<number> {
  const text = await (await harness.fetch('/metrics', { apiKey: null })).text();
  const line = text.split('\n').find((each) => each.startsWith(`${name}${labels ? '{' : ' '}`) && each.includes(labels));
  if (line === undefined) throw new Error(`no ${name}${labels} in /metrics`);
  return Number(line.split(' ').at(-1));
}

/** Polls until `check` holds (what a probe or a dashboard would see); fails after 20 s. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never saw: ${what}`);
    await sleep(20);
  }
}

async function hold(harness: GatewayHarness, apiKey = 'key-a'): Promise<string> {
  const created = await harness.fetch('/v1/responses', { apiKey, body: { model: 'm', input: 'hold', background: true } });
  expect(created.status).toBe(200);
  return (await created.json() as { id: string }).id;
}

async function cancel(harness: GatewayHarness, id: string, apiKey = 'key-a'): Promise<void> {
  expect((await harness.fetch(`/v1/responses/${id}/cancel`, { apiKey, method: 'POST' })).status).toBe(200);
}

function stream(harness: GatewayHarness, input: string, apiKey = 'key-a', signal?: AbortSignal): Promise<Response> {
  return harness.fetch('/v1/responses', { apiKey, body: { model: 'm', input, stream: true }, ...(signal ? { signal } : {}) });
}

async function expectOverloaded(refused: Response, why: string): Promise<void> {
  expect(refused.status).toBe(429);
  expect(refused.headers.get('retry-after')).toBe('1');
  const body = await refused.json() as { error: { type: string; code: string; message: string } };
  expect(body.error).toMatchObject({ type: 'rate_limit_error', code: 'server_overloaded' });
  expect(body.error.message).toContain(why);
}

async function completedText(response: Response): Promise<string> {
  expect(response.status).toBe(200);
  const events = await readSseEvents(response);
  const last = events.at(-1) as unknown as { type: string; response: { output: Array<{ content: Array<{ text: string }> }> } };
  expect(last.type).toBe('response.completed');
  return last.response.output[0]!.content[0]!.text;
}

describe('admission', () => {
  it('holds a response past maxRunningResponses until one ends, says so in /metrics and /readyz, then runs it', async () => {
    const harness = await startGateway({ model: script, config: { apiKeys: keys, maxRunningResponses: 1 } });
    const held = await hold(harness);
    const waiting = stream(harness, 'next');
    await eventually(async () => (await metric(harness, 'agentport_admission_queued')) === 1, 'one response queued');

    const ready = await harness.fetch('/readyz', { apiKey: null });
    expect(ready.status).toBe(503);
    expect((await ready.json() as { checks: { load: string } }).checks.load).toBe('saturated: 1 responses waiting for 1 running (limit 1)');
    expect(harness.model!.calls).toHaveLength(1);

    await cancel(harness, held);
    expect(await completedText(await waiting)).toBe('answer to next');
    expect(await metric(harness, 'agentport_admission_wait_seconds_count')).toBe(1);
    expect(await metric(harness, 'agentport_admission_queued')).toBe(0);
    expect((await harness.fetch('/readyz', { apiKey: null })).status).toBe(200);
  });

  it('answers 429 server_overloaded with retry-after once the queue or a key\'s share is full, and serves keys in turns', async () => {
    const harness = await startGateway({
      model: script, config: { apiKeys: keys, maxRunningResponses: 1, admissionQueueSize: 3, admissionQueuePerKey: 2 },
    });
    const held = await hold(harness);
    const a1 = stream(harness, 'a1');
    await eventually(async () => (await metric(harness, 'agentport_admission_queued')) === 1, 'a1 queued');
    const a2 = stream(harness, 'a2');
    await eventually(async () => (await metric(harness, 'agentport_admission_queued')) === 2, 'a2 queued');
    await expectOverloaded(await stream(harness, 'one more', 'key-a'), 'responses of this key are waiting');
    const b1 = stream(harness, 'b1', 'key-b');
    await eventually(async () => (await metric(harness, 'agentport_admission_queued')) === 3, 'b1 queued');
    await expectOverloaded(await stream(harness, 'one more', 'key-c'), 'responses are waiting on this server');
    expect(await metric(harness, 'agentport_requests_refused_total', 'reason="queue_full"')).toBe(2);

    await cancel(harness, held);
    expect(await Promise.all([a1, a2, b1].map(async (each) => completedText(await each)))).toEqual(['answer to a1', 'answer to a2', 'answer to b1']);
    // a1 came first; then key b's turn, though key a had asked earlier.
    const served = harness.model!.calls.slice(1).map((call) => call.request.messages.at(-1)?.content);
    expect(served).toEqual(['a1', 'b1', 'a2']);
  });

  it('answers 429 server_overloaded to a response that waited admissionTimeoutMs', async () => {
    const harness = await startGateway({ model: script, config: { apiKeys: keys, maxRunningResponses: 1, admissionTimeoutMs: 100 } });
    const held = await hold(harness);
    const refused = await stream(harness, 'late');
    expect(refused.status).toBe(429);
    expect((await refused.json() as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'server_overloaded', message: expect.stringContaining('waited 100 ms'),
    });
    expect(await metric(harness, 'agentport_requests_refused_total', 'reason="queue_timeout"')).toBe(1);
    expect(harness.model!.calls).toHaveLength(1);
    await cancel(harness, held);
  });

  it('gives up the place of a client that left while it waited', async () => {
    const harness = await startGateway({ model: script, config: { apiKeys: keys, maxRunningResponses: 1 } });
    const held = await hold(harness);
    const leaving = new AbortController();
    const left = stream(harness, 'gone', 'key-a', leaving.signal).catch((error: unknown) => error);
    await eventually(async () => (await metric(harness, 'agentport_admission_queued')) === 1, 'queued');
    leaving.abort();
    await left;
    await eventually(async () => (await metric(harness, 'agentport_admission_queued')) === 0, 'the queue empty again');

    await cancel(harness, held);
    expect(await completedText(await stream(harness, 'after'))).toBe('answer to after');
    expect(harness.model!.calls.map((call) => call.request.messages.at(-1)?.content)).toEqual(['hold', 'after']);
  });

  it('queues WebSocket turns in the same line as HTTP ones', async () => {
    const harness = await startGateway({ model: script, config: { apiKeys: keys, maxRunningResponses: 1 } });
    const held = await hold(harness);
    const socket = new WebSocket(`${harness.url.replace('http', 'ws')}/v1/responses`, { headers: { authorization: 'Bearer key-b' } });
    const events: Array<{ type: string }> = [];
    socket.on('message', (data) => events.push(JSON.parse(String(data)) as { type: string }));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'response.create', model: 'm', input: 'over ws' }));
    await eventually(async () => (await metric(harness, 'agentport_admission_queued')) === 1, 'the WebSocket turn queued');
    expect(events).toEqual([]);

    await cancel(harness, held);
    await eventually(async () => events.at(-1)?.type === 'response.completed', 'the WebSocket turn completed');
    socket.close();
  });

  it('while responses run, a lagging event loop lowers the limit and holds new ones until it is calm again', async () => {
    const harness = await startGateway({
      model: script, config: { apiKeys: keys, maxRunningResponses: 64, overloadEventLoopLagMs: 100, eventLoopWindowMs: 1_000 },
    });
    const held = await Promise.all(Array.from({ length: 10 }, () => hold(harness)));
    // A stall of the loop, as a burst of CPU work would make.
    const stalledUntil = performance.now() + 600;
    while (performance.now() < stalledUntil) { /* busy */ }
    await eventually(async () => (await metric(harness, 'agentport_event_loop_lag_max_seconds')) >= 0.5, 'the stall in /metrics');
    expect(await metric(harness, 'agentport_admission_limit')).toBe(8);

    const waiting = stream(harness, 'under load', 'key-b');
    await eventually(async () => (await metric(harness, 'agentport_admission_queued')) === 1, 'the new response held');
    expect((await harness.fetch('/readyz', { apiKey: null })).status).toBe(503);

    // Calm windows raise the limit again (8, 10, 13) until there is room beside the ten running.
    expect(await completedText(await waiting)).toBe('answer to under load');
    await Promise.all(held.map((id) => cancel(harness, id)));
    await eventually(async () => (await harness.fetch('/readyz', { apiKey: null })).status === 200, 'ready again');
  });
});
