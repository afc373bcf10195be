import { type IncomingMessage, get as httpGet } from 'node:http';
import {
  type Agent, MemoryStateStore, type ModelCatalog, type ModelCatalogEntry, type ModelReadiness, type ResponseRecord,
  ToolLoopAgent, silentLogger,
} from '@agentport/core';
import { ScriptedModel } from '@agentport/core/testing';
import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Gateway, type GatewayParts } from '../src/gateway.js';
import { GatewayMetrics } from '../src/http/gateway-metrics.js';
import { DeadlineExceededError, withTimeout } from '../src/http/with-timeout.js';

let gateway: Gateway | undefined;
afterEach(async () => { await gateway?.close(0); gateway = undefined; });

/** A catalog whose readiness the test sets: ready, not ready with a reason, or throwing. */
class ProbeCatalog implements ModelCatalog {
  state: ModelReadiness | Error = { ready: true, model: 'Qwen/Qwen3-8B' };

  async listModels(): Promise<ModelCatalogEntry[]> {
    return [{ id: 'Qwen/Qwen3-8B' }];
  }

  async ready(): Promise<ModelReadiness> {
    if (this.state instanceof Error) throw this.state;
    return this.state;
  }
}

/** A store whose reads fail, as one whose database went away. */
class BrokenStore extends MemoryStateStore {
  override async getResponse(): Promise<ResponseRecord | undefined> {
    throw new Error('database is locked');
  }
}

async function start(parts: Partial<GatewayParts> = {}) {
  gateway = await Gateway.create({
    store: new MemoryStateStore(),
    ...parts,
    config: { port: 0, ...parts.config },
    logger: silentLogger,
  });
  await gateway.listen();
  return gateway.url;
}

function textModel(...texts: string[]) {
  return new ScriptedModel(texts.map((text) => ({ parts: [{ type: 'text' as const, text }] })));
}

function agent(name: string): Agent {
  return new ToolLoopAgent({ name, model: textModel('hi') });
}

async function getJson(url: string) {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() as unknown };
}

/**
 * GET /metrics on a connection of its own (closed after), as a Prometheus scraper does; the
 * pooled `fetch` may leave a spare keep-alive socket that holds `close()` until the client drops it.
 */
async function scrape(url: string): Promise<string> {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    httpGet(`${url}/metrics`, { agent: false }, resolve).on('error', reject);
  });
  let text = '';
  for await (const chunk of response) text += String(chunk);
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
  return text;
}

/** Every sample line of a scrape, `name{labels}` → value; checks each line is well formed on the way. */
function samples(text: string): Map<string, number> {
  const result = new Map<string, number>();
  const typed = new Set<string>();
  for (const line of text.split('\n').filter(Boolean)) {
    const type = /^# TYPE (\S+) (counter|gauge|histogram)$/.exec(line);
    if (type) typed.add(type[1]!);
    if (line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    expect(sample, line).not.toBeNull();
    const base = sample![1]!.replace(/_(bucket|sum|count)$/, '');
    expect(typed.has(sample![1]!) || typed.has(base), `${line} has no # TYPE before it`).toBe(true);
    result.set(`${sample![1]}${sample![2] ?? ''}`, Number(sample![3]));
  }
  return result;
}

describe('/healthz', () => {
  it('answers 200 without a key while the process serves', async () => {
    const url = await start({ config: { apiKeys: ['key-a:tenant-a'] } });
    expect(await getJson(`${url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
  });
});

describe('/readyz', () => {
  it('is ready when the store and the upstream answer, and not ready (503) while the upstream is unreachable', async () => {
    const catalog = new ProbeCatalog();
    const url = await start({ model: textModel('x'), catalog, config: { apiKeys: ['key-a:tenant-a'] } });
    expect(await getJson(`${url}/readyz`)).toEqual({ status: 200, body: { status: 'ready', checks: { store: 'ok', upstream: 'ok', agents: 'ok', load: 'ok' } } });

    catalog.state = { ready: false, reason: 'cannot connect to vLLM at http://127.0.0.1:9/v1: connection refused' };
    expect(await getJson(`${url}/readyz`)).toEqual({
      status: 503,
      body: { status: 'not_ready', checks: { store: 'ok', upstream: 'unreachable: cannot connect to vLLM at http://127.0.0.1:9/v1: connection refused', agents: 'ok', load: 'ok' } },
    });

    catalog.state = new Error('socket hang up');
    expect(await getJson(`${url}/readyz`)).toMatchObject({ status: 503, body: { checks: { upstream: 'unreachable: socket hang up' } } });

    catalog.state = { ready: true, model: 'Qwen/Qwen3-8B' };
    expect((await getJson(`${url}/readyz`)).status).toBe(200);
  });

  it('is not ready when the store fails', async () => {
    const url = await start({ store: new BrokenStore(), model: textModel('x'), catalog: new ProbeCatalog() });
    expect(await getJson(`${url}/readyz`)).toEqual({
      status: 503, body: { status: 'not_ready', checks: { store: 'failing: database is locked', upstream: 'ok', agents: 'ok', load: 'ok' } },
    });
  });

  it('without a catalog, is ready when a default model or an agent can serve, and not otherwise', async () => {
    let url = await start({ model: textModel('x') });
    expect(await getJson(`${url}/readyz`)).toEqual({ status: 200, body: { status: 'ready', checks: { store: 'ok', upstream: 'not configured', agents: 'ok', load: 'ok' } } });
    await gateway!.close(0);

    url = await start({ agents: [agent('support-bot')] });
    expect((await getJson(`${url}/readyz`)).status).toBe(200);
    await gateway!.close(0);

    url = await start();
    expect(await getJson(`${url}/readyz`)).toMatchObject({
      status: 503, body: { status: 'not_ready', checks: { store: 'ok', upstream: 'not configured', agents: expect.stringMatching(/^none/), load: 'ok' } },
    });
  });
});

describe('withTimeout', () => {
  it('gives up on a call that never settles, and passes through one that does', async () => {
    await expect(withTimeout(new Promise(() => undefined), 5)).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(withTimeout(Promise.resolve('answer'), 1_000)).resolves.toBe('answer');
    await expect(withTimeout(Promise.reject(new Error('own failure')), 1_000)).rejects.toThrow('own failure');
  });
});

describe('/metrics', () => {
  it('counts requests by method, route pattern and status, with duration histograms', async () => {
    const url = await start({ model: textModel('one', 'two'), config: { apiKeys: ['key-a:tenant-a'] } });
    const api = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'key-a', maxRetries: 0 });

    await fetch(`${url}/healthz`);
    await fetch(`${url}/healthz`);
    await fetch(`${url}/v1/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await expect(api.conversations.retrieve('conv_missing')).rejects.toMatchObject({ status: 404 });
    await fetch(`${url}/no/such/route`, { headers: { authorization: 'Bearer key-a' } });
    await api.responses.create({ model: 'model', input: 'hi' });
    const stream = await api.responses.create({ model: 'model', input: 'again', stream: true });
    for await (const event of stream) void event;

    const text = await scrape(url);
    const values = samples(text);
    expect(values.get('agentport_http_requests_total{method="GET",route="/healthz",status="200"}')).toBe(2);
    expect(values.get('agentport_http_requests_total{method="POST",route="/v1/conversations",status="401"}')).toBe(1);
    expect(values.get('agentport_http_requests_total{method="GET",route="/v1/conversations/:id",status="404"}')).toBe(1);
    expect(values.get('agentport_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
    // Both the JSON and the streamed (hijacked) answer are counted.
    expect(values.get('agentport_http_requests_total{method="POST",route="/v1/responses",status="200"}')).toBe(2);
    expect(values.get('agentport_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"}')).toBe(2);
    expect(values.get('agentport_http_request_duration_seconds_count{method="POST",route="/v1/responses"}')).toBe(2);
    expect(values.get('agentport_http_request_duration_seconds_sum{method="GET",route="/healthz"}')).toBeGreaterThanOrEqual(0);
    expect(values.get('agentport_tokens_total{kind="input"}')).toBeTypeOf('number');
    expect(values.get('agentport_tokens_total{kind="output"}')).toBeTypeOf('number');
    expect(values.get('agentport_active_streams')).toBe(0);
    expect(text).toContain('# TYPE agentport_response_time_to_first_token_seconds histogram');
    expect(text).toContain('# TYPE agentport_upstream_errors_total counter');
    // No raw ids in labels: a series per object would grow without bound.
    expect(text).not.toContain('conv_missing');
  });

  it('shows a running stream in agentport_active_streams', async () => {
    const model = new ScriptedModel([{ parts: [{ type: 'text', text: 'first words' }, { type: 'delay', ms: 60_000 }, { type: 'text', text: 'never' }] }]);
    const url = await start({ model });
    const api = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'k', maxRetries: 0 });
    const abort = new AbortController();
    const stream = await api.responses.create({ model: 'model', input: 'hi', stream: true }, { signal: abort.signal });
    // Read by hand: leaving a `for await` loop would close the stream, and the response with it.
    const events = stream[Symbol.asyncIterator]();
    for (let next = await events.next(); !next.done && next.value.type !== 'response.output_text.delta'; next = await events.next());
    expect(samples(await scrape(url)).get('agentport_active_streams')).toBe(1);
    abort.abort();
    await vi.waitFor(async () => expect(samples(await scrape(url)).get('agentport_active_streams')).toBe(0));
  });
});

describe('GatewayMetrics', () => {
  it('records what the response runner reports', () => {
    const metrics = new GatewayMetrics({ activeStreams: () => 3 });
    metrics.observeFirstToken(0.3);
    metrics.observeFirstToken(7);
    metrics.addTokens(10, 5);
    metrics.addTokens(32, 8);
    metrics.upstreamError('transport');
    metrics.upstreamError('transport');
    metrics.upstreamError('timeout');
    const values = samples(metrics.render());
    expect(values.get('agentport_response_time_to_first_token_seconds_bucket{le="0.25"}')).toBe(0);
    expect(values.get('agentport_response_time_to_first_token_seconds_bucket{le="0.5"}')).toBe(1);
    expect(values.get('agentport_response_time_to_first_token_seconds_bucket{le="10"}')).toBe(2);
    expect(values.get('agentport_response_time_to_first_token_seconds_bucket{le="+Inf"}')).toBe(2);
    expect(values.get('agentport_response_time_to_first_token_seconds_sum')).toBeCloseTo(7.3);
    expect(values.get('agentport_response_time_to_first_token_seconds_count')).toBe(2);
    expect(values.get('agentport_tokens_total{kind="input"}')).toBe(42);
    expect(values.get('agentport_tokens_total{kind="output"}')).toBe(13);
    expect(values.get('agentport_upstream_errors_total{code="transport"}')).toBe(2);
    expect(values.get('agentport_upstream_errors_total{code="timeout"}')).toBe(1);
    expect(values.get('agentport_active_streams')).toBe(3);
  });

  it('escapes label values and keeps histogram buckets cumulative', () => {
    const metrics = new GatewayMetrics({ requestDurationBuckets: [1, 0.1] });
    metrics.observeRequest('GET', 'a"b\\c\nd', 200, 0.05);
    metrics.observeRequest('GET', 'a"b\\c\nd', 200, 0.5);
    metrics.observeRequest('GET', 'a"b\\c\nd', 200, 5);
    const text = metrics.render();
    expect(text).toContain('agentport_http_requests_total{method="GET",route="a\\"b\\\\c\\nd",status="200"} 3');
    const values = samples(text);
    const route = 'method="GET",route="a\\"b\\\\c\\nd"';
    expect(values.get(`agentport_http_request_duration_seconds_bucket{${route},le="0.1"}`)).toBe(1);
    expect(values.get(`agentport_http_request_duration_seconds_bucket{${route},le="1"}`)).toBe(2);
    expect(values.get(`agentport_http_request_duration_seconds_bucket{${route},le="+Inf"}`)).toBe(3);
  });
});
