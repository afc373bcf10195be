import type { ScriptedStep } from '@agentport/core/testing';
import type { ResponsesWS } from 'openai/resources/responses/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { useGateways } from '../src/testing/gateway-harness.js';
import { checkResponseStream } from '../src/testing/response-stream-checker.js';
import { connectResponsesWS, isTerminal } from '../src/testing/websocket-frames.js';

const startGateway = useGateways();

const opened: ResponsesWS[] = [];
afterEach(() => {
  for (const ws of opened.splice(0)) ws.close();
});

function connect(...args: Parameters<typeof connectResponsesWS>) {
  const connection = connectResponsesWS(...args);
  opened.push(connection.ws);
  return connection;
}

const say = (text: string): ScriptedStep => ({ parts: [{ type: 'text', text }] });
/** Text, a pause only an abort ends early, then more text. */
const slow = (text: string, ms = 10_000): ScriptedStep => ({ parts: [{ type: 'text', text }, { type: 'delay', ms }, { type: 'text', text: ' (late)' }] });

describe('openai-node ResponsesWS against the gateway', () => {
  it('streams a turn: each event a frame, in the order and shape of the SSE stream', async () => {
    const harness = await startGateway({ model: [say('Hello over a socket')] });
    const { ws, log, sdkErrors } = connect(harness);
    ws.send({ type: 'response.create', model: 'm', input: 'hi' });

    const [terminal] = await log.terminals(1);
    const { terminal: checked } = checkResponseStream(log.frames);
    expect(checked.type).toBe('response.completed');
    expect(terminal!.response!.output).toMatchObject([{ type: 'message', content: [{ type: 'output_text', text: 'Hello over a socket' }] }]);
    expect(log.frames.map((frame) => frame.type)).not.toContain('response.step.created');
    expect(sdkErrors).toEqual([]);
    expect(harness.model!.calls[0]!.request.messages).toEqual([{ role: 'user', content: 'hi' }]);
  });

  it('runs a second turn sent while the first streams after the first, both to completion', async () => {
    const harness = await startGateway({ model: [slow('First', 150), say('Second')] });
    const { ws, log } = connect(harness);
    ws.send({ type: 'response.create', model: 'm', input: 'one' });
    await log.waitFor((frame) => frame.type === 'response.output_text.delta');
    ws.send({ type: 'response.create', model: 'm', input: 'two' });

    const terminals = await log.terminals(2);
    expect(terminals.map((frame) => [frame.type, frame.response!.status])).toEqual([['response.completed', 'completed'], ['response.completed', 'completed']]);
    const [first, second] = log.responseIds();
    // Every event of the first response comes before the second one is created.
    const firstEnd = log.frames.findIndex((frame) => isTerminal(frame) && frame.response!.id === first);
    const secondStart = log.frames.findIndex((frame) => frame.type === 'response.created' && frame.response!.id === second);
    expect(firstEnd).toBeLessThan(secondStart);
    expect(checkResponseStream(log.eventsOf(first!)).terminal.response.output[0]).toMatchObject({ content: [{ text: 'First (late)' }] });
    expect(checkResponseStream(log.eventsOf(second!)).terminal.response.output[0]).toMatchObject({ content: [{ text: 'Second' }] });
    expect(harness.model!.calls.map((call) => call.request.messages)).toEqual([[{ role: 'user', content: 'one' }], [{ role: 'user', content: 'two' }]]);
  });

  it('cancels the running response: the model call is aborted and the stream still ends with its terminal event', async () => {
    const harness = await startGateway({ model: [slow('Partial'), say('Still here')] });
    const { ws, log, sdkErrors } = connect(harness);
    ws.send({ type: 'response.create', model: 'm', input: 'hi', store: true });
    await log.waitFor((frame) => frame.type === 'response.output_text.delta');
    ws.send({ type: 'response.cancel' } as never);

    const [terminal] = await log.terminals(1);
    expect(terminal).toMatchObject({ type: 'response.incomplete', response: { status: 'cancelled' } });
    checkResponseStream(log.frames);
    await harness.model!.calls[0]!.ended;
    expect(harness.model!.calls[0]!.aborted).toBe(true);
    expect(await harness.waitForStatus(terminal!.response!.id, ['cancelled'])).toBe('cancelled');

    // The connection goes on.
    ws.send({ type: 'response.create', model: 'm', input: 'again' });
    const terminals = await log.terminals(2);
    expect(terminals[1]).toMatchObject({ type: 'response.completed', response: { output: [{ content: [{ text: 'Still here' }] }] } });
    expect(sdkErrors).toEqual([]);
  });

  it('continues a store:false response on the same connection, and not after a reconnect', async () => {
    const harness = await startGateway({ model: [say('Hello Ada.'), say('Your name is Ada.')] });
    const { ws, log } = connect(harness);
    ws.send({ type: 'response.create', model: 'm', input: 'My name is Ada.', store: false });
    const [first] = await log.terminals(1);
    ws.send({ type: 'response.create', model: 'm', input: 'What is my name?', store: false, previous_response_id: first!.response!.id });
    const [, second] = await log.terminals(2);

    expect(second).toMatchObject({ type: 'response.completed', response: { previous_response_id: first!.response!.id, store: false } });
    expect(harness.model!.calls[1]!.request.messages).toEqual([
      { role: 'user', content: 'My name is Ada.' },
      { role: 'assistant', content: 'Hello Ada.' },
      { role: 'user', content: 'What is my name?' },
    ]);
    expect(await harness.store.getResponse('default', first!.response!.id)).toBeUndefined();
    expect(await harness.store.getResponse('default', second!.response!.id)).toBeUndefined();

    ws.close();
    const again = connect(harness);
    again.ws.send({ type: 'response.create', model: 'm', input: 'And now?', store: false, previous_response_id: second!.response!.id });
    const error = await again.log.waitFor((frame) => frame.type === 'error');
    expect(error).toEqual({
      type: 'error', status: 400,
      error: expect.objectContaining({ type: 'invalid_request_error', code: 'previous_response_not_found', param: 'previous_response_id' }),
    });
    expect(again.sdkErrors).toHaveLength(1);
    expect(harness.model!.calls).toHaveLength(2);
  });

  it('answers a generate:false prewarm without the model, and its id carries the input to the next turn', async () => {
    const harness = await startGateway({ model: [say('Ready.')] });
    const { ws, log } = connect(harness);
    ws.send({ type: 'response.create', model: 'm', input: 'You work in /repo.', store: false, generate: false });
    const [prewarm] = await log.terminals(1);

    expect(log.frames.map((frame) => frame.type)).toEqual(['response.created', 'response.completed']);
    expect(prewarm!.response).toMatchObject({
      status: 'completed', output: [],
      usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
    });
    expect(harness.model!.calls).toHaveLength(0);

    ws.send({ type: 'response.create', model: 'm', input: 'Go.', store: false, previous_response_id: prewarm!.response!.id });
    await log.terminals(2);
    expect(harness.model!.calls[0]!.request.messages).toEqual([
      { role: 'user', content: 'You work in /repo.' },
      { role: 'user', content: 'Go.' },
    ]);
  });

  it('continues a chain that starts with a stored response: store first, then the connection\'s memory', async () => {
    const harness = await startGateway({ model: [say('Noted: blue.'), say('Noted: round.'), say('A blue ball.')] });
    const stored = await harness.client().responses.create({ model: 'm', input: 'The ball is blue.' });
    const { ws, log } = connect(harness);
    ws.send({ type: 'response.create', model: 'm', input: 'The ball is round.', store: false, previous_response_id: stored.id });
    const [second] = await log.terminals(1);
    ws.send({ type: 'response.create', model: 'm', input: 'Describe the ball.', store: false, previous_response_id: second!.response!.id });
    await log.terminals(2);

    expect(harness.model!.calls[2]!.request.messages).toEqual([
      { role: 'user', content: 'The ball is blue.' },
      { role: 'assistant', content: 'Noted: blue.' },
      { role: 'user', content: 'The ball is round.' },
      { role: 'assistant', content: 'Noted: round.' },
      { role: 'user', content: 'Describe the ball.' },
    ]);
  });

  it('stores a store:true prewarm with its input and no output', async () => {
    const harness = await startGateway({ model: [] });
    const { ws, log } = connect(harness);
    ws.send({ type: 'response.create', model: 'm', input: 'Context.', generate: false });
    const [prewarm] = await log.terminals(1);

    const stored = await (await harness.fetch(`/v1/responses/${prewarm!.response!.id}`)).json();
    expect(stored).toMatchObject({ status: 'completed', output: [], usage: { total_tokens: 0 } });
    const inputItems = await (await harness.fetch(`/v1/responses/${prewarm!.response!.id}/input_items`)).json() as { data: unknown[] };
    expect(inputItems.data).toMatchObject([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Context.' }] }]);
  });

  it('answers bad frames with error frames and keeps the connection usable', async () => {
    const harness = await startGateway({ model: [say('Still fine.')] });
    const { ws, log, sdkErrors } = connect(harness);
    ws.sendRaw('{"type": "response.create", ');
    ws.send({ type: 'response.teleport' } as never);
    ws.send({ type: 'response.create', model: 'm', input: 'hi', temperature: 7 });
    ws.sendRaw(new Uint8Array([1, 2, 3]));
    ws.send({ type: 'response.create', model: 'm', input: 'hi' });

    await log.terminals(1);
    // A create is checked when its turn comes; the other frames are answered at once.
    const errors = log.errors().map((frame) => [frame.status, frame.error!.code, frame.error!.param]);
    expect(errors).toHaveLength(4);
    expect(errors).toEqual(expect.arrayContaining([
      [400, 'invalid_json', null],
      [400, 'unknown_frame_type', 'type'],
      [400, 'invalid_request', 'temperature'],
      [400, 'binary_frame_not_supported', null],
    ]));
    expect(sdkErrors).toHaveLength(4);
    expect(log.frames.at(-1)).toMatchObject({ type: 'response.completed', response: { output: [{ content: [{ text: 'Still fine.' }] }] } });
  });

  it('stores a store:true response as over HTTP: GET returns what the socket streamed', async () => {
    const harness = await startGateway({ model: [say('Kept in the store.')] });
    const { ws, log } = connect(harness);
    ws.send({ type: 'response.create', model: 'm', input: 'hi' });
    const [terminal] = await log.terminals(1);

    const stored = await (await harness.fetch(`/v1/responses/${terminal!.response!.id}`)).json();
    expect(stored).toEqual(terminal!.response);
  });
});
