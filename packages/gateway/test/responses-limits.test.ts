import { describe, expect, it } from 'vitest';
import { useGateways } from '../src/testing/gateway-harness.js';
import { readSseEvents } from '../src/testing/sse-events.js';

const startGateway = useGateways();

const text = (value: string) => ({ parts: [{ type: 'text' as const, text: value }] });
const slow = { parts: [{ type: 'text' as const, text: 'Working' }, { type: 'delay' as const, ms: 10_000 }] };

interface ErrorBody { error: { message: string; type: string; param: string | null; code: string } }

async function errorOf(response: Response): Promise<ErrorBody['error']> {
  const body = await response.json() as ErrorBody;
  expect(Object.keys(body.error).sort()).toEqual(['code', 'message', 'param', 'type']);
  return body.error;
}

describe('tenants', () => {
  const keys = { config: { apiKeys: ['key-a:tenant-a', 'key-b:tenant-b'] } };

  it('refuses requests without a key or with an unknown key', async () => {
    const harness = await startGateway({ model: [text('never')], ...keys });
    const missing = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'hi' }, apiKey: null });
    expect(missing.status).toBe(401);
    expect(await errorOf(missing)).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
    const wrong = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'hi' }, apiKey: 'key-c' });
    expect(wrong.status).toBe(401);
    expect(harness.store.writeCount).toBe(0);
  });

  it('hides one tenant\'s responses from another on every responses route', async () => {
    const harness = await startGateway({ model: [text('Secret of A.'), slow], ...keys });
    const clientA = harness.client('key-a');
    const done = await clientA.responses.create({ model: 'm', input: 'hi' });
    const running = await clientA.responses.create({ model: 'm', input: 'go', background: true });
    const asB = { apiKey: 'key-b' };

    for (const id of [done.id, running.id]) {
      const attempts: Array<[string, Response]> = [
        ['GET', await harness.fetch(`/v1/responses/${id}`, asB)],
        ['GET ?stream=true', await harness.fetch(`/v1/responses/${id}?stream=true`, asB)],
        ['GET input_items', await harness.fetch(`/v1/responses/${id}/input_items`, asB)],
        ['POST cancel', await harness.fetch(`/v1/responses/${id}/cancel`, { ...asB, method: 'POST' })],
        ['DELETE', await harness.fetch(`/v1/responses/${id}`, { ...asB, method: 'DELETE' })],
      ];
      for (const [route, response] of attempts) {
        expect({ route, status: response.status }).toEqual({ route, status: 404 });
        expect((await errorOf(response)).code).toBe('response_not_found');
      }
      const continued = await harness.fetch('/v1/responses', { ...asB, body: { model: 'm', input: 'more', previous_response_id: id } });
      expect(continued.status).toBe(400);
      expect(await errorOf(continued)).toMatchObject({ code: 'previous_response_not_found', param: 'previous_response_id' });
    }

    // Tenant A still has both, untouched: B's delete and cancel did nothing.
    expect((await clientA.responses.retrieve(done.id)).output_text).toBe('Secret of A.');
    expect(['queued', 'in_progress']).toContain((await clientA.responses.retrieve(running.id)).status);
    expect(await harness.store.countResponses('tenant-a')).toBe(2);
    await clientA.responses.cancel(running.id);
  });
});

describe('limits', () => {
  it('answers 429 with retry-after once a key goes over its requests per minute', async () => {
    const harness = await startGateway({ model: [text('one'), text('two')], config: { requestsPerMinute: 2 } });
    const statuses: number[] = [];
    for (let request = 0; request < 2; request += 1) {
      statuses.push((await harness.fetch('/v1/responses', { body: { model: 'm', input: 'hi' } })).status);
    }
    const third = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'hi' } });

    expect(statuses).toEqual([200, 200]);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await errorOf(third)).toMatchObject({ type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(await harness.store.countResponses()).toBe(2);
  });

  it('counts the rate limit per key', async () => {
    const harness = await startGateway({ model: [text('a'), text('b')], config: { requestsPerMinute: 1, apiKeys: ['key-a:t', 'key-b:t'] } });
    expect((await harness.fetch('/v1/responses/resp_x', { apiKey: 'key-a' })).status).toBe(404);
    expect((await harness.fetch('/v1/responses/resp_x', { apiKey: 'key-a' })).status).toBe(429);
    expect((await harness.fetch('/v1/responses/resp_x', { apiKey: 'key-b' })).status).toBe(404);
  });

  it('answers 413 in the OpenAI shape for a body over the limit, and stores nothing', async () => {
    const harness = await startGateway({ model: [text('never')], config: { bodyLimitBytes: 2048 } });
    const response = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'x'.repeat(4096) } });

    expect(response.status).toBe(413);
    expect(await errorOf(response)).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large', param: null });
    expect(harness.store.writeCount).toBe(0);
    expect((await harness.fetch('/v1/responses', { body: { model: 'm', input: 'small' } })).status).toBe(200);
  });

  it('answers 429 when a key already runs its limit of responses, and takes new ones once they end', async () => {
    const harness = await startGateway({ model: [slow, text('after')], config: { maxConcurrentRuns: 1 } });
    const client = harness.client();
    const running = await client.responses.create({ model: 'm', input: 'go', background: true });

    const refused = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'and this' } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).not.toBeNull();
    expect((await errorOf(refused)).code).toBe('rate_limit_exceeded');
    const refusedStream = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'and this', stream: true } });
    expect(refusedStream.status).toBe(429);
    expect(await harness.store.countResponses()).toBe(1);

    await client.responses.cancel(running.id);
    const after = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'now', stream: true } });
    expect(after.status).toBe(200);
    expect((await readSseEvents(after)).at(-1)?.type).toBe('response.completed');
  });

  it('ends a response that runs past the run time limit as incomplete (max_run_time), with what it produced', async () => {
    const harness = await startGateway({ model: [slow], config: { maxRunSeconds: 1 } });
    const final = await harness.client().responses.stream({ model: 'm', input: 'hi' }).finalResponse();

    expect(final.status).toBe('incomplete');
    expect(final.incomplete_details).toEqual({ reason: 'max_run_time' });
    expect(final.output_text).toBe('Working');
    expect((await harness.client().responses.retrieve(final.id)).status).toBe('incomplete');
    expect(harness.model!.calls[0]!.aborted).toBe(true);
  });

  it('gives a slot back when a request is refused after taking it', async () => {
    const harness = await startGateway({ model: [text('fine')], config: { maxConcurrentRuns: 1 } });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const refused = await harness.fetch('/v1/responses', { body: { model: 'm', input: 'x', previous_response_id: 'resp_missing' } });
      expect(refused.status).toBe(400);
    }
    expect((await harness.fetch('/v1/responses', { body: { model: 'm', input: 'now' } })).status).toBe(200);
  });
});
