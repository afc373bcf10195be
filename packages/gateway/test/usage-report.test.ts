import { hourOf, MemoryStateStore, type ServerTool, type StateStore, staticToolProvider } from '@agentport/core';
import { describe, expect, it } from 'vitest';
import { type GatewayHarness, useGateways } from '../src/testing/gateway-harness.js';

const startGateway = useGateways();

const add: ServerTool<{ a: number; b: number }> = {
  name: 'add', description: 'Adds two numbers', execution: 'server',
  parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
  execute: async (args) => ({ output: String(args.a + args.b) }),
};

const KEYS = { apiKeys: ['sk-alice:alice', 'sk-bob:bob'], adminKeys: ['sk-admin'] };

/** Two tenants' usage: alice a three-step run with two tool calls (and a `store: false` answer), bob one answer. */
async function gatewayWithUsage(config: Record<string, unknown> = {}, store?: StateStore) {
  const harness = await startGateway({
    ...(store ? { store } : {}),
    model: (request) => {
      const toolResults = request.messages.filter((message) => message.role === 'tool').length;
      const user = request.messages.find((message) => message.role === 'user');
      const asked = typeof user?.content === 'string' ? user.content : JSON.stringify(user?.content);
      if (asked.includes('add')) {
        return toolResults < 2
          ? { parts: [{ type: 'tool-call', name: 'add', input: { a: toolResults, b: 1 } }], usage: { inputTokens: 100, outputTokens: 10, cachedInputTokens: 40, reasoningTokens: 3 } }
          : { parts: [{ type: 'text', text: 'done' }], usage: { inputTokens: 120, outputTokens: 5, cachedInputTokens: 100 } };
      }
      return { parts: [{ type: 'text', text: 'hello' }], usage: { inputTokens: 7, outputTokens: 2 } };
    },
    tools: [staticToolProvider('test', [add as ServerTool])],
    config: { ...KEYS, ...config },
  });
  await harness.client('sk-alice').responses.create({ model: 'm', input: 'add twice' });
  await harness.client('sk-alice').responses.create({ model: 'm', input: 'say hello', store: false });
  await harness.client('sk-bob').responses.create({ model: 'm', input: 'say hello' });
  return harness;
}

async function report(harness: GatewayHarness, query: string, apiKey = 'sk-admin') {
  const response = await harness.fetch(`/v1/organization/usage/completions?${query}`, { apiKey });
  return { status: response.status, body: await response.json() as Record<string, any> };
}

describe('usage per tenant and model', () => {
  it('reports every step of every response, by tenant and model, to an admin key', async () => {
    const harness = await gatewayWithUsage();
    const start = hourOf(Math.floor(Date.now() / 1000));
    // Two hours asked for, one bucket a page: the next page starts where this one ends.
    const { status, body } = await report(harness, `start_time=${start}&end_time=${start + 7200}&bucket_width=1h&limit=1&group_by=project_id&group_by=model`);

    expect(status).toBe(200);
    expect(body).toMatchObject({ object: 'page', has_more: true, next_page: String(start + 3600) });
    const next = await report(harness, `page=${body.next_page}&end_time=${start + 7200}&bucket_width=1h&limit=1`);
    expect(next.body).toMatchObject({ has_more: false, next_page: null, data: [{ start_time: start + 3600, results: [] }] });
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({ object: 'bucket', start_time: start, end_time: start + 3600 });
    const byTenant = Object.fromEntries((body.data[0].results as Array<Record<string, any>>).map((result) => [result.project_id, result]));
    expect(Object.keys(byTenant).sort()).toEqual(['alice', 'bob']);
    expect(byTenant.alice).toMatchObject({
      object: 'organization.usage.completions.result', model: 'scripted:model', num_model_requests: 2,
      // Three model calls of the tool run (100 + 100 + 120 in, 10 + 10 + 5 out) and the unstored answer (7 in, 2 out).
      input_tokens: 327, output_tokens: 27, input_cached_tokens: 180, reasoning_tokens: 6, tool_calls: 2,
    });
    expect(byTenant.alice.run_seconds).toBeGreaterThan(0);
    expect(byTenant.bob).toMatchObject({ num_model_requests: 1, input_tokens: 7, output_tokens: 2, input_cached_tokens: 0, tool_calls: 0 });

    // Without group_by, one result sums them all; project_ids picks tenants.
    const all = await report(harness, `start_time=${start}&bucket_width=1h&limit=1`);
    expect(all.body.data[0].results).toMatchObject([{ project_id: null, model: null, num_model_requests: 3, input_tokens: 334 }]);
    const bobOnly = await report(harness, `start_time=${start}&bucket_width=1h&limit=1&project_ids[]=bob&group_by[]=project_id`);
    expect(bobOnly.body.data[0].results).toMatchObject([{ project_id: 'bob', num_model_requests: 1 }]);
    // A day bucket from the start of the day holds the same.
    const day = Math.floor(start / 86_400) * 86_400;
    const daily = await report(harness, `start_time=${day}&end_time=${day + 86_400}`);
    expect(daily.body).toMatchObject({ has_more: false, next_page: null });
    expect(daily.body.data[0].results[0]).toMatchObject({ num_model_requests: 3, input_tokens: 334 });
  });

  it('keeps the usage in the store: a gateway started later on it reports what the closed one counted', async () => {
    const store = new MemoryStateStore();
    const first = await gatewayWithUsage({}, store);
    // Within usageFlushMs nothing is written yet; closing writes what is pending.
    expect(first.store.usageWrites).toBe(0);
    await first.close();
    expect(first.store.usageWrites).toBe(1);
    const second = await startGateway({ model: [], store, config: KEYS });
    const start = hourOf(Math.floor(Date.now() / 1000));
    const { body } = await report(second, `start_time=${start}&bucket_width=1h&limit=1&group_by=project_id`);
    expect((body.data[0].results as Array<Record<string, unknown>>).map((result) => [result.project_id, result.num_model_requests]).sort())
      .toEqual([['alice', 2], ['bob', 1]]);
  });

  it('counts the same in /metrics, by tenant and model', async () => {
    const harness = await gatewayWithUsage();
    const text = await (await fetch(`${harness.url}/metrics`)).text();
    expect(text).toContain('agentport_usage_tokens_total{tenant="alice",model="scripted:model",kind="input"} 327');
    expect(text).toContain('agentport_usage_tokens_total{tenant="alice",model="scripted:model",kind="cached_input"} 180');
    expect(text).toContain('agentport_usage_tokens_total{tenant="bob",model="scripted:model",kind="output"} 2');
    expect(text).toContain('agentport_usage_tool_calls_total{tenant="alice",model="scripted:model"} 2');
    expect(text).toContain('agentport_usage_responses_total{tenant="alice",model="scripted:model"} 2');
  });

  it('bounds the /metrics series: pairs past usageMetricSeries count under _other', async () => {
    const harness = await gatewayWithUsage({ usageMetricSeries: 1 });
    const text = await (await fetch(`${harness.url}/metrics`)).text();
    expect(text).toContain('agentport_usage_responses_total{tenant="alice",model="scripted:model"} 2');
    expect(text).toContain('agentport_usage_responses_total{tenant="_other",model="_other"} 1');
    expect(text).not.toContain('tenant="bob"');
  });

  it('refuses tenant keys, unknown keys and bad parameters with OpenAI-shaped errors', async () => {
    const harness = await gatewayWithUsage();
    const start = hourOf(Math.floor(Date.now() / 1000));
    const tenant = await report(harness, `start_time=${start}`, 'sk-alice');
    expect(tenant).toMatchObject({ status: 403, body: { error: { type: 'permission_error', code: 'admin_key_required' } } });
    expect((await report(harness, `start_time=${start}`, 'sk-nobody')).status).toBe(401);
    const cases: Array<[string, string]> = [
      ['', 'start_time'], [`start_time=yesterday`, 'start_time'], [`start_time=${start}&bucket_width=1m`, 'bucket_width'],
      [`start_time=${start}&end_time=${start}`, 'end_time'], [`start_time=${start}&limit=0`, 'limit'], [`start_time=${start}&bucket_width=1d&limit=32`, 'limit'],
      [`start_time=${start}&group_by=user_id`, 'group_by'],
    ];
    for (const [query, param] of cases) {
      const refused = await report(harness, query);
      expect(refused, query).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error', param } } });
    }
  });

  it('refuses every key when no admin keys are configured', async () => {
    const harness = await startGateway({ model: [{ parts: [{ type: 'text', text: 'hi' }] }], config: { apiKeys: ['sk-alice:alice'] } });
    const response = await harness.fetch('/v1/organization/usage/completions?start_time=0', { apiKey: 'sk-alice' });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'admin_keys_not_configured' } });
  });
});
