import { type ServerTool, staticToolProvider } from '@agentport/core';
import { describe, expect, it } from 'vitest';
import { type GatewayHarness, useGateways } from '../src/testing/gateway-harness.js';

const startGateway = useGateways();

const add: ServerTool<{ a: number; b: number }> = {
  name: 'add', description: 'Adds two numbers', execution: 'server',
  parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
  execute: async (args) => ({ output: String(args.a + args.b) }),
};
const broken: ServerTool<Record<string, never>> = {
  name: 'broken', description: 'Always fails', execution: 'server',
  parameters: { type: 'object', properties: {} },
  execute: async () => { throw new Error('the disk is on fire'); },
};

const KEYS = { apiKeys: ['sk-alice:alice', 'sk-bob:bob'], adminKeys: ['sk-admin'] };

/** A gateway whose model calls `add` twice then answers (asked "add"), calls `broken` once (asked "break"), or just answers. */
async function tracedGateway(config: Record<string, unknown> = { traceViewer: true }) {
  return startGateway({
    model: (request) => {
      const toolResults = request.messages.filter((message) => message.role === 'tool').length;
      const user = request.messages.find((message) => message.role === 'user');
      const asked = typeof user?.content === 'string' ? user.content : JSON.stringify(user?.content);
      if (asked.includes('add') && toolResults < 2) {
        return { parts: [{ type: 'tool-call', name: 'add', input: { a: toolResults, b: 1 } }], usage: { inputTokens: 100 + toolResults, outputTokens: 10 } };
      }
      if (asked.includes('break') && toolResults < 1) return { parts: [{ type: 'tool-call', name: 'broken', input: {} }], usage: { inputTokens: 50, outputTokens: 4 } };
      return { parts: [{ type: 'text', text: 'done' }], usage: { inputTokens: 120, outputTokens: 5 } };
    },
    tools: [staticToolProvider('test', [add as ServerTool, broken as ServerTool])],
    config: { ...KEYS, ...config },
  });
}

async function read(harness: GatewayHarness, path: string, apiKey: string | null = 'sk-alice') {
  const response = await harness.fetch(path, { apiKey });
  return { status: response.status, body: await response.json() as Record<string, any> };
}

describe('the trace API', () => {
  it("shows a tool-using run as the store holds it: each model call's tokens and place, each tool call, the events", async () => {
    const harness = await tracedGateway();
    const run = await harness.client('sk-alice').responses.create({ model: 'm', input: 'add twice', instructions: 'Be exact.' });
    const { status, body } = await read(harness, `/v1/traces/${run.id}`);

    expect(status).toBe(200);
    expect(body).toMatchObject({ object: 'trace', tenant: 'alice', running: false, chain: [] });
    // The same response, input and events the Responses API and the store give.
    expect(body.response).toEqual(await (await harness.fetch(`/v1/responses/${run.id}`, { apiKey: 'sk-alice' })).json());
    expect(body.input).toEqual((await harness.store.listResponseItems('alice', run.id, 'input'))!.data);
    expect(body.events).toEqual((await harness.store.readEvents('alice', run.id))!.map((event) => event.data));
    expect(body.spans).toEqual(await harness.store.readTrace('alice', run.id));

    const spans = body.spans as Array<Record<string, any>>;
    const [root, ...children] = spans;
    expect(root).toMatchObject({
      name: 'invoke_agent scripted:model', parentId: null, kind: 'server', ended: true, error: null,
      attributes: { 'agentport.tenant': 'alice', 'agentport.response.status': 'completed', 'gen_ai.usage.input_tokens': 321, 'gen_ai.usage.output_tokens': 25, 'agentport.request.input_items': 1, 'agentport.request.history_items': 0 },
    });
    expect(children.map((span) => span.name)).toEqual(['chat model', 'execute_tool add', 'chat model', 'execute_tool add', 'chat model']);
    expect(children.every((span) => span.parentId === root!.id && span.ended)).toBe(true);
    const calls = children.filter((span) => span.name === 'chat model');
    // Step n was sent the output items before it: none, then a call and its result, then two of each.
    expect(calls.map((span) => [span.attributes['agentport.step'], span.attributes['agentport.request.output_items'], span.attributes['gen_ai.usage.input_tokens'], span.attributes['gen_ai.usage.output_tokens']]))
      .toEqual([[1, 0, 100, 10], [2, 2, 101, 10], [3, 4, 120, 5]]);
    expect(calls.map((span) => span.attributes['gen_ai.response.finish_reasons'])).toEqual([['tool_calls'], ['tool_calls'], ['stop']]);
    // Instructions, the user's message, then two output items per earlier step.
    expect(calls.map((span) => span.attributes['agentport.request.messages'])).toEqual([2, 4, 6]);
    const toolSpans = children.filter((span) => span.name === 'execute_tool add');
    const functionCalls = body.response.output.filter((item: { type: string }) => item.type === 'function_call');
    expect(toolSpans.map((span) => span.attributes['gen_ai.tool.call.id'])).toEqual(functionCalls.map((item: { call_id: string }) => item.call_id));
    expect(toolSpans.map((span) => span.attributes['agentport.tool.item_id'])).toEqual(functionCalls.map((item: { id: string }) => item.id));
    for (const span of spans) expect(span.startedAt).toBeGreaterThanOrEqual(root!.startedAt);
    expect(root!.durationMs).toBeGreaterThanOrEqual(Math.max(...children.map((span) => span.startedAt - root!.startedAt + span.durationMs)) - 1);
  });

  it("keeps a failed tool call's error on its span", async () => {
    const harness = await tracedGateway();
    const run = await harness.client('sk-alice').responses.create({ model: 'm', input: 'break it' });
    const { body } = await read(harness, `/v1/traces/${run.id}`);
    const tool = (body.spans as Array<Record<string, any>>).find((span) => span.name === 'execute_tool broken');
    expect(tool).toMatchObject({ ended: true, error: { message: expect.stringContaining('the disk is on fire') } });
  });

  it("lists a tenant's stored responses and conversations newest first, and follows a chain", async () => {
    const harness = await tracedGateway();
    const alice = harness.client('sk-alice');
    const conversation = await alice.conversations.create({});
    const first = await alice.responses.create({ model: 'm', input: 'hello', conversation: conversation.id });
    const second = await alice.responses.create({ model: 'm', input: 'hello again' });
    const third = await alice.responses.create({ model: 'm', input: 'and again', previous_response_id: second.id });
    await alice.responses.create({ model: 'm', input: 'not kept', store: false });
    await harness.client('sk-bob').responses.create({ model: 'm', input: 'bob here' });

    const list = await read(harness, '/v1/traces?limit=2');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ object: 'list', has_more: true, first_id: third.id, last_id: second.id });
    expect(list.body.data.map((row: { id: string }) => row.id)).toEqual([third.id, second.id]);
    expect(list.body.data[0]).toMatchObject({ status: 'completed', model: 'm', previous_response_id: second.id, usage: { input_tokens: 120, output_tokens: 5 } });
    const rest = await read(harness, `/v1/traces?after=${second.id}`);
    expect(rest.body.data.map((row: { id: string }) => row.id)).toEqual([first.id]);
    const inConversation = await read(harness, `/v1/traces?conversation_id=${conversation.id}`);
    expect(inConversation.body.data.map((row: { id: string }) => row.id)).toEqual([first.id]);
    const conversations = await read(harness, '/v1/traces/conversations');
    expect(conversations.body.data).toEqual([{ id: conversation.id, object: 'conversation', created_at: conversation.created_at, metadata: {} }]);

    const chained = await read(harness, `/v1/traces/${third.id}`);
    expect(chained.body.chain).toEqual([{ id: second.id, status: 'completed', created_at: second.created_at, model: 'm' }]);
    const rootSpan = (chained.body.spans as Array<Record<string, any>>)[0]!;
    expect(rootSpan.attributes['agentport.request.history_items']).toBe(2);
  });

  it("gives a tenant key its own tenant only, and an admin key the tenant it names", async () => {
    const harness = await tracedGateway();
    const run = await harness.client('sk-alice').responses.create({ model: 'm', input: 'hello' });

    expect((await read(harness, `/v1/traces/${run.id}`, 'sk-bob')).status).toBe(404);
    expect((await read(harness, '/v1/traces', 'sk-bob')).body.data).toEqual([]);
    const asOther = await read(harness, '/v1/traces?tenant=alice', 'sk-bob');
    expect(asOther).toMatchObject({ status: 403, body: { error: { type: 'permission_error', code: 'tenant_not_allowed', param: 'tenant' } } });
    expect(await read(harness, '/v1/traces', null)).toMatchObject({ status: 401, body: { error: { type: 'authentication_error' } } });
    expect(await read(harness, '/v1/traces', 'sk-wrong')).toMatchObject({ status: 401 });

    expect(await read(harness, '/v1/traces', 'sk-admin')).toMatchObject({ status: 400, body: { error: { param: 'tenant' } } });
    const asAdmin = await read(harness, `/v1/traces/${run.id}?tenant=alice`, 'sk-admin');
    expect(asAdmin).toMatchObject({ status: 200, body: { tenant: 'alice', response: { id: run.id } } });
    expect((await read(harness, `/v1/traces/${run.id}?tenant=bob`, 'sk-admin')).status).toBe(404);
    // An admin key still runs no responses.
    expect((await harness.fetch('/v1/responses', { apiKey: 'sk-admin', body: { model: 'm', input: 'hi' } })).status).toBe(401);
  });

  it('answers bad queries with the parameter at fault', async () => {
    const harness = await tracedGateway();
    expect(await read(harness, '/v1/traces?limit=0')).toMatchObject({ status: 400, body: { error: { param: 'limit' } } });
    expect(await read(harness, '/v1/traces/resp_x?events_after=soon')).toMatchObject({ status: 400, body: { error: { param: 'events_after' } } });
    expect(await read(harness, `/v1/traces?conversation_id=${'c'.repeat(300)}`)).toMatchObject({ status: 400, body: { error: { param: 'conversation_id' } } });
    expect(await read(harness, '/v1/traces/resp_%00%27%22')).toMatchObject({ status: 404, body: { error: { code: 'response_not_found' } } });
    expect(await read(harness, '/v1/traces?after=resp_unknown')).toMatchObject({ status: 200, body: { data: [], has_more: false } });
  });

  it('reads only the events after events_after', async () => {
    const harness = await tracedGateway();
    const run = await harness.client('sk-alice').responses.create({ model: 'm', input: 'hello' });
    const all = (await read(harness, `/v1/traces/${run.id}`)).body.events as Array<{ sequence_number: number }>;
    const later = (await read(harness, `/v1/traces/${run.id}?events_after=2`)).body.events;
    expect(later).toEqual(all.filter((event) => event.sequence_number > 2));
  });

  it('is off unless turned on: no routes, no page, no spans kept', async () => {
    const harness = await tracedGateway({});
    const run = await harness.client('sk-alice').responses.create({ model: 'm', input: 'add twice' });
    expect((await harness.fetch('/v1/traces', { apiKey: 'sk-alice' })).status).toBe(404);
    expect((await harness.fetch(`/v1/traces/${run.id}`, { apiKey: 'sk-alice' })).status).toBe(404);
    expect((await harness.fetch('/ui/', { apiKey: null })).status).toBe(404);
    expect(await harness.store.readTrace('alice', run.id)).toEqual([]);
  });
});
