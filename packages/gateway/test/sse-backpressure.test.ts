import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { EndlessModel } from '../src/testing/endless-model.js';
import { useGateways } from '../src/testing/gateway-harness.js';

const startGateway = useGateways();

/**
 * Far above what the sockets between the model and a paused client can hold (the kernel's
 * buffers on loopback and the gateway's own high-water marks), far below what an unbounded
 * gateway would have pulled by the time the wait below gives up.
 */
const BOUND_BYTES = 48 * 1024 * 1024;

/** A raw HTTP client, so the test decides when the socket is read. */
function openStream(url: string, body: unknown): { socket: net.Socket; received: () => string } {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => { text += chunk.length > 4096 ? chunk.slice(0, 4096) : chunk; });
  socket.on('error', () => undefined);
  const json = JSON.stringify(body);
  socket.write(`POST /v1/responses HTTP/1.1\r\nhost: ${hostname}\r\nauthorization: Bearer test-key\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(json)}\r\n\r\n${json}`);
  return { socket, received: () => text };
}

/** Waits until `read()` stops growing (or passes `bound`), returning its last value. */
async function settled(read: () => number, bound: number): Promise<number> {
  let last = -1;
  let still = 0;
  for (let polls = 0; polls < 200 && still < 5; polls += 1) {
    await sleep(50);
    const now = read();
    if (now > bound) return now;
    still = now === last ? still + 1 : 0;
    last = now;
  }
  return last;
}

describe('a streaming client that stops reading', () => {
  it('pauses the run instead of buffering its events, and the run goes on once the client reads again', async () => {
    const model = new EndlessModel();
    const harness = await startGateway({ model });
    const client = openStream(harness.url, { model: 'endless', input: 'Write forever.', stream: true, store: false });
    while (!client.received().includes('response.output_text.delta')) await sleep(10);
    client.socket.pause();

    const pulledWhilePaused = await settled(() => model.streamedBytes, BOUND_BYTES);
    expect(pulledWhilePaused).toBeLessThan(BOUND_BYTES);

    client.socket.resume();
    const resumedTarget = pulledWhilePaused + 4 * 1024 * 1024;
    while (model.streamedBytes < resumedTarget) await sleep(10);
    expect(harness.model!.calls[0]!.aborted).toBe(false);

    client.socket.destroy();
    await harness.model!.calls[0]!.ended;
    expect(harness.model!.calls[0]!.aborted).toBe(true);
  });
});
