import type { ScriptedStep } from '@agentport/core/testing';
import type { ResponsesWS } from 'openai/resources/responses/ws';
import { afterEach, describe, expect, it } from 'vitest';
import { useGateways } from '../src/testing/gateway-harness.js';
import { checkResponseStream, type StreamEvent } from '../src/testing/response-stream-checker.js';
import { connectResponsesWS, type FrameLog } from '../src/testing/websocket-frames.js';

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

const weatherTool = {
  type: 'function' as const, name: 'get_weather', strict: true,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
};
const callWeather: ScriptedStep = { parts: [{ type: 'tool-call', name: 'get_weather', input: { city: 'Oslo' }, id: 'call_oslo' }] };
const answer: ScriptedStep = { parts: [{ type: 'text', text: 'Snow in Oslo.' }] };
const EXTENSION_TYPES = new Set(['response.step.created', 'response.step.completed', 'response.tool_result.waiting', 'response.tool_result.received']);

/** A `response.create` that opts into the in-response tool loop. */
const loopRequest = { type: 'response.create', model: 'm', input: 'Weather in Oslo?', tools: [weatherTool], client_tool_loop: true };

/** The events a strict client would get: the extension events removed, sequence numbers as sent. */
function withoutExtensions(events: readonly StreamEvent[]): StreamEvent[] {
  return events.filter((event) => !EXTENSION_TYPES.has(event.type)).map((event, index) => ({ ...event, sequence_number: index }));
}

function waitingFor(log: FrameLog) {
  return log.waitFor((frame) => frame.type === 'response.tool_result.waiting');
}

describe('the in-response client tool loop over WebSocket', () => {
  it('waits for tool_result.submit and goes on in the same response, with step events', async () => {
    const harness = await startGateway({ model: [callWeather, answer] });
    const { ws, log, sdkErrors } = connect(harness);
    ws.send(loopRequest as never);
    const waiting = await waitingFor(log);
    expect(waiting).toMatchObject({ call_id: 'call_oslo' });
    ws.send({ type: 'tool_result.submit', response_id: waiting.response_id, call_id: 'call_oslo', output: '-3 °C, snow' } as never);

    const [terminal] = await log.terminals(1);
    expect(terminal!.response!.status).toBe('completed');
    expect(terminal!.response!.output.map((item) => item.type)).toEqual(['function_call', 'function_call_output', 'message']);
    expect(terminal!.response!.output[1]).toMatchObject({ call_id: 'call_oslo', output: '-3 °C, snow' });
    expect(log.frames.filter((frame) => EXTENSION_TYPES.has(frame.type)).map((frame) => frame.type)).toEqual([
      'response.step.created', 'response.step.completed',
      'response.tool_result.waiting', 'response.tool_result.received',
      'response.step.created', 'response.step.completed',
    ]);
    checkResponseStream(withoutExtensions(log.frames));
    expect(harness.model!.calls[1]!.request.messages.at(-1)).toEqual({ role: 'tool', toolCallId: 'call_oslo', content: '-3 °C, snow' });
    expect(sdkErrors).toEqual([]);
  });

  it('refuses a result for a call the response does not wait for, and still takes the right one', async () => {
    const harness = await startGateway({ model: [callWeather, answer] });
    const { ws, log } = connect(harness);
    ws.send(loopRequest as never);
    const waiting = await waitingFor(log);
    ws.send({ type: 'tool_result.submit', response_id: waiting.response_id, call_id: 'call_paris', output: 'sun' } as never);
    const error = await log.waitFor((frame) => frame.type === 'error');
    expect(error).toMatchObject({ status: 400, error: { code: 'tool_call_not_found', param: 'call_id' } });

    ws.send({ type: 'tool_result.submit', call_id: 'call_oslo', output: 'snow' } as never);
    const [terminal] = await log.terminals(1);
    expect(terminal!.response!.output.map((item) => item.type)).toEqual(['function_call', 'function_call_output', 'message']);
  });

  it('ends the response at the call when no result comes in time; the client then continues as without the loop', async () => {
    const harness = await startGateway({ model: [callWeather, answer], config: { wsToolResultTimeoutMs: 50 } });
    const { ws, log } = connect(harness);
    ws.send(loopRequest as never);
    const [terminal] = await log.terminals(1);

    expect(terminal!.response!.status).toBe('completed');
    expect(terminal!.response!.output.map((item) => item.type)).toEqual(['function_call']);
    expect(log.frames.some((frame) => frame.type === 'response.tool_result.received')).toBe(false);

    ws.send({ type: 'tool_result.submit', response_id: terminal!.response!.id, call_id: 'call_oslo', output: 'snow' } as never);
    expect(await log.waitFor((frame) => frame.type === 'error')).toMatchObject({ status: 404, error: { code: 'response_not_found' } });

    ws.send({
      type: 'response.create', model: 'm', tools: [weatherTool], previous_response_id: terminal!.response!.id,
      input: [{ type: 'function_call_output', call_id: 'call_oslo', output: 'snow' }],
    });
    const [, second] = await log.terminals(2);
    expect(second!.response!.output).toMatchObject([{ type: 'message', content: [{ text: 'Snow in Oslo.' }] }]);
  });

  it('cancels a response that waits for a tool result', async () => {
    const harness = await startGateway({ model: [callWeather, answer] });
    const { ws, log } = connect(harness);
    ws.send(loopRequest as never);
    const waiting = await waitingFor(log);
    ws.send({ type: 'response.cancel', response_id: waiting.response_id } as never);

    const [terminal] = await log.terminals(1);
    expect(terminal).toMatchObject({ type: 'response.incomplete', response: { status: 'cancelled' } });
    expect(terminal!.response!.output.map((item) => item.type)).toEqual(['function_call']);
    checkResponseStream(withoutExtensions(log.frames));
    expect(harness.model!.calls).toHaveLength(1);
  });

  it('is off unless asked for: a client call ends the response and no extension event is sent', async () => {
    const harness = await startGateway({ model: [callWeather] });
    const { ws, log } = connect(harness);
    ws.send({ type: 'response.create', model: 'm', input: 'Weather in Oslo?', tools: [weatherTool] });
    const [terminal] = await log.terminals(1);

    expect(terminal!.response!.output.map((item) => item.type)).toEqual(['function_call']);
    expect(log.frames.filter((frame) => EXTENSION_TYPES.has(frame.type))).toEqual([]);
    checkResponseStream(log.frames);
  });
});
