/**
 * The probe thread: `/healthz` and `/readyz` on a port of their own, answered by a worker thread
 * with its own event loop, so a probe is answered in a moment however busy the gateway's loop
 * is, and still tells the truth: the main thread writes a heartbeat into shared memory and
 * posts each readiness it computes; a heartbeat older than `readyStaleMs` makes `/readyz` a
 * 503 (the loop is stuck or saturated), one older than `liveStaleMs` makes `/healthz` a 503.
 *
 * Kept to node built-ins and erasable types: Node runs it as it is (compiled, or as source).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

export interface ProbeThreadData {
  host: string;
  port: number;
  /** `BigInt64Array` over it: [0] the main thread's last heartbeat, `Date.now()` in ms. */
  heartbeat: SharedArrayBuffer;
  readyStaleMs: number;
  liveStaleMs: number;
}

/** Main thread → probe thread: the readiness the main thread computed last. */
export interface ReadinessMessage {
  type: 'readiness';
  body: { status: 'ready' | 'not_ready'; checks: Record<string, string> };
}

/** Probe thread → main thread: where it listens, or why it could not. */
export type ProbeThreadMessage = { type: 'listening'; port: number } | { type: 'failed'; message: string };

const data = workerData as ProbeThreadData;
const heartbeat = new BigInt64Array(data.heartbeat);
let readiness: ReadinessMessage['body'] = { status: 'not_ready', checks: { gateway: 'starting' } };

parentPort?.on('message', (message: ReadinessMessage) => {
  if (message.type === 'readiness') readiness = message.body;
});

function silentForMs(): number {
  return Date.now() - Number(Atomics.load(heartbeat, 0));
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  response.end(text);
}

const server = http.createServer((request, response) => {
  const path = (request.url ?? '').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(response, 405, { error: { message: 'The probe port answers GET /healthz and GET /readyz.', type: 'invalid_request_error', param: null, code: 'method_not_allowed' } });
    return;
  }
  const silent = silentForMs();
  if (path === '/healthz') {
    if (silent > data.liveStaleMs) send(response, 503, { status: 'stalled', detail: `the gateway's event loop has not run for ${silent} ms` });
    else send(response, 200, { status: 'ok' });
    return;
  }
  if (path === '/readyz') {
    if (silent > data.readyStaleMs) {
      send(response, 503, { status: 'not_ready', checks: { ...readiness.checks, load: `saturated: the event loop has not run for ${silent} ms` } });
    } else {
      send(response, readiness.status === 'ready' ? 200 : 503, readiness);
    }
    return;
  }
  send(response, 404, { error: { message: `No route ${request.method} ${path} on the probe port.`, type: 'not_found_error', param: null, code: 'not_found' } });
});

server.on('error', (error) => parentPort?.postMessage({ type: 'failed', message: error.message } satisfies ProbeThreadMessage));
server.listen(data.port, data.host, () => {
  parentPort?.postMessage({ type: 'listening', port: (server.address() as AddressInfo).port } satisfies ProbeThreadMessage);
});
