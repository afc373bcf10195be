import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useGateways } from '../src/testing/gateway-harness.js';

const startGateway = useGateways();

const text = (value: string) => ({ parts: [{ type: 'text' as const, text: value }] });

/** Counts the HTTP requests the gateway's server receives (every attempt of a client, retries included). */
function countRequests(server: import('node:http').Server): { readonly count: number; readonly paths: string[] } {
  const paths: string[] = [];
  server.on('request', (request: import('node:http').IncomingMessage) => paths.push(`${request.method} ${request.url}`));
  return { get count() { return paths.length; }, paths };
}

const CLIENT = fileURLToPath(new URL('./fixtures/oversized-create-client.ts', import.meta.url));

/** Runs the openai SDK in its own process against the gateway; what each attempt threw. */
async function runClient(url: string, size: number, attempts: number): Promise<unknown[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLIENT, url, String(size), String(attempts)], { timeout: 60_000 });
  return stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown);
}

/** Sends `body` as one chunked request (no content-length) and reads the answer. */
function postChunked(url: string, chunks: readonly string[]): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-key', 'transfer-encoding': 'chunked' },
    }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, connection: response.headers.connection }));
    });
    request.on('error', reject);
    for (const chunk of chunks) request.write(chunk);
    request.end();
  });
}

describe('a body over bodyLimitBytes', () => {
  it('reaches the openai SDK as a 413 APIError (request_too_large), sent once and not retried', async () => {
    const harness = await startGateway({ model: [text('after')], config: { bodyLimitBytes: 64 * 1024 } });
    const requests = countRequests(harness.gateway.app.server);
    const attempts = 6;

    // The SDK's retries are on: a connection error (or a retryable status) would show as more requests.
    const outcomes = await runClient(harness.url, 4 * 1024 * 1024, attempts);

    expect(outcomes).toEqual(Array.from({ length: attempts }, () => ({ kind: 'APIError', status: 413, code: 'request_too_large', type: 'invalid_request_error' })));
    expect(requests.paths).toEqual(Array.from({ length: attempts }, () => 'POST /v1/responses'));
    expect(harness.store.writeCount).toBe(0);
    // The connection stays usable: the next request is answered.
    expect((await harness.client().responses.create({ model: 'm', input: 'small' })).output_text).toBe('after');
  });

  it('answers 413 to a chunked body that goes over the limit, after reading it to the end', async () => {
    const harness = await startGateway({ model: [text('never')], config: { bodyLimitBytes: 2048 } });
    const chunks = ['{"model":"m","input":"', ...Array.from({ length: 64 }, () => 'y'.repeat(16 * 1024)), '"}'];

    const answer = await postChunked(harness.url, chunks);

    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'request_too_large', type: 'invalid_request_error' } });
    expect(answer.connection).not.toBe('close');
    expect(harness.store.writeCount).toBe(0);
  });

  it('still answers 413 and closes the connection when the body is over bodyDiscardLimitBytes too', async () => {
    const harness = await startGateway({ model: [text('never')], config: { bodyLimitBytes: 2048, bodyDiscardLimitBytes: 4096 } });
    const response = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'z'.repeat(64 * 1024) } });

    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect((await response.json() as { error: { code: string } }).error.code).toBe('request_too_large');
  });
});
