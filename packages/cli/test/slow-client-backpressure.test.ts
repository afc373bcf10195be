import http from 'node:http';
import { VllmAgentModel } from '@agentport/vllm-adapter';
import { FakeVllmServer, type RecordedRequest } from '@agentport/vllm-adapter/testing';
import type { GatewayConfig } from '@agentport/gateway';
import { GatewayHarness } from '@agentport/gateway/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

/**
 * A client that stops reading must not make the gateway buffer the answer: the gateway stops
 * reading vLLM, so vLLM's own writes stall (its send buffer full), and what waits in between is
 * the sockets' buffers, not the gateway's memory. The answer here is 40 MB (20,000 tokens of
 * 2 KB); a gateway that buffered it would let vLLM send all of it.
 */
const TOKENS = 20_000;
const TOKEN = 'x'.repeat(2_000);
const ANSWER_BYTES = TOKENS * TOKEN.length;
/**
 * Bytes vLLM may get out while nobody reads: the kernel's buffers on the way (two loopback
 * connections, which Linux grows to several MB each) and one tick's events; a gateway that kept
 * reading would let it send the whole answer.
 */
const IN_FLIGHT_LIMIT = ANSWER_BYTES / 2;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startStack(config: Partial<GatewayConfig> = {}): Promise<{ fake: FakeVllmServer; harness: GatewayHarness }> {
  const fake = await new FakeVllmServer({ turns: [{ type: 'tokens', count: TOKENS, token: TOKEN }] }).start();
  cleanups.push(() => fake.close());
  const model = new VllmAgentModel({ baseUrl: fake.url, model: 'fake-model', maxRetries: 0 });
  cleanups.push(() => model.close());
  const harness = await GatewayHarness.start({ model, config });
  cleanups.push(() => harness.close());
  return { fake, harness };
}

/** Waits until vLLM's bytes sent for `request` stop growing (the same for 500 ms), and returns them. */
async function sentOnceStalled(request: () => RecordedRequest | undefined): Promise<number> {
  let last = -1;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const sent = request()?.bytesSent ?? 0;
    if (sent === last && sent > 0) return sent;
    last = sent;
  }
}

describe('a client that stops reading, over the vLLM adapter and the fake vLLM server', () => {
  it('over SSE: the gateway stops reading vLLM while the client does not read, and the client gets every token once it reads again', async () => {
    const { fake, harness } = await startStack();
    const body = JSON.stringify({ model: 'fake-model', input: 'Write a lot.', stream: true, store: false });
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const request = http.request(`${harness.url}/v1/responses`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer test-key' },
      }, resolve);
      request.on('error', reject);
      request.end(body);
    });
    expect(response.statusCode).toBe(200);
    response.setEncoding('utf8');
    // The opening events are read, then nothing.
    const opening = await new Promise<string>((resolve) => response.once('data', resolve));
    response.pause();
    // The deltas' sequence numbers follow the opening events' (created, in_progress, the item and its part).
    const firstDeltaSequence = 4;
    expect(opening).not.toContain('response.output_text.delta');

    const stalledAt = await sentOnceStalled(() => fake.chatRequests[0]);
    expect(stalledAt).toBeLessThan(IN_FLIGHT_LIMIT);
    expect(fake.chatRequests[0]!.outcome).toBe('pending');

    // Reading again, the client gets every token, in order. (It leaves before the closing events,
    // which repeat the whole 40 MB text four times.)
    let deltas = 0;
    let wrong = 0;
    let buffer = '';
    const allTokens = new Promise<void>((resolve) => {
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!event.startsWith('event: response.output_text.delta\n')) continue;
          const { delta, sequence_number: sequence } = JSON.parse(event.slice(event.indexOf('data: ') + 6)) as { delta: string; sequence_number: number };
          if (delta !== TOKEN || sequence !== firstDeltaSequence + deltas) wrong += 1;
          deltas += 1;
          if (deltas === TOKENS) return resolve();
        }
      });
    });
    response.resume();
    await allTokens;
    expect(wrong).toBe(0);
    response.destroy();
  }, 60_000);

  it('over WebSocket: past wsMaxBufferedBytes the response waits for the reader, then is cancelled and the socket closed (1008) once the grace runs out', async () => {
    const { fake, harness } = await startStack({ wsMaxBufferedBytes: 1024 * 1024, wsSlowReaderGraceMs: 3_000 });
    const ws = new WebSocket(`${harness.url.replace(/^http/, 'ws')}/v1/responses`, { headers: { authorization: 'Bearer test-key' } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
    ws.send(JSON.stringify({ type: 'response.create', model: 'fake-model', input: 'Write a lot.', store: false }));
    // The first frame is read, then the socket is not read any more.
    await new Promise((resolve) => ws.once('message', resolve));
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();

    const stalledAt = await sentOnceStalled(() => fake.chatRequests[0]);
    expect(stalledAt).toBeLessThan(IN_FLIGHT_LIMIT);

    // The grace runs out: the run is cancelled, so the upstream call is closed, and so is the client's socket.
    await fake.waitForClientClose();
    expect(fake.chatRequests[0]!.bytesSent).toBeLessThan(IN_FLIGHT_LIMIT);
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toEqual({ code: 1008, reason: expect.stringContaining('send buffer') });
  }, 60_000);
});
