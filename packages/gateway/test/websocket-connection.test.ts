import type { IncomingMessage } from 'node:http';
import type { ScriptedStep } from '@agentport/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { EndlessModel } from '../src/testing/endless-model.js';
import { GatewayHarness, useGateways } from '../src/testing/gateway-harness.js';
import { checkResponseStream } from '../src/testing/response-stream-checker.js';
import { RawClient, websocketUrl } from '../src/testing/websocket-frames.js';

const startGateway = useGateways();
const clients: RawClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.socket.terminate();
});

async function connect(harness: GatewayHarness, options?: Parameters<typeof RawClient.connect>[1]): Promise<RawClient> {
  const client = await RawClient.connect(harness, options);
  clients.push(client);
  return client;
}

const say = (text: string): ScriptedStep => ({ parts: [{ type: 'text', text }] });
const slow = (text: string): ScriptedStep => ({ parts: [{ type: 'text', text }, { type: 'delay', ms: 10_000 }, { type: 'text', text: ' (late)' }] });

/** The status and body of a refused upgrade. */
function upgradeRefusal(harness: GatewayHarness, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const socket = new WebSocket(websocketUrl(harness), { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => reject(new Error('the upgrade was accepted')));
    socket.once('unexpected-response', (_request, response: IncomingMessage) => {
      let body = '';
      response.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(body) }));
    });
    socket.once('error', () => undefined);
  });
}

describe('the WebSocket endpoint', () => {
  it('refuses an upgrade without a valid key with a plain 401, and serves the key\'s tenant', async () => {
    const harness = await startGateway({ model: [say('Hi team A.')], config: { apiKeys: ['sk-a:team-a'] } });

    const wrongKey = await upgradeRefusal(harness, { authorization: 'Bearer sk-wrong' });
    expect(wrongKey).toEqual({ status: 401, body: { error: expect.objectContaining({ type: 'authentication_error', code: 'invalid_api_key' }) } });
    expect((await upgradeRefusal(harness, {})).status).toBe(401);

    const client = await connect(harness, { apiKey: 'sk-a' });
    client.send({ type: 'response.create', model: 'm', input: 'hi' });
    const [terminal] = await client.log.terminals(1);
    expect(await harness.store.getResponse('team-a', terminal!.response!.id)).toMatchObject({ status: 'completed' });
    expect(await harness.store.getResponse('default', terminal!.response!.id)).toBeUndefined();
  });

  it('answers a create beyond the queue bound with a 429 error frame and runs the queued ones', async () => {
    const harness = await startGateway({ model: [slow('First'), say('Second')], config: { wsMaxQueuedRequests: 1 } });
    const client = await connect(harness);
    client.send({ type: 'response.create', model: 'm', input: 'one', stream_id: 'a' });
    await client.log.waitFor((frame) => frame.type === 'response.output_text.delta');
    client.send({ type: 'response.create', model: 'm', input: 'two', stream_id: 'b' });
    client.send({ type: 'response.create', model: 'm', input: 'three', stream_id: 'c' });

    const rejected = await client.log.waitFor((frame) => frame.type === 'error');
    expect(rejected).toMatchObject({ status: 429, stream_id: 'c', error: { type: 'rate_limit_error', code: 'queue_full', headers: { 'retry-after': '1' } } });
    client.send({ type: 'response.cancel' });
    const terminals = await client.log.terminals(2);
    expect(terminals.map((frame) => [frame.stream_id, frame.response!.status])).toEqual([['a', 'cancelled'], ['b', 'completed']]);
    expect(harness.model!.calls.map((call) => call.request.messages)).toEqual([[{ role: 'user', content: 'one' }], [{ role: 'user', content: 'two' }]]);
  });

  it('counts each response.create against the key\'s rate and running-response limits, with 429 error frames', async () => {
    // Two upgrades and a first create take 3 of the 4 requests a minute.
    const harness = await startGateway({ model: [slow('Busy')], config: { requestsPerMinute: 4, maxConcurrentRuns: 1 } });
    const first = await connect(harness);
    const second = await connect(harness);
    first.send({ type: 'response.create', model: 'm', input: 'one' });
    await first.log.waitFor((frame) => frame.type === 'response.output_text.delta');
    second.send({ type: 'response.create', model: 'm', input: 'two' });
    await second.log.waitFor((frame) => frame.type === 'error');
    second.send({ type: 'response.create', model: 'm', input: 'three' });
    await second.log.waitFor((frame) => frame.type === 'error' && frame.error!.message.includes('per minute'));

    expect(second.log.errors().map((frame) => [frame.status, frame.error!.code])).toEqual([[429, 'rate_limit_exceeded'], [429, 'rate_limit_exceeded']]);
    expect(second.log.errors()[0]!.error!.message).toContain('running at once');
    expect(harness.model!.calls).toHaveLength(1);
  });

  it('accepts response.processed silently, and refuses a tool result when no response waits for one', async () => {
    const harness = await startGateway({ model: [say('Done.')] });
    const client = await connect(harness);
    client.send({ type: 'response.create', model: 'm', input: 'hi' });
    const [terminal] = await client.log.terminals(1);
    client.send({ type: 'response.processed', response_id: terminal!.response!.id });
    client.send({ type: 'tool_result.submit', response_id: terminal!.response!.id, call_id: 'call_1', output: 'late' });

    const error = await client.log.waitFor((frame) => frame.type === 'error');
    expect(error).toMatchObject({ status: 404, error: { code: 'response_not_found', param: 'response_id' } });
    expect(client.log.errors()).toHaveLength(1);
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('closes the socket with 1009 on a frame over the size limit', async () => {
    const harness = await startGateway({ model: [], config: { wsMaxFrameBytes: 2048 } });
    const client = await connect(harness);
    client.send({ type: 'response.create', model: 'm', input: 'x'.repeat(4096) });

    expect((await client.closed).code).toBe(1009);
    expect(harness.model!.calls).toHaveLength(0);
  });

  it('pings, and drops a peer that stops answering, cancelling its response', async () => {
    const harness = await startGateway({ model: [slow('Thinking')], config: { wsPingIntervalMs: 40 } });
    const alive = await connect(harness);
    let pings = 0;
    alive.socket.on('ping', () => { pings += 1; });
    const dead = await connect(harness, { autoPong: false });
    dead.send({ type: 'response.create', model: 'm', input: 'hi' });
    await dead.log.waitFor((frame) => frame.type === 'response.output_text.delta');

    expect((await dead.closed).code).toBe(1006);
    await harness.model!.calls[0]!.ended;
    expect(harness.model!.calls[0]!.aborted).toBe(true);
    await new Promise<void>((resolve) => alive.socket.on('ping', () => pings >= 3 && resolve()));
    expect(alive.socket.readyState).toBe(WebSocket.OPEN);
  });

  it('cancels the response of a client that stops reading and closes its socket with 1008 and a reason', async () => {
    const harness = await startGateway({
      model: new EndlessModel(),
      config: { wsMaxBufferedBytes: 64 * 1024, wsSlowReaderGraceMs: 100, wsCloseTimeoutMs: 10_000 },
    });
    const client = await connect(harness);
    client.send({ type: 'response.create', model: 'endless', input: 'Write forever.' });
    await client.log.waitFor((frame) => frame.type === 'response.output_text.delta');
    client.tcp.pause();

    const call = harness.model!.calls[0]!;
    await call.ended;
    expect(call.aborted).toBe(true);
    const responseId = client.log.responseIds()[0]!;
    expect(await harness.waitForStatus(responseId, ['cancelled', 'completed', 'failed'])).toBe('cancelled');

    client.tcp.resume();
    const closed = await client.closed;
    expect(closed).toEqual({ code: 1008, reason: expect.stringContaining('send buffer') });
  });

  it('closes every socket on shutdown after the running response ended with its terminal event', async () => {
    const harness = await GatewayHarness.start({ model: [slow('Working')] });
    const idle = await connect(harness);
    const busy = await connect(harness);
    busy.send({ type: 'response.create', model: 'm', input: 'hi' });
    await busy.log.waitFor((frame) => frame.type === 'response.output_text.delta');

    await harness.close();
    expect(await idle.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(await busy.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    const { terminal } = checkResponseStream(busy.log.frames);
    expect(terminal.response.status).toBe('cancelled');
  });
});
