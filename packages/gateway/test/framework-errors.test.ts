import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScriptedModel } from '@agentport/core/testing';
import { GatewayHarness } from '../src/testing/index.js';

// Errors raised before any route runs (node's HTTP parser, fastify's router) must still answer
// with the OpenAI error body, so a client's error handling sees one shape from every failure.

/** Sends raw bytes and reads the whole answer (the server closes after an error). */
function exchange(url: string, request: string): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may close before it has read everything we sent.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, headers: text.slice(0, split), body: text.slice(split + 4) });
    });
    socket.write(request);
  });
}

function errorOf(body: string): { message: string; type: string; code: string } {
  return (JSON.parse(body) as { error: { message: string; type: string; code: string } }).error;
}

describe('errors before a route runs', () => {
  let harness: GatewayHarness;

  beforeAll(async () => {
    harness = await GatewayHarness.start({ model: new ScriptedModel([]) });
  });

  afterAll(async () => {
    await harness.close();
  });

  it('a request line over 16 kB gets 431 with the OpenAI error body', async () => {
    const answer = await exchange(harness.url, `GET /v1/responses?after=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(answer.status).toBe(431);
    expect(answer.headers).toMatch(/content-type: application\/json/i);
    expect(errorOf(answer.body)).toMatchObject({ type: 'invalid_request_error', code: 'request_header_fields_too_large' });
  });

  it('a 64 kB header gets 431 with the OpenAI error body', async () => {
    const answer = await exchange(harness.url, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(64 * 1024)}\r\n\r\n`);
    expect(answer.status).toBe(431);
    expect(errorOf(answer.body).code).toBe('request_header_fields_too_large');
  });

  it('bytes that are not HTTP get 400 bad_request', async () => {
    const answer = await exchange(harness.url, 'HELLO THERE\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(errorOf(answer.body)).toMatchObject({ type: 'invalid_request_error', code: 'bad_request' });
  });

  it('a path parameter over maxPathParamLength gets 414 uri_too_long', async () => {
    const response = await harness.fetch(`/v1/responses/resp_${'x'.repeat(200)}`);
    expect(response.status).toBe(414);
    const body = await response.json() as { error: { code: string; message: string } };
    expect(body.error.code).toBe('uri_too_long');
    expect(body.error.message).toContain('100');
  });

  it('a path parameter that is not valid percent-encoding gets 400 invalid_url', async () => {
    const response = await harness.fetch('/v1/responses/resp_%E0%A4%A');
    expect(response.status).toBe(400);
    expect((await response.json() as { error: { code: string } }).error.code).toBe('invalid_url');
  });

  it('keeps serving after each of them', async () => {
    await exchange(harness.url, 'HELLO THERE\r\n\r\n');
    expect((await harness.fetch('/healthz')).status).toBe(200);
  });
});
