import { describe, expect, it } from 'vitest';
import { useGateways } from '../src/testing/gateway-harness.js';
import { checkResponseStream, type StreamEvent } from '../src/testing/response-stream-checker.js';
import { readSseEvents } from '../src/testing/sse-events.js';

const startGateway = useGateways();

/** A real stream with a reasoning item, a function call and a message. */
async function realStream(): Promise<StreamEvent[]> {
  const harness = await startGateway({
    model: [{ parts: [{ type: 'reasoning', text: 'Let me think.' }, { type: 'text', text: 'Calling.' }, { type: 'tool-call', name: 'f', input: { a: 1 } }] }],
  });
  const response = await harness.fetch('/v1/responses', {
    body: { model: 'm', input: 'hi', stream: true, tools: [{ type: 'function', name: 'f', parameters: { type: 'object', properties: { a: { type: 'number' } } } }] },
  });
  return readSseEvents(response);
}

/** The events with their sequence numbers made 0..n again, so that only the mutation breaks a rule. */
function renumber(events: StreamEvent[]): StreamEvent[] {
  return events.map((event, index) => ({ ...event, sequence_number: index }));
}

const indexOf = (events: StreamEvent[], type: string, nth = 0) => events.map((event, index) => [event.type, index] as const)
  .filter(([eventType]) => eventType === type)[nth]![1];

describe('the response stream checker', () => {
  it('accepts a real stream of the gateway', async () => {
    const events = await realStream();
    const { terminal, items } = checkResponseStream(events);
    expect(terminal.type).toBe('response.completed');
    expect(items.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call']);
  });

  const mutations: Array<[string, (events: StreamEvent[]) => StreamEvent[], RegExp]> = [
    ['a gap in sequence numbers', (events) => events.filter((_, index) => index !== 3).map((event, index) => ({ ...event, sequence_number: index < 3 ? index : index + 1 })), /sequence_number should be 3/],
    ['a second terminal event', (events) => renumber([...events, events.at(-1)!]), /after the terminal event/],
    ['no terminal event', (events) => events.slice(0, -1), /no terminal event/],
    ['a wrong item_id', (events) => events.map((event) => event.type === 'response.output_text.delta' ? { ...event, item_id: 'msg_other' } : event), /item_id msg_other/],
    ['a delta at the wrong output_index', (events) => events.map((event) => event.type === 'response.output_text.delta' ? { ...event, output_index: 0 } : event), /is already done/],
    ['a skipped output_index', (events) => events.map((event) => event.type === 'response.output_item.added' && event.output_index === 2 ? { ...event, output_index: 3 } : event), /output_index should be 2/],
    ['interleaved items', (events) => {
      const moved = [...events];
      const [reasoningDone] = moved.splice(indexOf(moved, 'response.output_item.done', 0), 1);
      moved.splice(indexOf(moved, 'response.output_item.added', 1) + 1, 0, reasoningDone!);
      return renumber(moved);
    }, /must not interleave/],
    ['a delta before its content part', (events) => renumber(events.filter((_, index) => index !== indexOf(events, 'response.content_part.added', 1))), /content_index 0 was never added/],
    ['deltas that do not add up to the done text', (events) => events.map((event) => event.type === 'response.output_text.done' ? { ...event, text: 'Something else.' } : event), /done text/],
    ['an item left open', (events) => renumber(events.filter((_, index) => index !== indexOf(events, 'response.output_item.done', 2))), /still open|is already done/],
    ['a snapshot missing an item', (events) => events.map((event) => event.type === 'response.completed'
      ? { ...event, response: { ...(event.response as object), output: (event.response as { output: unknown[] }).output.slice(1) } }
      : event), /terminal snapshot holds/],
    ['a terminal status that does not fit the event', (events) => events.map((event) => event.type === 'response.completed'
      ? { ...event, response: { ...(event.response as object), status: 'failed' } }
      : event), /response\/status must be equal to constant/],
    ['a response object without a field the spec requires', (events) => events.map((event) => event.type === 'response.created'
      ? { ...event, response: { ...(event.response as object), temperature: null } }
      : event), /#0 \(response.created.*\/response\/temperature must be number/],
    ['a text delta without logprobs', (events) => events.map((event) => {
      if (event.type !== 'response.output_text.delta') return event;
      const { logprobs: _logprobs, ...rest } = event;
      return rest as typeof event;
    }), /output_text.delta.*must have required property 'logprobs'/],
  ];

  it.each(mutations)('rejects %s', async (_name, mutate, message) => {
    const events = await realStream();
    expect(() => checkResponseStream(mutate(events))).toThrow(message);
  });
});
