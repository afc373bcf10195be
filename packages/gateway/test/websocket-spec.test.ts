import type { ScriptedStep } from '@agentport/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayHarness, useGateways } from '../src/testing/gateway-harness.js';
import { RawClient, type ServerFrame, isTerminal } from '../src/testing/websocket-frames.js';

// The WebSocket mode as the spec (Open Responses 2026-04-24, OpenAI's WebSocket mode) has it:
// only completed store:false responses are kept for continuation, tool outputs must answer a
// call, and a connection lasts a bounded time.

const startGateway = useGateways();
const clients: RawClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.socket.terminate();
});

async function connect(harness: GatewayHarness): Promise<RawClient> {
  const client = await RawClient.connect(harness);
  clients.push(client);
  return client;
}

const say = (text: string): ScriptedStep => ({ parts: [{ type: 'text', text }] });
const broken: ScriptedStep = { parts: [], error: { code: 'provider_error', message: 'upstream broke', status: 500 } };
const cutShort: ScriptedStep = { parts: [{ type: 'text', text: 'cut' }], finish: 'length' };

/** Sends a create and waits for what answers it: its terminal event or an error frame. */
async function turn(client: RawClient, body: Record<string, unknown>): Promise<ServerFrame> {
  const seen = client.log.frames.length;
  client.send({ type: 'response.create', model: 'm', store: false, ...body });
  return client.log.waitFor((frame) => client.log.frames.indexOf(frame) >= seen && (isTerminal(frame) || frame.type === 'error'));
}

describe('WebSocket: only completed store:false responses can be continued', () => {
  it.each([
    ['failed', broken, /it ended failed/],
    ['incomplete', cutShort, /it ended incomplete/],
  ])('evicts a %s response: continuing it is previous_response_not_found', async (_status, step, message) => {
    const harness = await startGateway({ model: [step, say('never')] });
    const client = await connect(harness);
    const first = await turn(client, { input: 'hi' });
    expect(first.response!.status).toBe(_status);

    const next = await turn(client, { input: 'go on', previous_response_id: first.response!.id });
    expect(next).toMatchObject({ type: 'error', status: 400, error: { type: 'invalid_request_error', code: 'previous_response_not_found', param: 'previous_response_id' } });
    expect(next.error!.message).toMatch(message);
    expect(harness.model!.calls).toHaveLength(1);
  });

  it('evicts the response a failed turn continued; a completed one stays', async () => {
    const harness = await startGateway({ model: [say('one'), broken, say('three')] });
    const client = await connect(harness);
    const first = await turn(client, { input: 'hi' });
    expect(first.type).toBe('response.completed');
    const failed = await turn(client, { input: 'again', previous_response_id: first.response!.id });
    expect(failed.type).toBe('response.failed');

    const retry = await turn(client, { input: 'again', previous_response_id: first.response!.id });
    expect(retry).toMatchObject({ type: 'error', error: { code: 'previous_response_not_found' } });
    expect(retry.error!.message).toMatch(/a turn continuing it failed/);
    // The client starts over with the full input, as the spec asks.
    expect((await turn(client, { input: [{ role: 'user', content: 'hi' }, { role: 'user', content: 'again' }] })).type).toBe('response.completed');
  });

  it('evicts it on a refused continuation (400), not on one refused for a limit (429)', async () => {
    const harness = await startGateway({
      model: [say('one'), say('two'), { parts: [{ type: 'text', text: 'slow' }, { type: 'delay', ms: 1_000 }] }, say('four')],
      config: { wsMaxQueuedRequests: 0 },
    });
    const client = await connect(harness);
    const kept = await turn(client, { input: 'hi' });
    const other = await turn(client, { input: 'hello' });
    // Nothing may wait behind a running response: a continuation sent meanwhile is a 429.
    client.send({ type: 'response.create', model: 'm', store: false, input: 'slow one' });
    await client.log.waitFor((frame) => frame.type === 'response.output_text.delta' && frame.delta === 'slow');
    const limited = await turn(client, { input: 'go on', previous_response_id: kept.response!.id });
    expect(limited).toMatchObject({ type: 'error', status: 429, error: { code: 'queue_full' } });
    expect((await client.log.terminals(3)).at(-1)!.type).toBe('response.completed');
    expect((await turn(client, { input: 'go on', previous_response_id: kept.response!.id })).type).toBe('response.completed');

    const refused = await turn(client, { input: 'x', previous_response_id: other.response!.id, temperature: 9 });
    expect(refused).toMatchObject({ type: 'error', status: 400, error: { param: 'temperature' } });
    const after = await turn(client, { input: 'go on', previous_response_id: other.response!.id });
    expect(after).toMatchObject({ type: 'error', error: { code: 'previous_response_not_found' } });
  });
});

describe('tool outputs must answer a call', () => {
  const unknownOutput = [{ type: 'function_call_output', call_id: 'call_nobody_made', output: '42' }];

  it('refuses over WebSocket a function_call_output whose call_id is unknown, naming the field', async () => {
    const harness = await startGateway({ model: [say('never')] });
    const client = await connect(harness);
    const refused = await turn(client, { input: unknownOutput });
    expect(refused).toMatchObject({
      type: 'error', status: 400,
      error: { type: 'invalid_request_error', code: 'tool_call_not_found', param: 'input[0].call_id' },
    });
    expect(refused.error!.message).toContain("call_id 'call_nobody_made'");
    expect(harness.model!.calls).toHaveLength(0);
  });

  it('refuses it over HTTP too, and nothing is stored', async () => {
    const harness = await startGateway({ model: [say('never')] });
    const answer = await harness.fetch('/v1/responses', { body: { model: 'm', input: [{ role: 'user', content: 'hi' }, ...unknownOutput] } });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: { code: 'tool_call_not_found', param: 'input[1].call_id' } });
    expect(harness.store.writeCount).toBe(0);
  });

  it('accepts an output that answers a call of the previous turn on the connection, or of the same input', async () => {
    const harness = await startGateway({
      model: [{ parts: [{ type: 'tool-call', name: 'lookup', input: {}, id: 'call_1' }] }, say('done'), say('also done')],
    });
    const tools = [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} } }];
    const client = await connect(harness);
    const first = await turn(client, { input: 'look it up', tools });
    expect(first.response!.output.at(-1)).toMatchObject({ type: 'function_call', call_id: 'call_1' });
    const answered = await turn(client, { previous_response_id: first.response!.id, tools, input: [{ type: 'function_call_output', call_id: 'call_1', output: '42' }] });
    expect(answered.type).toBe('response.completed');
    const inline = await turn(client, {
      tools,
      input: [
        { type: 'function_call', call_id: 'call_2', name: 'lookup', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_2', output: '43' },
      ],
    });
    expect(inline.type).toBe('response.completed');
  });
});

describe('the connection lifetime limit (wsMaxConnectionMs)', () => {
  it('tells an idle client websocket_connection_limit_reached, then closes normally', async () => {
    const harness = await startGateway({ model: [], config: { wsMaxConnectionMs: 150 } });
    const client = await connect(harness);
    const closed = await client.closed;

    expect(closed).toEqual({ code: 1000, reason: 'connection lifetime limit reached' });
    expect(client.log.errors()).toMatchObject([{
      type: 'error', status: 400,
      error: { type: 'invalid_request_error', code: 'websocket_connection_limit_reached', param: null },
    }]);
    expect(client.log.errors()[0]!.error!.message).toMatch(/Create a new WebSocket connection/);
  });

  it('lets the running response finish, refuses what comes after it, then closes', async () => {
    const harness = await startGateway({
      model: [{ parts: [{ type: 'text', text: 'slow' }, { type: 'delay', ms: 800 }, { type: 'text', text: ' answer' }] }],
      config: { wsMaxConnectionMs: 300 },
    });
    const client = await connect(harness);
    client.send({ type: 'response.create', model: 'm', input: 'hi' });
    await client.log.waitFor((frame) => frame.type === 'response.output_text.delta');
    client.send({ type: 'response.create', model: 'm', input: 'more' });
    const closed = await client.closed;

    expect(closed.code).toBe(1000);
    const terminals = client.log.frames.filter(isTerminal);
    expect(terminals).toMatchObject([{ type: 'response.completed' }]);
    // The queued create is answered with the limit error, and the client is told once more after the response.
    const errors = client.log.errors();
    expect(errors).toHaveLength(2);
    expect(errors.every((frame) => frame.error!.code === 'websocket_connection_limit_reached')).toBe(true);
    expect(client.log.frames.at(-1)).toBe(errors[1]);
    expect(harness.model!.calls).toHaveLength(1);
  });
});
